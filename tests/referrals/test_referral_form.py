"""The new-referral form: step 1 chooses the receiver, purpose and urgency; step 2
what to disclose, offering only the people the receiver may hold, with the
purpose's safe defaults ticked. Errors come back in the GOV.UK error summary,
naming the fields, and nothing is created."""

import re

from cases.models.case import ClosingReason
from referrals.models import Referral, ReferralPurpose, ReferralState, default_fields_for
from tests.factories import TeamFactory, TOTPDeviceFactory
from tests.helpers import signed_in_client
from tests.referrals import *  # noqa: F403 (the fixtures)
from tests.referrals import draft

CLOSING_REASON = ClosingReason.values[0]


def browser(membership):
    if not membership.user.totpdevice_set.exists():
        TOTPDeviceFactory(user=membership.user)
    return signed_in_client(membership)


def _url(case) -> str:
    return f"/cases/{case.pk}/referrals/new/"


def _step_one(agency, purpose=ReferralPurpose.VICTIM_SUPPORT, urgency="urgent", team="") -> dict:
    return {
        "step": "receiver",
        "to_agency": str(agency.pk),
        "to_team": str(team),
        "purpose": purpose,
        "urgency": urgency,
    }


def _step_two(agency, parties: dict, **overrides) -> dict:
    """Step 2 as the browser posts it: `parties` maps each chosen party to the
    fields ticked for them."""
    data = {
        **_step_one(agency),
        "step": "disclose",
        "parties": [str(party.pk) for party in parties],
        "summary_for_receiver": "Support needed after online sextortion.",
        "share_risk": "on",
        "share_flags": "on",
        "lawful_basis": "public_task",
        "sensitive_condition": "safeguarding",
        "consent_status": "given",
        "consent_given_on": "27/2/2026",
        "consent_how": "Verbally, by phone",
        "consent_given_by": "The victim's mother",
        "then": "send",
    }
    for party, fields in parties.items():
        data[f"share-{party.pk}"] = fields
    data.update(overrides)
    return data


def _checked(html: str, input_id: str) -> bool:
    tag = re.search(rf'<input[^>]*id="{re.escape(input_id)}"[^>]*>', html)
    assert tag, f"no input #{input_id}"
    return " checked" in tag.group(0)


# --- Step 1


def test_step_one_offers_other_agencies_grouped_by_kind(
    officer_north, north_case, harbour, lighthouse, mash
):
    # given
    TeamFactory(agency=harbour, name="Harbour Duty Team")
    # when
    response = browser(officer_north).get(_url(north_case))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<optgroup label="Charity">' in html
    assert '<optgroup label="Safeguarding hub (MASH)">' in html
    assert ">Harbour Victim Support<" in html
    assert ">Harbour Duty Team<" in html
    assert ">Northshire Police<" not in html  # a referral goes to another agency
    assert 'name="purpose"' in html and 'name="urgency"' in html


def test_step_one_names_every_missing_answer(officer_north, north_case, victim):
    # when
    response = browser(officer_north).post(_url(north_case), {"step": "receiver"})
    # then
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_to_agency">Select the agency you are referring to.</a>' in html
    assert '<a href="#id_purpose">Select what the referral is for.</a>' in html
    assert '<a href="#id_urgency">Select how urgent the referral is.</a>' in html
    assert not Referral.objects.exists()


def test_step_one_refuses_a_purpose_the_receiver_is_not_for(
    officer_north, north_case, lighthouse, victim
):
    # when
    response = browser(officer_north).post(_url(north_case), _step_one(lighthouse))
    # then
    html = response.content.decode()
    assert (
        '<a href="#id_to_agency">A victim support referral goes to a victim-support charity' in html
    )
    assert "step 1 of 2" in html


def test_step_one_refuses_a_team_of_another_agency(
    officer_north, north_case, harbour, lighthouse, victim
):
    team = TeamFactory(agency=lighthouse, name="Lighthouse Team")
    response = browser(officer_north).post(_url(north_case), _step_one(harbour, team=team.pk))
    assert '<a href="#id_to_team">Select a team of Harbour Victim Support, or any team.</a>' in (
        response.content.decode()
    )


# --- Step 2: what to disclose


