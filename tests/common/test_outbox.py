"""The outbox: every notification email is owed by a row written with the change
that caused it, and the sweep delivers whatever the fast path did not: after a
broker that was down, a worker killed mid-delivery, or a mail server that refused
for a while. Each message is sent once, or at most twice with the duplicate
detectable by its Message-ID."""

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail

from common.models import EmailState, Notification
from common.notifications import notify
from common.outbox import (
    _claim,
    message_id,
    notification_email_deliver,
    notification_emails_sweep,
    outbox_summary,
    retry_delay,
)
from common.tasks import notification_email_send
from config.celery import app
from referrals.models import Referral
from tests.authz.rows_referrals import make_referral

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


pytestmark = pytest.mark.clock(NOW)


def _notify(user, key="flag:1:review_due"):
    return notify(
        user=user,
        kind="safeguarding.flag_review_due",
        message="A flag is due for review.",
        link="/cases/",
        dedupe_key=key,
    )


def _sent_ids() -> list[str]:
    return [email.extra_headers["X-Tideline-Notification"] for email in mail.outbox]


@pytest.fixture
def broker_down(monkeypatch):
    """Celery as in production (tasks go through the broker, not run in place), with
    the broker at a port where nothing listens."""
    before = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    app.conf.update(task_always_eager=False, broker_url=CLOSED_PORT)
    monkeypatch.setattr("common.outbox._stand_aside_until", 0.0)
    yield
    app.conf.update(before)


@pytest.fixture
def queued(monkeypatch):
    """The keyword arguments of every attempt to queue an email through the broker."""
    calls = []
    queue = notification_email_send.apply_async

    def queue_and_remember(*args, **kwargs):
        calls.append(kwargs)
        return queue(*args, **kwargs)

    monkeypatch.setattr(notification_email_send, "apply_async", queue_and_remember)
    return calls


# --- The broker is down


def test_a_write_with_the_broker_down_succeeds_and_its_email_goes_once_it_is_back(
    officer_north, caseworker_harbour, north, harbour, api_for, broker_down,
    django_capture_on_commit_callbacks, queued,
):  # fmt: skip
    # given: a draft referral to the charity, and no broker
    draft = make_referral(
        from_agency=north, to_agency=harbour, state="draft", created_by=officer_north.user
    )
    client = api_for(officer_north)
    # when: it is sent, and committed
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(f"/api/v1/referrals/{draft.pk}/send/")
    for callback in callbacks:
        callback()  # the fast path: queueing its email fails
    # then: the write succeeded, the fast path tried the broker once without Celery's
    # retries (so nothing waited on them), and the email is owed, not sent
    assert [call.get("retry") for call in queued] == [False]
    assert response.status_code == 200, response.content
    assert Referral.objects.get(pk=draft.pk).state == "sent"
    assert len(callbacks) == 1
    (owed,) = Notification.objects.filter(user=caseworker_harbour.user)
    assert owed.email_state == EmailState.PENDING
    assert owed.email_attempts == 0
    assert mail.outbox == []
    # when: the broker is back, beat's sweep runs, and runs again
    first = notification_emails_sweep()
    second = notification_emails_sweep()
    # then: sent once
    assert first == {"sent": 1}
    assert second == {}
    assert _sent_ids() == [str(owed.pk)]
    assert mail.outbox[0].to == [caseworker_harbour.user.email]
    owed.refresh_from_db()
    assert owed.email_state == EmailState.SENT
    assert owed.emailed_at is not None


