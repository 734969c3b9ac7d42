"""The urgent concern pages, the message thread and the shared documents on the
referral page, through the pages alone as the personas would use them; and the
issue's done-when journey: a concern raised by caseworker.lighthouse reaches
officer.north and supervisor.north marked urgent."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from common.models import Notification
from referrals.models import Concern, ReferralMessage, ReferralPurpose
from referrals.services import referral_accept
from referrals.services.concerns import concern_raise
from tests.referrals import *  # noqa: F403 (the fixtures)
from tests.referrals import at, draft, frozen, sent
from tests.referrals.concern_world import *  # noqa: F403 (the fixtures)
from tests.referrals.concern_world import told

NOW = at(2026, 3, 27, 23, 0)
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"


@pytest.fixture(autouse=True)
def _friday_night():
    with frozen(NOW):
        yield


@pytest.fixture
def lighthouse_referral(concern_case, officer_north, caseworker_lighthouse, lighthouse, partner):
    """Support for the suspect's partner, sent by officer.north and accepted by
    lighthouse."""
    referral = sent(
        officer_north,
        concern_case,
        lighthouse,
        [partner],
        purpose=ReferralPurpose.FAMILY_SUPPORT,
    )
    return referral_accept(actor=caseworker_lighthouse.user, referral=referral)


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _links(html: str, text: str) -> list[str]:
    return re.findall(rf'href="([^"]+)"[^>]*>{re.escape(text)}', html)


def _section(html: str, anchor: str) -> str:
    match = re.search(rf'<section id="{anchor}".*?</section>', html, re.S)
    assert match, f"no section #{anchor}"
    return match.group(0)


def test_done_when_a_concern_raised_by_lighthouse_reaches_officer_and_supervisor_north_urgent(
    browser_for,
    lighthouse_referral,
    caseworker_lighthouse,
    officer_north,
    supervisor_north,
    partner,
    django_capture_on_commit_callbacks,
):
    lighthouse = browser_for(caseworker_lighthouse)
    # 1. Referrals (the inbox), then the referral from Northshire Police
    inbox = _html(lighthouse, "/referrals/")
    referral_url = f"/referrals/{lighthouse_referral.pk}/"
    assert referral_url in inbox
    page = _html(lighthouse, referral_url)
    # 2. "Raise an urgent concern"
    [form_url] = _links(page, "Raise an urgent concern")
    form = _html(lighthouse, form_url)
    assert "Who is it about?" in form and "Jo Madeup (family member of a suspect)" in form
    # 3. The form, sent
    with django_capture_on_commit_callbacks(execute=True):
        raised = lighthouse.post(
            form_url,
            {
                "kind": "risk_to_child",
                "subject": str(partner.pk),
                "heard": "Jo said her son is still alone with his father at weekends.",
                "heard_on": "27/3/2026",
                "heard_time": "22:15",
                "heard_from": "Jo, at a home visit",
            },
            follow=True,
        )
    assert raised.status_code == 200
    concern = Concern.objects.get()
    assert raised.redirect_chain == [
        (f"/referrals/{lighthouse_referral.pk}/concerns/{concern.pk}/", 302)
    ]
    assert "The urgent concern is raised." in raised.content.decode()
    assert "Urgent: not acknowledged" in raised.content.decode()
    # then: officer.north and supervisor.north each hold a notification marked urgent
    assert {name for name, kind in told("referrals.urgent_")} >= {
        "officer.north",
        "supervisor.north",
    }
    for member in (officer_north, supervisor_north):
        notifications = _html(browser_for(member), "/notifications/")
        [item] = [
            li
            for li in re.findall(r'<li[^>]*id="notification-[^"]+">.*?</li>', notifications, re.S)
            if "has raised a concern" in li
        ]
        assert '<strong class="govuk-tag govuk-tag--red">Urgent</strong>' in item
        assert "Lighthouse Family Support has raised a concern" in item
        home = _html(browser_for(member), "/")
        assert "Urgent concerns to acknowledge" in home
        assert f"/referrals/{lighthouse_referral.pk}/concerns/{concern.pk}/" in home
    # and officer.north acknowledges it from its page
    officer = browser_for(officer_north)
    concern_page = _html(officer, f"/referrals/{lighthouse_referral.pk}/concerns/{concern.pk}/")
    assert "Acknowledge the concern" in concern_page
    assert "Jo Madeup (family member of a suspect)" in concern_page
    done = officer.post(
        f"/referrals/{lighthouse_referral.pk}/concerns/{concern.pk}/acknowledge/",
        {"acknowledge-action_taken": "Child protection strategy discussion called for 09:00."},
        follow=True,
    )
    assert "The concern is acknowledged." in done.content.decode()
    concern.refresh_from_db()
    assert (concern.state, concern.acknowledged_by) == ("acknowledged", officer_north.user)
    assert Notification.objects.filter(
        user=caseworker_lighthouse.user, kind="referrals.concern_acknowledged"
    ).exists()


def test_the_form_names_each_missing_field_and_refuses_an_image(
    browser_for, harbour_referral, caseworker_harbour
):
    client = browser_for(caseworker_harbour)
    url = f"/referrals/{harbour_referral.pk}/concerns/new/"
    empty = client.post(url, {})
    html = empty.content.decode()
    assert empty.status_code == 200
    assert "There is a problem" in html
    for message in (
        "Select what the concern is.",
        "Enter what was heard.",
        "Enter the date it was heard.",
        "Enter the time it was heard.",
        "Enter who it was heard from.",
    ):
        assert message in html
    image = client.post(
        url,
        {
            "kind": "new_disclosure",
            "heard": "Something new.",
            "heard_on": "27/3/2026",
            "heard_time": "22:15",
            "heard_from": "The victim",
            "document": SimpleUploadedFile("notes.pdf", PNG_BYTES),
        },
    )
    assert image.status_code == 200
    assert '<a href="#id_document">This looks like an image (PNG).' in image.content.decode()
    future = client.post(
        url,
        {
            "kind": "new_disclosure",
            "heard": "Something new.",
            "heard_on": "28/3/2026",
            "heard_time": "09:00",
            "heard_from": "The victim",
        },
    )
    assert '<a href="#id_heard_on">Must not be in the future.' in future.content.decode()
    assert Concern.objects.count() == 0


def test_only_the_receiver_is_offered_the_form(
    browser_for, harbour_referral, officer_north, officer_south
):
    url = f"/referrals/{harbour_referral.pk}/concerns/new/"
    assert browser_for(officer_north).get(url).status_code == 404
    assert browser_for(officer_south).get(url).status_code == 404
    page = _html(browser_for(officer_north), f"/referrals/{harbour_referral.pk}/")
    assert "Raise an urgent concern" not in page


def test_a_concern_stands_on_the_case_for_the_owner_and_not_for_other_forces(
    browser_for, harbour_referral, caseworker_harbour, officer_north, officer_south
):
    concern_raise(
        actor=caseworker_harbour.user,
        referral=harbour_referral,
        kind="new_disclosure",
        heard="A second account messaged her.",
        heard_at=at(2026, 3, 27, 22, 0),
        heard_from="The victim",
    )
    case_page = _html(browser_for(officer_north), f"/cases/{harbour_referral.case_id}/risk/")
    panel = _section(case_page, "concerns")
    assert "A second account messaged her." in panel
    assert "Urgent: not acknowledged" in panel
    assert (
        browser_for(officer_south).get(f"/cases/{harbour_referral.case_id}/risk/").status_code
        == 404
    )


def test_the_two_sides_write_on_the_referral_page(
    browser_for, harbour_referral, caseworker_harbour, officer_north
):
    url = f"/referrals/{harbour_referral.pk}/"
    harbour = browser_for(caseworker_harbour)
    empty = harbour.post(f"{url}messages/", {"message-body": ""})
    assert "Enter your message." in empty.content.decode()
    posted = harbour.post(
        f"{url}messages/", {"message-body": "Can we call after 4pm?"}, follow=True
    )
    assert posted.redirect_chain == [(f"{url}#messages", 302)]
    assert "Your message is sent." in posted.content.decode()
    thread = _section(_html(browser_for(officer_north), url), "messages")
    assert "Can we call after 4pm?" in thread
    assert "Harbour Victim Support" in thread
    assert ReferralMessage.objects.count() == 1


def test_the_sender_shares_a_case_document_with_a_draft_and_the_receiver_downloads_it(
    browser_for, officer_north, caseworker_harbour, concern_case, harbour, victim
):
    from cases.services.documents import document_upload
    from referrals.services import referral_send

    referral = draft(officer_north, concern_case, harbour, [victim])
    document_upload(
        actor=officer_north.user,
        case=concern_case,
        uploaded_file=SimpleUploadedFile("plan.txt", b"Safety plan, agreed with her mother.\n"),
        title="Safety plan",
    )
    officer = browser_for(officer_north)
    page = _section(_html(officer, f"/referrals/{referral.pk}/"), "shared-documents")
    choice = re.search(r'name="document-case_document" type="radio" value="([^"]+)"', page).group(1)
    shared = officer.post(
        f"/referrals/{referral.pk}/documents/", {"document-case_document": choice}, follow=True
    )
    assert "Safety plan will be shared with the disclosure." in shared.content.decode()
    referral_send(actor=officer_north.user, referral=referral)
    receiver_page = _section(
        _html(browser_for(caseworker_harbour), f"/referrals/{referral.pk}/"), "shared-documents"
    )
    [download_url] = _links(receiver_page, "Safety plan")
    download = browser_for(caseworker_harbour).get(download_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"Safety plan, agreed with her mother.\n"
    assert "Do not share" not in receiver_page
