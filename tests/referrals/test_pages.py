"""The referral pages: the receiver's inbox, the sender's list, the referral page
with its moves, the case page's referrals, and the menu. The done-when flows go
through the pages as the personas would: a partner sees only what was disclosed,
accepting and completing one shows the outcome to the referrer, and the hub's
threshold decision reaches the referrer."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Role
from referrals.models import (
    ConsentStatus,
    LawfulBasis,
    Referral,
    ReferralPurpose,
    ReferralState,
    SensitiveCondition,
    ThresholdDecision,
    Urgency,
)
from referrals.services import referral_accept, referral_return
from tests.factories import AgencyFactory, MembershipFactory, TOTPDeviceFactory
from tests.helpers import signed_in_client
from tests.referrals import *  # noqa: F403 (the fixtures)
from tests.referrals import draft, in_progress, sent

SUCCESS_BANNER = "govuk-notification-banner--success"


def browser(membership):
    """A signed-in browser; the fixtures of tests.referrals have no authenticator yet."""
    if not membership.user.totpdevice_set.exists():
        TOTPDeviceFactory(user=membership.user)
    return signed_in_client(membership)


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _post(client, referral, action: str, data: dict | None = None):
    return client.post(f"/referrals/{referral.pk}/{action}/", data or {}, follow=True)


def _section(html: str, anchor: str) -> str:
    """The <section id=anchor> of a page, so an assertion reads only that part."""
    match = re.search(rf'<section id="{anchor}".*?</section>', html, re.S)
    assert match, f"no section #{anchor}"
    return match.group(0)


def received(case, from_agency, to_agency, created_by, **fields) -> Referral:
    """A referral as the receiver holds it, written directly: for lists that need
    many rows fast. The snapshot holds one person's first name only."""
    now = timezone.now()
    values = {
        "purpose": ReferralPurpose.VICTIM_SUPPORT,
        "urgency": Urgency.ROUTINE,
        "state": ReferralState.SENT,
        "sent_at": now - timedelta(hours=1),
        "decision_due_at": now + timedelta(days=3),
        "lawful_basis": LawfulBasis.PUBLIC_TASK,
        "sensitive_condition": SensitiveCondition.SAFEGUARDING,
        "consent_status": ConsentStatus.GIVEN,
        **fields,
    }
    values.setdefault(
        "disclosure",
        {
            "sent_at": values["sent_at"].isoformat(),
            "from_agency": {"slug": from_agency.slug, "name": from_agency.name},
            "sender": {"full_name": "A Sender"},
            "purpose": values["purpose"],
            "urgency": values["urgency"],
            "case_reference": case.reference,
            "summary": "Support needed.",
            "parties": [{"party_id": "x", "role": "victim", "fields": {"first_name": "Ash"}}],
            "risk": None,
            "flags": [],
            "lawful_basis": values["lawful_basis"],
            "sensitive_condition": values["sensitive_condition"],
            "consent": {"status": "given"},
        },
    )
    return Referral.objects.create(
        case=case,
        from_agency=from_agency,
        to_agency=to_agency,
        created_by=created_by,
        sent_by=created_by,
        **values,
    )


# --- The partner's inbox shows only what was disclosed


def test_a_partner_sees_only_what_was_disclosed(
    officer_north, north_case, harbour, caseworker_harbour, victim, suspect
):
    # given: the default victim-support fields, which leave out the address
    referral = sent(officer_north, north_case, harbour, [victim])
    client = browser(caseworker_harbour)
    # when
    inbox = _page(client, "/referrals/")
    page = _page(client, f"/referrals/{referral.pk}/")
    # then
    assert f"/referrals/{referral.pk}/" in inbox
    assert "Victim support" in inbox
    assert "Northshire Police" in inbox
    assert "Robin" in page
    assert "07700 900123" in page  # the phone was shared
    assert "Support needed after online sextortion." in page
    for html in (inbox, page):
        assert "1 Example Street" not in html  # the address was not
        assert "Madeup" not in html  # nor anything of the suspect
        assert "/cases/" not in html  # a partner never gets a link to the case
    assert f'action="/referrals/{referral.pk}/accept/"' in page