def test_many_writes_with_the_broker_down_are_each_emailed_once(
    officer_north, broker_down, django_capture_on_commit_callbacks, queued
):
    # given: ten events, each committed; the fast path never waits on Celery's
    # retries. (Whether it stands aside after the first depends on the publish raising:
    # with the Redis transport configured, a publish to the refused port was seen not to
    # raise, so there it tries each time; the sweep still sends each email once.)
    for index in range(10):
        with django_capture_on_commit_callbacks(execute=True):
            _notify(officer_north.user, key=f"event:{index}")
    assert queued
    assert {call.get("retry") for call in queued} == {False}
    assert mail.outbox == []
    # when
    outcomes = notification_emails_sweep()
    notification_emails_sweep()
    # then
    assert outcomes == {"sent": 10}
    assert sorted(_sent_ids()) == sorted(
        str(pk) for pk in Notification.objects.values_list("pk", flat=True)
    )


# --- A worker killed mid-delivery


def test_a_claim_whose_worker_died_before_sending_is_sent_once_its_lease_ends(officer_north, clock):
    # given: a worker claimed the email, then was killed before it sent anything
    notification = _notify(officer_north.user)
    assert _claim(notification.pk, NOW)
    # when: the sweep runs while the lease holds
    during = notification_emails_sweep()
    # then: nobody else touches it
    assert during == {}
    assert mail.outbox == []
    # when: the lease has ended
    clock.shift(django_settings.NOTIFICATION_EMAIL_LEASE + timedelta(seconds=1))
    after = notification_emails_sweep()
    # then
    assert after == {"sent": 1}
    assert _sent_ids() == [str(notification.pk)]
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT
    assert notification.email_attempts == 2


def test_a_worker_killed_after_the_mail_server_accepted_sends_a_detectable_duplicate(
    officer_north, clock, monkeypatch
):
    # given: the worker dies after the mail server accepted the message, before the
    # row was marked sent (simulated: marking it raises, as a killed process would
    # never get there)
    notification = _notify(officer_north.user)

    class Killed(BaseException):
        pass

    def killed(*args, **kwargs):
        raise Killed()

    with monkeypatch.context() as patched:
        patched.setattr("common.outbox._finish", killed)
        with pytest.raises(Killed):
            notification_email_deliver(notification_id=notification.pk)
    assert len(mail.outbox) == 1
    # when: the sweep runs after the lease
    clock.shift(django_settings.NOTIFICATION_EMAIL_LEASE + timedelta(seconds=1))
    notification_emails_sweep()
    notification_emails_sweep()
    # then: at most twice, and both copies name the one notification
    assert _sent_ids() == [str(notification.pk)] * 2
    assert {email.extra_headers["Message-ID"] for email in mail.outbox} == {
        message_id(notification)
    }
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT


def test_two_senders_at_once_send_once(officer_north):
    # given
    notification = _notify(officer_north.user)
    # when: the fast path and the sweep (or a redelivered task) both try
    outcomes = [
        notification_email_deliver(notification_id=notification.pk),
        notification_email_deliver(notification_id=notification.pk),
        *notification_emails_sweep().elements(),
    ]
    # then
    assert outcomes == ["sent", "not_due"]
    assert _sent_ids() == [str(notification.pk)]


# --- A mail server that refuses


def test_a_send_that_fails_stays_pending_and_is_retried_with_backoff(
    officer_north, clock, monkeypatch
):
    # given: the mail server is down for the first two attempts
    notification = _notify(officer_north.user)
    failures = iter([ConnectionRefusedError("smtp down"), smtplib.SMTPServerDisconnected("gone")])
    real_send = mail.EmailMessage.send

    def flaky(self, *args, **kwargs):
        error = next(failures, None)
        if error is not None:
            raise error
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", flaky)
    # when: the first attempt
    assert notification_emails_sweep() == {"retry": 1}
    # then: every failure is recorded, and the next attempt is a minute away
    notification.refresh_from_db()
    assert notification.email_state == EmailState.PENDING
    assert notification.email_attempts == 1
    assert notification.email_last_error == "ConnectionRefusedError: smtp down"
    assert notification.email_next_attempt_at == NOW + timedelta(minutes=1)
    # when: sweeps before then do nothing; the second attempt fails too
    clock.shift(timedelta(seconds=59))
    assert notification_emails_sweep() == {}
    clock.shift(timedelta(seconds=1))
    assert notification_emails_sweep() == {"retry": 1}
    # then: two minutes now
    notification.refresh_from_db()
    assert notification.email_attempts == 2
    assert notification.email_last_error == "SMTPServerDisconnected: gone"
    assert notification.email_next_attempt_at == NOW + timedelta(minutes=3)
    # when: the third
    clock.shift(timedelta(minutes=2))
    assert notification_emails_sweep() == {"sent": 1}
    # then: sent once
    assert _sent_ids() == [str(notification.pk)]
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT
    assert notification.email_attempts == 3


