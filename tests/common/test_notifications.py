"""The one notification path: stored in-app, emailed once after commit, never with
personal details, and only ever shown to its own person."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from common.models import EmailState, Notification
from common.notifications import kind_label, notify
from common.tasks import notification_email_send
from tests.factories import MembershipFactory

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
LINK = "/cases/00000000-0000-0000-0000-000000000001/#strategy-discussions"


class Rollback(Exception):
    pass


def _notify(user, key="strategy:1:conference:due_soon", **overrides):
    return notify(
        user=user,
        kind=overrides.get("kind", "safeguarding.conference_due_soon"),
        message=overrides.get(
            "message", "An initial child protection conference is due by 17:00 on 4 March 2026."
        ),
        link=overrides.get("link", LINK),
        dedupe_key=key,
    )


# --- notify()


def test_notifying_twice_with_one_dedupe_key_stores_one_and_emails_once(
    officer_north, django_capture_on_commit_callbacks, settings
):
    # given
    settings.SITE_URL = "https://tideline.example"
    user = officer_north.user
    # when
    with django_capture_on_commit_callbacks(execute=True):
        first = _notify(user)
    with django_capture_on_commit_callbacks(execute=True):
        second = _notify(user)
    # then
    assert first is not None
    assert second is None
    assert Notification.objects.filter(user=user).count() == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [user.email]
    assert email.subject == "Tideline: Conference due soon"
    assert email.body == (
        "An initial child protection conference is due by 17:00 on 4 March 2026.\n\n"
        f"https://tideline.example{LINK}\n\n"
        "Sign in to Tideline to see the details. This email holds none."
    )
    assert email.extra_headers["Message-ID"] == f"<notification-{first.pk}@tideline.invalid>"
    assert email.extra_headers["X-Tideline-Notification"] == str(first.pk)
    first.refresh_from_db()
    assert first.emailed_at is not None
    assert first.email_state == EmailState.SENT
    assert first.email_attempts == 1


def test_the_same_event_reaches_each_person_once(
    officer_north, supervisor_north, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _notify(officer_north.user)
        _notify(supervisor_north.user)
        _notify(officer_north.user)
    # then
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == [
        "officer.north",
        "supervisor.north",
    ]
    assert sorted(address for email in mail.outbox for address in email.to) == sorted(
        [officer_north.user.email, supervisor_north.user.email]
    )


def test_the_email_waits_for_the_commit(officer_north, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks() as callbacks:
        notification = _notify(officer_north.user)
        # then: stored, but nothing is sent before the transaction commits
        assert Notification.objects.filter(pk=notification.pk).exists()
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert mail.outbox == []
    # when the transaction commits
    callbacks[0]()
    # then
    assert len(mail.outbox) == 1


def test_nothing_is_stored_or_sent_when_the_work_rolls_back(
    officer_north, django_capture_on_commit_callbacks
):
    # when
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        _notify(officer_north.user)
        raise Rollback()
    # then
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_mail_server_that_is_down_does_not_undo_the_work(
    officer_north, django_capture_on_commit_callbacks, monkeypatch
):
    # given
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    # when
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        notification = _notify(officer_north.user)
    # then: stored, shown in the app, and still to be emailed, a minute later
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert notification.email_state == EmailState.PENDING
    assert notification.email_attempts == 1
    assert notification.email_last_error == "ConnectionRefusedError: smtp down"
    assert notification.email_next_attempt_at == NOW + timedelta(minutes=1)
    assert mail.outbox == []


def test_a_notification_links_only_to_a_page_of_this_site(officer_north):
    for link in ("https://elsewhere.example/", "//elsewhere.example/x", "cases/1/"):
        with pytest.raises(ValueError):
            _notify(officer_north.user, link=link)
    assert Notification.objects.count() == 0


def test_kind_labels_are_short_words():
    assert kind_label("safeguarding.conference_due_soon") == "Conference due soon"
    assert kind_label("safeguarding.first_action_overdue") == "First action overdue"
    assert kind_label("plain") == "Plain"


# --- The email task


def test_the_email_task_is_idempotent(officer_north, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(officer_north.user)
    # when
    sent_again = notification_email_send(str(notification.pk))
    # then
    assert sent_again is False
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("change", ["inactive", "no_email"])
def test_the_email_task_skips_someone_who_cannot_receive_it(
    officer_north, django_capture_on_commit_callbacks, change
):
    # given
    user = officer_north.user
    if change == "inactive":
        user.is_active = False
    else:
        user.email = ""
    user.save()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(user)
    # then
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert notification.email_state == EmailState.SKIPPED
    assert mail.outbox == []


def test_the_email_task_ignores_a_notification_that_is_gone(db):
    assert notification_email_send("00000000-0000-0000-0000-000000000000") is False
    assert mail.outbox == []


# --- The API


def _stored(
    user,
    key,
    *,
    created_at,
    read=False,
    message="A flag is due for review (review date 4 March 2026).",
):
    return Notification.objects.create(
        user=user,
        kind="safeguarding.flag_review_due",
        message=message,
        link=LINK,
        dedupe_key=key,
        created_at=created_at,
        read_at=created_at + timedelta(minutes=5) if read else None,
    )


def test_the_list_shows_only_my_own_unread_first(
    officer_north, supervisor_north, api_for, django_assert_num_queries
):
    # given
    mine_old_unread = _stored(officer_north.user, "a", created_at=NOW - timedelta(days=3))
    mine_new_read = _stored(officer_north.user, "b", created_at=NOW, read=True)
    mine_new_unread = _stored(officer_north.user, "c", created_at=NOW - timedelta(days=1))
    _stored(supervisor_north.user, "a", created_at=NOW)
    client = api_for(officer_north)
    client.get(reverse("api:notification-list"))  # the caller's membership is now cached
    # when: one query, however many there are
    with django_assert_num_queries(1):
        response = client.get(reverse("api:notification-list"))
    # then
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [
        str(mine_new_unread.pk),
        str(mine_old_unread.pk),
        str(mine_new_read.pk),
    ]
    assert response.json()["results"][2] == {
        "id": str(mine_new_read.pk),
        "kind": "safeguarding.flag_review_due",
        "message": "A flag is due for review (review date 4 March 2026).",
        "link": LINK,
        "created_at": "2026-03-04T10:00:00Z",
        "read_at": "2026-03-04T10:05:00Z",
        "is_read": True,
    }


def test_the_list_pages_with_a_cursor_unread_first(officer_north, api_for):
    # given: five unread, five read, in an interleaved order of creation
    for index in range(10):
        _stored(
            officer_north.user,
            f"key-{index}",
            created_at=NOW - timedelta(hours=index),
            read=index % 2 == 1,
        )
    client = api_for(officer_north)
    # when
    seen = []
    url = reverse("api:notification-list") + "?page_size=3"
    while url:
        body = client.get(url).json()
        seen.extend(body["results"])
        url = body["next"]
    # then
    assert [item["is_read"] for item in seen] == [False] * 5 + [True] * 5
    assert len({item["id"] for item in seen}) == 10


def test_marking_one_as_read(officer_north, api_for):
    # given
    notification = _stored(officer_north.user, "a", created_at=NOW)
    # when
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        response = api_for(officer_north).post(
            reverse("api:notification-read", args=[notification.pk])
        )
    # then
    assert response.status_code == 200
    assert response.json()["read_at"] == "2026-03-04T11:00:00Z"
    notification.refresh_from_db()
    assert notification.read_at == NOW + timedelta(hours=1)


def test_marking_it_again_keeps_the_first_time(officer_north, api_for):
    # given
    notification = _stored(officer_north.user, "a", created_at=NOW, read=True)
    # when
    response = api_for(officer_north).post(reverse("api:notification-read", args=[notification.pk]))
    # then
    assert response.status_code == 200
    notification.refresh_from_db()
    assert notification.read_at == NOW + timedelta(minutes=5)


def test_someone_elses_notification_does_not_exist(officer_north, supervisor_north, api_for):
    # given
    theirs = _stored(supervisor_north.user, "a", created_at=NOW)
    # when
    response = api_for(officer_north).post(reverse("api:notification-read", args=[theirs.pk]))
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_user_without_an_agency_gets_no_list(db, api_for):
    # given: a user whose membership ended (a stray account)
    membership = MembershipFactory()
    user = membership.user
    _stored(user, "a", created_at=NOW)
    membership.delete()
    # when
    client = APIClient()
    client.force_authenticate(user=user)
    response = client.get(reverse("api:notification-list"))
    # then
    assert response.status_code == 403


# --- The page


def test_the_page_lists_mine_and_marks_one_read(officer_north, supervisor_north, browser_for):
    # given
    mine = _stored(officer_north.user, "a", created_at=NOW)
    _stored(supervisor_north.user, "b", created_at=NOW, message="Theirs, not mine.")
    client = browser_for(officer_north)
    # when
    page = client.get(reverse("notification-list-page"))
    # then
    assert page.status_code == 200
    html = page.content.decode()
    assert "A flag is due for review (review date 4 March 2026)." in html
    assert "Theirs, not mine." not in html
    assert "You have 1 unread notification." in html
    # when
    response = client.post(reverse("notification-read-page", args=[mine.pk]))
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("notification-list-page")
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_opening_one_from_the_page_marks_it_read_and_follows_its_link(officer_north, browser_for):
    # given
    mine = _stored(officer_north.user, "a", created_at=NOW)
    # when
    response = browser_for(officer_north).post(
        reverse("notification-read-page", args=[mine.pk]), {"open": "1"}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == LINK
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_the_page_cannot_mark_someone_elses(officer_north, supervisor_north, browser_for):
    # given
    theirs = _stored(supervisor_north.user, "a", created_at=NOW)
    # when
    response = browser_for(officer_north).post(reverse("notification-read-page", args=[theirs.pk]))
    # then
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_page_sends_strangers_to_sign_in(client, db):
    response = client.get(reverse("notification-list-page"))
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_every_persona_may_read_their_own(caseworker_harbour, auditor_north, browser_for):
    for membership in (caseworker_harbour, auditor_north):
        assert browser_for(membership).get(reverse("notification-list-page")).status_code == 200