def test_the_sender_sees_the_disclosure_as_the_receiver_does(
    officer_north, north_case, harbour, victim
):
    # given
    referral = sent(officer_north, north_case, harbour, [victim])
    victim.person.address = "2 Changed Road"
    victim.person.save(update_fields=["address"])
    # when
    page = _page(browser(officer_north), f"/referrals/{referral.pk}/")
    # then
    assert "exactly what Harbour Victim Support sees" in page
    assert "Robin" in page
    assert "Changed Road" not in page and "1 Example Street" not in page
    assert f'href="/cases/{north_case.pk}/referrals/#referrals"' in page
    assert "Withdraw the referral" in page
    assert f'action="/referrals/{referral.pk}/accept/"' not in page


# --- Accept, start, complete: the outcome goes back to the referrer


def test_accepting_and_completing_shows_the_outcome_to_the_referrer(
    officer_north, north_case, harbour, caseworker_harbour, victim
):
    # given
    referral = sent(officer_north, north_case, harbour, [victim])
    partner_browser = browser(caseworker_harbour)
    # when
    accepted = _post(partner_browser, referral, "accept")
    started = _post(partner_browser, referral, "start")
    completed = _post(
        partner_browser,
        referral,
        "complete",
        {
            "complete-outcome": "support_provided",
            "complete-summary": "Six sessions of support; the family is linked to a counsellor.",
        },
    )
    # then
    for response in (accepted, started, completed):
        assert response.redirect_chain == [(f"/referrals/{referral.pk}/", 302)]
        assert SUCCESS_BANNER in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.COMPLETED
    assert referral.owner == caseworker_harbour.user
    referrer = browser(officer_north)
    on_referral = _page(referrer, f"/referrals/{referral.pk}/")
    assert "Outcome: Support provided" in on_referral
    assert "Six sessions of support" in on_referral
    on_case = _section(_page(referrer, f"/cases/{north_case.pk}/referrals/"), "referrals")
    assert "Support provided" in on_case
    assert "Six sessions of support" in on_case
    assert "Harbour Victim Support" in on_case


def test_a_hub_coordinator_records_a_threshold_decision_and_the_referrer_sees_it(
    officer_north, north_case, mash, coordinator_mash, victim, child
):
    # given
    referral = sent(
        officer_north,
        north_case,
        mash,
        [victim, child],
        purpose=ReferralPurpose.SAFEGUARDING,
        urgency=Urgency.URGENT,
    )
    hub = browser(coordinator_mash)
    assert "Threshold decision" in _page(hub, f"/referrals/{referral.pk}/")
    # when: each child decided on their own page
    for party in (victim, child):
        response = hub.post(
            f"/referrals/{referral.pk}/threshold/{party.pk}/",
            {
                "threshold-decision": "child_in_need",
                "threshold-rationale": "Both children need an assessment under section 17.",
            },
            follow=True,
        )
        # then
        assert SUCCESS_BANNER in response.content.decode()
    decisions = ThresholdDecision.objects.filter(referral=referral)
    assert [(d.decision, d.decided_by) for d in decisions] == [
        ("child_in_need", coordinator_mash.user),
        ("child_in_need", coordinator_mash.user),
    ]
    referrer = browser(officer_north)
    on_referral = _page(referrer, f"/referrals/{referral.pk}/")
    assert on_referral.count(": Child in need assessment (section 17)</h3>") == 2
    assert "Both children need an assessment under section 17." in on_referral
    on_case = _section(_page(referrer, f"/cases/{north_case.pk}/referrals/"), "referrals")
    assert "Recorded for each child" in on_case
    # and no decision is offered twice
    assert "Record the threshold decision for" not in _page(hub, f"/referrals/{referral.pk}/")


# --- Errors


def test_a_move_without_its_words_shows_the_error_summary_and_changes_nothing(
    officer_north, north_case, harbour, caseworker_harbour, victim
):
    # given
    referral = sent(officer_north, north_case, harbour, [victim])
    # when
    response = _post(browser(caseworker_harbour), referral, "decline", {"decline-reason": " "})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert '<a href="#id_decline-reason">Enter why you are declining the referral.</a>' in html
    assert "<title>Error: " in html
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT
    assert referral.version == 2