def test_the_backoff_doubles_up_to_an_hour():
    assert [retry_delay(attempts) for attempts in range(1, 10)] == [
        timedelta(minutes=minutes) for minutes in (1, 2, 4, 8, 16, 32, 60, 60, 60)
    ]


def test_a_recipient_the_mail_server_refuses_for_good_is_marked_failed(officer_north, monkeypatch):
    # given
    notification = _notify(officer_north.user)

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({self.to[0]: (550, b"No such user")})

    monkeypatch.setattr(mail.EmailMessage, "send", refuse)
    # when
    outcomes = notification_emails_sweep()
    # then: recorded, not retried, and counted by the health check
    assert outcomes == {"failed": 1}
    notification.refresh_from_db()
    assert notification.email_state == EmailState.FAILED
    assert "550" in notification.email_last_error
    assert outbox_summary().failed == 1
    assert outbox_summary().waiting == 0


def test_a_recipient_refused_for_now_is_retried(officer_north, monkeypatch):
    # given
    notification = _notify(officer_north.user)

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({self.to[0]: (451, b"Try again later")})

    monkeypatch.setattr(mail.EmailMessage, "send", refuse)
    # when
    outcomes = notification_emails_sweep()
    # then
    assert outcomes == {"retry": 1}
    notification.refresh_from_db()
    assert notification.email_state == EmailState.PENDING


# --- The sweep


def test_the_sweep_sends_the_longest_waiting_first_and_stops_at_its_budget(officer_north, clock):
    # given
    older = _notify(officer_north.user, key="older")
    clock.shift(timedelta(seconds=1))
    _notify(officer_north.user, key="newer")
    # when: a sweep whose time is already up
    outcomes = notification_emails_sweep(budget_seconds=0)
    # then: nothing claimed at all, and the next sweep takes the oldest first
    assert outcomes == {}
    notification_emails_sweep()
    assert _sent_ids()[0] == str(older.pk)


def test_the_outbox_reports_the_oldest_waiting_email(officer_north, clock):
    # given
    _notify(officer_north.user, key="a")
    clock.shift(timedelta(minutes=4))
    _notify(officer_north.user, key="b")
    # when / then: four minutes is no alarm; five and a second is
    assert outbox_summary().oldest_waiting_seconds == 240
    assert outbox_summary().alarm is False
    clock.shift(timedelta(minutes=1, seconds=1))
    summary = outbox_summary()
    assert (summary.waiting, summary.oldest_waiting_seconds, summary.alarm) == (2, 301, True)


def test_the_sweep_runs_every_minute_and_the_broker_gives_back_a_killed_workers_tasks():
    entry = django_settings.CELERY_BEAT_SCHEDULE["notification-emails-sweep"]
    assert entry["task"] == "common.tasks.notification_emails_sweep"
    assert entry["schedule"] == timedelta(minutes=1)
    # The visibility timeout is set, and longer than any task may run.
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert django_settings.CELERY_TASK_TIME_LIMIT < visibility <= 15 * 60
    # A killed worker's claim ends well before the alarm, even after the next sweep.
    lease = django_settings.NOTIFICATION_EMAIL_LEASE
    assert lease + entry["schedule"] < django_settings.NOTIFICATION_EMAIL_ALARM_AFTER
    assert lease.total_seconds() > 12 * django_settings.EMAIL_TIMEOUT
