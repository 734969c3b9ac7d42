"""`seed_demo` builds the same demo every time, and refuses to run with DEBUG off."""

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import AccessLogEntry, Agency, Membership, Role, Team
from cases.models import Case, CaseParty, ContactLog, InvestigationEvent, Person
from cases.selectors import party_ages
from referrals.models import Referral
from welfare.models import Duty, ExposureSession

DESIGN_AGENCIES = {
    "northshire-police": "police",
    "southshire-police": "police",
    "northshire-childrens-services": "childrens_services",
    "northshire-mash": "safeguarding_hub",
    "harbour-victim-support": "charity",
    "lighthouse-family-support": "charity",
}
DESIGN_USERS = {
    "officer.north": ("northshire-police", Role.GENERALIST_OFFICER),
    "investigator.north": ("northshire-police", Role.SPECIALIST_INVESTIGATOR),
    "supervisor.north": ("northshire-police", Role.POLICE_SUPERVISOR),
    "admin.north": ("northshire-police", Role.AGENCY_ADMIN),
    "auditor.north": ("northshire-police", Role.AUDITOR),
    "officer.south": ("southshire-police", Role.GENERALIST_OFFICER),
    "investigator.south": ("southshire-police", Role.SPECIALIST_INVESTIGATOR),
    "coordinator.mash": ("northshire-mash", Role.MASH_COORDINATOR),
    "social.worker": ("northshire-childrens-services", Role.SOCIAL_WORKER),
    "caseworker.harbour": ("harbour-victim-support", Role.PARTNER_CASEWORKER),
    "caseworker.lighthouse": ("lighthouse-family-support", Role.PARTNER_CASEWORKER),
    "supervisor.south": ("southshire-police", Role.POLICE_SUPERVISOR),
    "records.north": ("northshire-police", Role.RECORDS_MANAGER),
}


def _snapshot() -> dict:
    return {
        "agencies": sorted(Agency.objects.values_list("slug", "kind", "case_reference_prefix")),
        "teams": sorted(Team.objects.values_list("agency__slug", "slug")),
        "members": sorted(
            Membership.objects.values_list("user__username", "agency__slug", "role", "team__slug")
        ),
        "devices": TOTPDevice.objects.count(),
        "cases": sorted(Case.objects.values_list("reference", "title", "status")),
        "parties": CaseParty.objects.count(),
        "people": Person.objects.count(),
        "contacts": ContactLog.objects.count(),
        "referrals": sorted(Referral.objects.values_list("purpose", "state")),
        "events": InvestigationEvent.objects.count(),
        "duties": sorted(Duty.objects.values_list("kind", "status")),
        "sessions": ExposureSession.objects.count(),
    }


@pytest.mark.slow
def test_seed_demo_twice_gives_the_same_data(db, settings):
    # given
    settings.DEBUG = True
    call_command("seed_demo")
    first = _snapshot()
    # when
    call_command("seed_demo")
    # then
    assert _snapshot() == first
    assert {slug: kind for slug, kind, _ in first["agencies"]} == DESIGN_AGENCIES
    members = {username: (agency, role) for username, agency, role, _ in first["members"]}
    assert members == DESIGN_USERS
    assert first["devices"] == len(DESIGN_USERS)
    # 8 live cases, the one whose transfer waits for supervisor.south, 16 closed ones
    # behind the suspect welfare statistics, and issue 16's: 2 welfare checks, 1
    # conditional caution and 2 of duty routing; issue 19's victim review request
    assert len([c for c in first["cases"] if c[0].startswith("NP-")]) == 8 + 1 + 16 + 2 + 1 + 2 + 1
    # Southshire's: the transfer, and the intake demo's case whose suspect holds an
    # identifier that a Northshire report matches (deconfliction)
    assert len([c for c in first["cases"] if c[0].startswith("SP-")]) == 1 + 1
    assert {state for _, state in first["referrals"]} == {
        "draft",
        "sent",
        "accepted",
        "declined",
        "returned",
        "in_progress",
        "completed",
        "withdrawn",
    }