def test_a_completion_without_an_outcome_names_both_fields(
    officer_north, north_case, harbour, caseworker_harbour, victim
):
    # given
    referral = in_progress(officer_north, caseworker_harbour, north_case, harbour, [victim])
    # when
    response = _post(browser(caseworker_harbour), referral, "complete", {})
    # then
    html = response.content.decode()
    assert '<a href="#id_complete-outcome">Select the outcome.</a>' in html
    assert '<a href="#id_complete-summary">Enter a summary for the referrer.</a>' in html
    referral.refresh_from_db()
    assert referral.state == ReferralState.IN_PROGRESS


def test_a_move_not_allowed_now_is_refused_with_a_banner_naming_the_state(
    officer_north, north_case, harbour, caseworker_harbour, victim
):
    # given: not yet started
    referral = sent(officer_north, north_case, harbour, [victim])
    referral_accept(actor=caseworker_harbour.user, referral=referral)
    # when
    response = _post(
        browser(caseworker_harbour),
        referral,
        "complete",
        {"complete-outcome": "support_provided", "complete-summary": "Done."},
    )
    # then
    html = response.content.decode()
    assert response.redirect_chain == [(f"/referrals/{referral.pk}/", 302)]
    assert "Not done" in html
    assert "A referral that is accepted cannot be completed." in html
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED


def test_the_sender_cannot_make_the_receivers_move(officer_north, north_case, harbour, victim):
    # given
    referral = sent(officer_north, north_case, harbour, [victim])
    # when
    response = _post(browser(officer_north), referral, "accept")
    # then
    html = response.content.decode()
    assert "Only the receiving agency can accept a referral; this one is sent." in html
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_a_third_agency_finds_nothing(officer_north, north_case, harbour, officer_south, victim):
    # given
    referral = sent(officer_north, north_case, harbour, [victim])
    client = browser(officer_south)
    # when
    page = client.get(f"/referrals/{referral.pk}/")
    move = client.post(f"/referrals/{referral.pk}/withdraw/", {"withdraw-reason": "Mine now."})
    inbox = _page(client, "/referrals/")
    # then
    assert page.status_code == 404
    assert move.status_code == 404
    assert str(referral.pk) not in inbox
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_an_unknown_move_does_not_exist(officer_north, north_case, harbour, victim):
    referral = sent(officer_north, north_case, harbour, [victim])
    response = browser(officer_north).post(f"/referrals/{referral.pk}/delete/")
    assert response.status_code == 404
    assert Referral.objects.get(pk=referral.pk).state == ReferralState.SENT


# --- Return and answer; withdraw; a draft


def test_a_returned_referral_is_answered_from_its_page(
    officer_north, north_case, harbour, caseworker_harbour, victim
):
    # given
    referral = sent(officer_north, north_case, harbour, [victim])
    returned = _post(
        browser(caseworker_harbour),
        referral,
        "return",
        {"return-question": "Is it safe to phone in the evening?"},
    )
    assert SUCCESS_BANNER in returned.content.decode()
    referrer = browser(officer_north)
    page = _page(referrer, f"/referrals/{referral.pk}/")
    assert "Their question:" in page
    assert "Is it safe to phone in the evening?" in page
    # when
    response = _post(referrer, referral, "answer", {"answer-answer": "Yes, after 6pm."})
    # then
    assert SUCCESS_BANNER in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT
    assert referral.return_answer == "Yes, after 6pm."


def test_the_sender_withdraws_with_a_reason(
    officer_north, north_case, harbour, caseworker_harbour, victim
):
    # given
    referral = sent(officer_north, north_case, harbour, [victim])
    # when
    response = _post(
        browser(officer_north), referral, "withdraw", {"withdraw-reason": "Referred elsewhere."}
    )
    # then
    assert SUCCESS_BANNER in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN
    page = _page(browser(caseworker_harbour), f"/referrals/{referral.pk}/")
    assert "Referred elsewhere." in page
    assert "Accept the referral" not in page