def test_step_two_ticks_the_usual_people_and_the_safe_defaults(
    officer_north, north_case, harbour, victim, suspect, partner
):
    # when
    response = browser(officer_north).post(_url(north_case), _step_one(harbour))
    # then
    html = response.content.decode()
    assert "step 2 of 2" in html
    assert "What to share with Harbour Victim Support" in html
    victim_box = re.search(rf'<input[^>]*value="{victim.pk}"[^>]*>', html).group(0)
    suspect_box = re.search(rf'<input[^>]*value="{suspect.pk}"[^>]*>', html).group(0)
    assert " checked" in victim_box
    assert " checked" not in suspect_box
    defaults = default_fields_for(ReferralPurpose.VICTIM_SUPPORT)
    share = f"id_share-{victim.pk}"
    ids = [share] + [f"{share}-{n}" for n in range(1, 18)]
    ticked = [_checked(html, input_id) for input_id in ids]
    assert sum(ticked) == len(defaults)
    assert not _checked(html, f"{share}-6")  # the address (7th field) is not a default
    assert "1 Example Street" in html  # the sender sees what each box would share
    # the suspect may be shared only with a reason, which is asked for
    assert "Say why the victim-support charity needs to know about the suspect" in html
    assert 'name="suspect_details_reason"' in html
    # the suspect's partner may not go to a victim-support charity at all
    assert "Not offered" in html
    assert "Jo Madeup (family member of a suspect)" in html
    assert f'value="{partner.pk}"' not in html


def test_sending_from_the_form_shares_exactly_what_was_ticked(
    officer_north, north_case, harbour, caseworker_harbour, victim
):
    # when
    response = browser(officer_north).post(
        _url(north_case), _step_two(harbour, {victim: ["first_name", "age", "phone"]}), follow=True
    )
    # then
    referral = Referral.objects.get()
    assert response.redirect_chain == [(f"/referrals/{referral.pk}/", 302)]
    assert "The referral is sent to Harbour Victim Support." in response.content.decode()
    assert referral.state == ReferralState.SENT
    assert referral.urgency == "urgent"
    assert referral.shared_fields == {str(victim.pk): ["first_name", "age", "phone"]}
    shared = referral.disclosure["parties"][0]["fields"]
    assert sorted(shared) == ["age", "first_name", "phone"]
    assert (shared["first_name"], shared["phone"]) == ("Robin", "07700 900123")
    seen = browser(caseworker_harbour).get(f"/referrals/{referral.pk}/").content.decode()
    assert "07700 900123" in seen
    assert "Fictional" not in seen  # the last name was not ticked
    assert "1 Example Street" not in seen


def test_saving_a_draft_then_changing_and_sending_it(officer_north, north_case, harbour, victim):
    # given
    client = browser(officer_north)
    saved = client.post(
        _url(north_case), _step_two(harbour, {victim: ["first_name"]}, then="draft"), follow=True
    )
    referral = Referral.objects.get()
    assert referral.state == ReferralState.DRAFT
    assert "The draft is saved. It is not sent" in saved.content.decode()
    # when: the edit page opens at step 2 with what was saved
    edit_url = f"/referrals/{referral.pk}/edit/"
    page = client.get(edit_url).content.decode()
    assert _checked(page, f"id_share-{victim.pk}")  # first name, ticked
    assert not _checked(page, f"id_share-{victim.pk}-1")  # last name, not
    assert f'name="version" value="{referral.version}"' in page
    response = client.post(
        edit_url,
        _step_two(harbour, {victim: ["first_name", "last_name"]}, version=str(referral.version)),
        follow=True,
    )
    # then
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT
    assert referral.shared_fields == {str(victim.pk): ["first_name", "last_name"]}
    assert "The referral is sent" in response.content.decode()


def test_a_sent_referral_cannot_be_edited(officer_north, north_case, harbour, victim):
    referral = draft(officer_north, north_case, harbour, [victim])
    client = browser(officer_north)
    client.post(f"/referrals/{referral.pk}/send/")
    response = client.get(f"/referrals/{referral.pk}/edit/", follow=True)
    assert "Only a draft can be changed. This referral is sent." in response.content.decode()


def test_missing_basis_and_consent_are_named_at_once_and_nothing_is_created(
    officer_north, north_case, harbour, victim
):
    # when
    response = browser(officer_north).post(
        _url(north_case),
        _step_two(
            harbour,
            {victim: ["first_name"]},
            lawful_basis="",
            sensitive_condition="",
            consent_status="",
        ),
    )
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert '<a href="#id_lawful_basis">Choose the lawful basis for sharing.</a>' in html
    assert (
        '<a href="#id_sensitive_condition">Choose the condition for sharing sensitive '
        "information.</a>" in html
    )
    assert (
        '<a href="#id_consent_status">Say whether consent was given, refused or not sought.</a>'
        in html
    )
    assert not Referral.objects.exists()