def test_every_demo_user_signs_in_with_the_published_password_and_key(db, settings):
    # given
    settings.DEBUG = True
    call_command("seed_demo")
    # then
    for username in DESIGN_USERS:
        user = User.objects.get(username=username)
        assert user.check_password("tideline-demo-2026")
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        assert device.key == "3132333435363738393031323334353637383930"
        assert device.step == 30
        assert device.digits == 6
        code = totp(device.bin_key, step=30, digits=6)
        assert device.verify_token(f"{code:06d}")


def test_seed_demo_refuses_with_debug_off(db, settings):
    # given
    settings.DEBUG = False
    # when
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    # then
    assert not Agency.objects.exists()
    assert not AccessLogEntry.objects.exists()


def test_demo_otp_prints_the_current_code(db, settings, capsys):
    # given
    settings.DEBUG = True
    call_command("seed_demo")
    capsys.readouterr()
    # when (the clock is held still, so the code cannot roll over mid-test)
    with time_machine.travel("2026-11-25 10:00:10 +0000", tick=False):
        call_command("demo_otp", "officer.north")
        expected = totp(bytes.fromhex("3132333435363738393031323334353637383930"))
    # then
    assert capsys.readouterr().out.strip() == f"{expected:06d}"


@pytest.mark.slow
@pytest.mark.parametrize("seeded_at", ["2026-03-01 09:00 +0000", "2026-12-31 16:00 +0000"])
def test_the_demo_outcomes_hold_whatever_the_date_of_seeding(db, settings, seeded_at):
    # given
    settings.DEBUG = True
    # when
    with time_machine.travel(seeded_at):
        call_command("seed_demo")
    # then: the youth-produced imagery case has a 15-year-old suspect and a
    # 14-year-old victim at the offence, as its summary says, and Outcome 21
    youth = Case.objects.get(source_reference="DEMO-YPI-0003")
    parties = list(youth.parties.select_related("person"))
    ages = party_ages(case=youth, parties=parties)
    assert {party.role: ages[party.pk] for party in parties} == {"victim": 14, "suspect": 15}
    assert youth.summary == (
        "A 15-year-old pupil shared an image that a 14-year-old classmate had sent him."
    )
    assert list(youth.outcomes.values_list("code", flat=True)) == ["21"]
    assert youth.status == "closed"
    # and the conditional caution is an adult caution (3) for a possession offence
    # committed before it
    caution_case = Case.objects.get(source_reference="DEMO-CC-0005")
    caution = caution_case.outcomes.get()
    assert (caution.code, caution.is_conditional_caution) == ("3", True)
    [offence] = caution_case.offences.all()
    assert offence.offence_type == "iioc_possessing"
    assert list(offence.parties.all()) == [caution.suspect]
    assert (offence.committed_to or offence.committed_from) < caution.outcome_on


@pytest.mark.slow
def test_every_demo_user_signs_in_through_the_api_and_the_pages(db, settings):
    """The foundation's "done when": each demo user, with the published password and
    a code from the published key, gets a token and a signed-in home page."""
    from django.test import Client
    from rest_framework.test import APIClient

    # given
    settings.DEBUG = True
    call_command("seed_demo")
    key = bytes.fromhex("3132333435363738393031323334353637383930")
    for step, username in enumerate(DESIGN_USERS):
        # A code is good once per 30-second step and device: each user signs in
        # through the API in one step and through the pages in the next.
        with time_machine.travel(f"2026-11-25 10:{step * 2:02d}:05 +0000", tick=False):
            token = APIClient().post(
                "/api/v1/auth/token/",
                {"username": username, "password": "tideline-demo-2026", "otp": f"{totp(key):06d}"},
                format="json",
            )
            assert token.status_code == 201, (username, token.content)
            me = APIClient().get(
                "/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}"
            )
            assert me.json()["username"] == username
        with time_machine.travel(f"2026-11-25 10:{step * 2 + 1:02d}:05 +0000", tick=False):
            browser = Client()
            browser.post("/sign-in/", {"username": username, "password": "tideline-demo-2026"})
            signed_in = browser.post("/sign-in/code/", {"code": f"{totp(key):06d}"})
            assert signed_in.status_code == 302, username
            home = browser.get("/")
            assert home.status_code == 200
            assert User.objects.get(username=username).get_full_name() in home.content.decode()