def test_a_draft_shows_what_sending_it_would_share_and_is_sent_from_its_page(
    officer_north, north_case, harbour, caseworker_harbour, victim
):
    # given
    referral = draft(officer_north, north_case, harbour, [victim])
    referrer = browser(officer_north)
    page = _page(referrer, f"/referrals/{referral.pk}/")
    assert "This draft is not sent." in page
    assert "Robin" in page
    assert f'href="/referrals/{referral.pk}/edit/"' in page
    assert browser(caseworker_harbour).get(f"/referrals/{referral.pk}/").status_code == 404
    # when
    response = _post(referrer, referral, "send")
    # then
    assert "The referral is sent to Harbour Victim Support." in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT
    assert referral.disclosure["parties"][0]["fields"]["first_name"] == "Robin"


# --- The lists


def test_the_inbox_puts_overdue_first_then_the_soonest_due(
    officer_north, north, north_case, harbour, caseworker_harbour
):
    # given
    now = timezone.now()
    sender = officer_north.user
    routine_soon = received(
        north_case, north, harbour, sender, decision_due_at=now + timedelta(hours=3)
    )
    routine_later = received(
        north_case, north, harbour, sender, decision_due_at=now + timedelta(days=2)
    )
    urgent = received(
        north_case,
        north,
        harbour,
        sender,
        urgency=Urgency.URGENT,
        decision_due_at=now + timedelta(days=1),
    )
    overdue = received(north_case, north, harbour, sender, decision_due_at=now - timedelta(days=6))
    # when
    response = browser(caseworker_harbour).get("/referrals/")
    # then
    rows = response.context["rows"]
    # By the deadline owed (ADR 0013): the routine one due in 3 hours before the
    # urgent one due tomorrow; on the same deadline the urgent one would come first.
    assert [row["referral"].pk for row in rows] == [
        overdue.pk,
        routine_soon.pk,
        urgent.pk,
        routine_later.pk,
    ]
    assert rows[0]["overdue"] is True
    assert rows[0]["working_days_late"] >= 3
    assert "working days late" in response.content.decode()


def test_the_inbox_filters_by_state(officer_north, north, north_case, harbour, caseworker_harbour):
    # given
    waiting = received(north_case, north, harbour, officer_north.user)
    received(north_case, north, harbour, officer_north.user, state=ReferralState.ACCEPTED)
    # when
    response = browser(caseworker_harbour).get("/referrals/?state=sent")
    # then
    assert [row["referral"].pk for row in response.context["rows"]] == [waiting.pk]
    assert "Referrals: sent" in response.content.decode()


def _inbox_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/referrals/")
    assert response.status_code == 200
    return len(queries), len(response.context["rows"])


def test_the_inbox_reads_in_the_same_queries_for_2_or_20(
    officer_north, north, north_case, harbour, caseworker_harbour
):
    # given
    client = browser(caseworker_harbour)
    now = timezone.now()
    for hours in (1, -30):
        received(
            north_case,
            north,
            harbour,
            officer_north.user,
            decision_due_at=now + timedelta(hours=hours),
        )
    client.get("/referrals/")  # the first view starts the session's idle clock: a write
    few_queries, few = _inbox_queries(client)
    for hours in range(18):
        received(
            north_case,
            north,
            harbour,
            officer_north.user,
            decision_due_at=now + timedelta(hours=hours * 9 - 80),
            state=ReferralState.ACCEPTED if hours % 3 == 0 else ReferralState.SENT,
            stale_at=now + timedelta(days=hours - 5),
        )
    # when
    many_queries, many = _inbox_queries(client)
    # then
    assert (few, many) == (2, 20)
    assert many_queries == few_queries


def test_the_sent_list_shows_status_due_and_outcome(
    officer_north, north_case, harbour, caseworker_harbour, victim
):
    # given
    referral = in_progress(officer_north, caseworker_harbour, north_case, harbour, [victim])
    waiting = draft(officer_north, north_case, harbour, [victim])
    # when
    html = _page(browser(officer_north), "/referrals/sent/")
    # then
    assert f"/referrals/{referral.pk}/" in html
    assert f"/referrals/{waiting.pk}/" in html
    assert "In progress" in html
    assert "Draft" in html
    assert north_case.reference in html
    assert "Next update" in html