def test_sending_without_a_summary_leaves_no_draft_behind(
    officer_north, north_case, harbour, victim
):
    # when: the draft is valid; sending it needs a summary for the receiver
    response = browser(officer_north).post(
        _url(north_case), _step_two(harbour, {victim: ["first_name"]}, summary_for_receiver="")
    )
    # then
    html = response.content.decode()
    assert (
        '<a href="#id_summary_for_receiver">Write a summary for the receiving agency.</a>' in html
    )
    assert not Referral.objects.exists()  # the draft made on the way was rolled back


def test_consent_not_sought_needs_its_reason_under_that_answer(
    officer_north, north_case, harbour, victim
):
    # when
    response = browser(officer_north).post(
        _url(north_case),
        _step_two(harbour, {victim: ["first_name"]}, consent_status="not_sought"),
    )
    # then
    html = response.content.decode()
    assert '<a href="#id_consent_reason_not_sought">A victim-support referral' in html
    assert not Referral.objects.exists()
    # and given the reason, it is the one recorded
    browser(officer_north).post(
        _url(north_case),
        _step_two(
            harbour,
            {victim: ["first_name"]},
            consent_status="not_sought",
            consent_reason="Contacting the family now would alert the suspect.",
            consent_reason_not_sought="Contacting the family now would alert the suspect.",
            consent_given_on="",
            consent_how="",
            consent_given_by="",
        ),
    )
    referral = Referral.objects.get()
    assert referral.consent_reason == "Contacting the family now would alert the suspect."


def test_a_suspect_needs_a_reason_for_a_victim_support_charity(
    officer_north, north_case, harbour, victim, suspect
):
    response = browser(officer_north).post(
        _url(north_case),
        _step_two(harbour, {victim: ["first_name"], suspect: ["first_name"]}),
    )
    html = response.content.decode()
    assert '<a href="#id_suspect_details_reason">Say why the victim-support charity' in html
    assert not Referral.objects.exists()


def test_a_chosen_person_needs_something_ticked(officer_north, north_case, harbour, victim):
    response = browser(officer_north).post(_url(north_case), _step_two(harbour, {victim: []}))
    html = response.content.decode()
    assert (
        f'<a href="#id_share-{victim.pk}">Select what to share about Robin Fictional.</a>' in html
    )
    assert not Referral.objects.exists()


def test_a_person_the_receiver_may_not_hold_is_refused_if_posted_anyway(
    officer_north, north_case, lighthouse, victim, partner
):
    response = browser(officer_north).post(
        _url(north_case),
        _step_two(
            lighthouse,
            {partner: ["first_name"], victim: ["first_name"]},
            purpose=ReferralPurpose.FAMILY_SUPPORT,
        ),
    )
    html = response.content.decode()
    assert (
        '<a href="#id_parties">A family-support charity may not receive anything about victims'
        in html
    )
    assert not Referral.objects.exists()


def test_changing_the_receiver_goes_back_to_step_one_with_the_answers(
    officer_north, north_case, harbour, victim
):
    response = browser(officer_north).post(
        _url(north_case), {**_step_one(harbour), "step": "change"}
    )
    html = response.content.decode()
    assert "step 1 of 2" in html
    assert "There is a problem" not in html
    assert re.search(rf'<option value="{harbour.pk}" selected>', html)


def test_a_closed_case_takes_no_referral(officer_north, north_case, harbour, victim):
    north_case.status = "closed"
    north_case.closed_on = north_case.received_on
    north_case.closing_reason = CLOSING_REASON
    north_case.save(update_fields=["status", "closed_on", "closing_reason"])
    response = browser(officer_north).get(_url(north_case), follow=True)
    assert "is closed: nothing new can be referred" in response.content.decode()


def test_someone_the_purpose_is_not_about_is_only_named_by_default(
    officer_north, north_case, harbour, victim, suspect
):
    # when
    html = browser(officer_north).post(_url(north_case), _step_one(harbour)).content.decode()
    # then: the suspect's boxes, if ticked, share the name and age only
    share = f"id_share-{suspect.pk}"
    ticked = [_checked(html, share if n == 0 else f"{share}-{n}") for n in range(18)]
    assert [n for n, on in enumerate(ticked) if on] == [0, 1, 4]
