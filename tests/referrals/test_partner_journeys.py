"""Issue #13's first two "done when" journeys, on the demo itself and through the
pages alone, as a browser would make them:

* coordinator.mash accepts a referral (the game-chat case's strategy-discussion
  referral waiting in the hub's inbox), opens the case it now holds and records the
  strategy discussion; and, on the NCMEC case the hub holds since it accepted the
  children's referral, records one for Gwen;
* officer.north sees the hub's onward referral of the NCMEC children to
  lighthouse-family-support, and its outcome, on the case; the police's offer of
  support to the family was met by it, and says who met it."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from cases.models import Case, CaseGrant
from referrals.models import Referral
from safeguarding.models import StrategyDiscussion
from tests.helpers import signed_in_client
from welfare.models import Duty, DutyKind, DutyStatus

LONDON = ZoneInfo("Europe/London")
SEEDED_AT = datetime(2026, 11, 25, 9, 30, tzinfo=LONDON)  # a Wednesday morning

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    with time_machine.travel(SEEDED_AT, tick=False):
        call_command("seed_demo")
    return SEEDED_AT


def _browser(username):
    return signed_in_client(User.objects.get(username=username).membership)


def _follow_link(html: str, text: str) -> str:
    """The href of the link (or button) whose text starts with `text`."""
    found = re.search(r'href="([^"]+)"[^>]*>\s*' + re.escape(text), html)
    assert found, f"no link '{text}'"
    return found.group(1)


def test_coordinator_mash_accepts_a_referral_and_records_the_strategy_discussion(demo):
    game = Case.objects.get(source_reference="DEMO-GAME-0007")
    waiting = Referral.objects.get(case=game, to_agency__slug="northshire-mash", state="sent")
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=LONDON), tick=False):
        browser = _browser("coordinator.mash")
        # Click 1: "Referrals" in the navigation; the inbox lists the waiting referral.
        inbox = browser.get(reverse("referral-inbox-page")).content.decode()
        referral_url = reverse("referral-page", args=[waiting.pk])
        assert referral_url in inbox
        # Before accepting, the hub cannot open the case.
        assert browser.get(reverse("case-referrals", args=[game.pk])).status_code == 404
        # Click 2: "Strategy discussion" (the referral); click 3: "Accept".
        page = browser.get(referral_url).content.decode()
        accept_url = reverse("referral-action-page", args=[waiting.pk, "accept"])
        assert f'action="{accept_url}"' in page
        accepted = browser.post(accept_url, follow=True)
        html = accepted.content.decode()
        assert "Your agency now holds case" in html
        # Click 4: "Open case ..." on the referral page.
        case_url = _follow_link(html, f"Open case {game.reference}")
        assert case_url == reverse("case-detail", args=[game.pk])
        case_page = browser.get(case_url)
        assert case_page.status_code == 200
        # Click 5: the case's "Strategy" tab; click 6: "Record a strategy discussion".
        strategy_url = _follow_link(case_page.content.decode(), "Strategy")
        strategy_page = browser.get(strategy_url).content.decode()
        form_url = _follow_link(strategy_page, "Record a strategy discussion")
        noah = game.parties.get(role="victim")
        assert str(noah.pk) in browser.get(form_url).content.decode()
        # Click 7: fill in the form and "Save".
        saved = browser.post(
            form_url,
            {
                "child": str(noah.pk),
                "held_on": "25/11/2026",
                "held_time": "09:45",
                "agencies_present": "Northshire MASH, Northshire Police, Noah's school",
                "section_47_started": "no",
                "rationale": "Protective father; no contact offending known. Early help.",
            },
        )
    assert saved.status_code == 302, saved.content.decode()[:3000]
    discussion = StrategyDiscussion.objects.get(case=game)
    assert (discussion.decisions.get().child, discussion.recorded_by.username) == (
        noah,
        "coordinator.mash",
    )
    grant = CaseGrant.objects.get(case=game, agency__slug="northshire-mash", revoked_at=None)
    assert (grant.source_kind, grant.source_id) == ("referral", waiting.pk)


def test_coordinator_mash_opens_the_ncmec_case_and_records_a_strategy_discussion(demo):
    ncmec = Case.objects.get(source_reference="DEMO-NCMEC-0001")
    with time_machine.travel(datetime(2026, 11, 25, 11, 0, tzinfo=LONDON), tick=False):
        browser = _browser("coordinator.mash")
        # The case's tabs that show its people and the hub's actions (issue 18).
        tabs = ("case-parties", "case-contacts", "case-risk", "case-strategy", "case-referrals")
        pages = [browser.get(reverse(tab, args=[ncmec.pk])) for tab in tabs]
        html = "".join(page.content.decode() for page in pages)
        assert [page.status_code for page in pages] == [200] * len(tabs)
        # The hub sees the children the referral named, not the rest of the family.
        assert "Finn Example" in html and "Gwen Example" in html
        assert "Dale Example" not in html and "Erin Example" not in html
        for action in ("Record a strategy discussion", "Log a contact", "Assess risk", "Refer"):
            assert re.search(r">\s*" + re.escape(action), html), action
        gwen = ncmec.parties.get(person__first_name="Gwen")
        saved = browser.post(
            reverse("case-strategy-create", args=[ncmec.pk]),
            {
                "child": str(gwen.pk),
                "held_on": "25/11/2026",
                "held_time": "10:30",
                "agencies_present": "Northshire MASH, Northshire Police, Children's Services",
                "section_47_started": "yes",
                "rationale": "Images shared from the home where Gwen lives.",
            },
        )
    assert saved.status_code == 302
    assert StrategyDiscussion.objects.filter(
        case=ncmec, decisions__child=gwen, recorded_by__username="coordinator.mash"
    ).exists()


def test_officer_north_sees_the_hubs_onward_referral_and_its_outcome_on_the_case(demo):
    ncmec = Case.objects.get(source_reference="DEMO-NCMEC-0001")
    onward = Referral.objects.get(case=ncmec, from_agency__slug="northshire-mash")
    with time_machine.travel(datetime(2026, 11, 25, 11, 0, tzinfo=LONDON), tick=False):
        browser = _browser("officer.north")
        # Click 1: "Cases"; click 2: the NCMEC case; "Agencies involved" in its contents.
        cases = browser.get(reverse("case-list")).content.decode()
        assert reverse("case-detail", args=[ncmec.pk]) in cases
        html = browser.get(reverse("case-referrals", args=[ncmec.pk])).content.decode()
        assert 'id="agencies-involved"' in html
        section = html[html.index('id="agencies-involved"') :]
        section = section[: section.index("</section>")]
        family = browser.get(reverse("family-support", args=[ncmec.pk])).content.decode()
    # who holds the case and why
    assert "Northshire MASH" in section
    assert "Safeguarding referral from Northshire Police" in section
    # the hub's onward referral, with its outcome
    row = section[section.index(f'id="involved-referral-{onward.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Lighthouse Family Support" in row
    assert "Completed" in row and "Support provided" in row
    assert onward.outcome_summary.replace("'", "&#x27;") in row
    # and it met the police's offer of support, saying who met it
    offer = Duty.objects.get(case=ncmec, kind=DutyKind.FAMILY_SUPPORT_OFFER)
    assert (offer.status, offer.referral) == (DutyStatus.MET, onward)
    assert "from Northshire MASH (" in offer.resolution_note
    assert "Met by the support for a suspect&#x27;s family referral from Northshire MASH" in family