def test_a_partner_has_no_sent_list_link(caseworker_harbour):
    html = _page(browser(caseworker_harbour), "/referrals/")
    assert "/referrals/sent/" not in html


# --- The menu, the home page and the case page


def test_the_menu_counts_what_waits_for_a_decision(
    officer_north, north, north_case, harbour, caseworker_harbour
):
    # given
    received(north_case, north, harbour, officer_north.user)
    received(north_case, north, harbour, officer_north.user)
    received(north_case, north, harbour, officer_north.user, state=ReferralState.ACCEPTED)
    # when
    html = _page(browser(caseworker_harbour), "/")
    # then
    assert re.search(r'href="/referrals/"[^>]*>Referrals <strong[^>]*>2<span', html)
    assert "Your inbox" in html
    assert "<strong>2</strong> referrals waiting" in html
    assert "<strong>1</strong> being worked" in html


def test_people_who_do_not_work_referrals_see_no_menu_entry(admin_north, auditor_north):
    for member in (admin_north, auditor_north):
        html = _page(browser(member), "/")
        assert 'href="/referrals/"' not in html
        assert "Your inbox" not in html


def test_an_officer_has_the_menu_entry_but_no_inbox_summary(officer_north):
    html = _page(browser(officer_north), "/")
    assert 'href="/referrals/"' in html
    assert "Your inbox" not in html


def test_the_case_page_offers_to_refer_an_open_case(officer_north, north_case, victim):
    section = _section(
        _page(browser(officer_north), f"/cases/{north_case.pk}/referrals/"), "referrals"
    )
    assert f'href="/cases/{north_case.pk}/referrals/new/"' in section
    assert "No referral has been made from this case." in section


def test_the_case_page_shows_a_returned_question(
    officer_north, north_case, harbour, caseworker_harbour, victim
):
    # given
    referral = sent(officer_north, north_case, harbour, [victim])
    referral_return(actor=caseworker_harbour.user, referral=referral, question="Which school?")
    # when
    section = _section(
        _page(browser(officer_north), f"/cases/{north_case.pk}/referrals/"), "referrals"
    )
    # then
    assert "Returned for more information" in section
    assert "Which school?" in section


@pytest.mark.parametrize("role", [Role.MASH_COORDINATOR])
def test_a_granted_hub_sees_only_its_own_side_on_the_case(
    role, officer_north, north_case, harbour, mash, victim
):
    # given: the hub sees the case through a grant, not the police's other referrals
    from tests.factories import grant_case

    grant_case(north_case, mash)
    hub_member = MembershipFactory(agency=mash, role=role)
    sent(officer_north, north_case, harbour, [victim])
    # when
    section = _section(
        _page(browser(hub_member), f"/cases/{north_case.pk}/referrals/"), "referrals"
    )
    # then
    assert "Harbour Victim Support" not in section
    assert f'href="/cases/{north_case.pk}/referrals/new/"' in section


def test_another_agency_is_not_offered_its_own_agency(officer_north, north_case):
    AgencyFactory(slug="other-hub", name="Other Hub", mash=True)
    html = _page(browser(officer_north), f"/cases/{north_case.pk}/referrals/new/")
    assert "Other Hub" in html
    assert ">Northshire Police<" not in html


def test_shared_fields_read_in_the_forms_order_whatever_order_they_were_stored_in(
    officer_north, north, north_case, harbour, caseworker_harbour
):
    # given: jsonb on PostgreSQL keeps no key order
    referral = received(north_case, north, harbour, officer_north.user)
    referral.disclosure["parties"][0]["fields"] = {
        "safe_to_phone": None,
        "phone": "07700 900999",
        "age": 12,
        "first_name": "Ash",
    }
    referral.save(update_fields=["disclosure"])
    # when
    html = _page(browser(caseworker_harbour), f"/referrals/{referral.pk}/")
    # then
    labels = re.findall(
        r'<dt class="govuk-summary-list__key">([^<]+)</dt>', _section(html, "disclosure")
    )
    shared = [label for label in labels if label in ("First name", "Age", "Phone", "Safe to phone")]
    assert shared == ["First name", "Age", "Phone", "Safe to phone"]
    assert "Not asked" in html  # a yes/no never asked is not "No"
