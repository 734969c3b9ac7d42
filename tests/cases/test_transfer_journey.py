"""The issue's "done when", on the demo itself and through the pages alone:
`supervisor.south` accepts a transfer, and the case's open duties move with it.

The clicks: sign in as supervisor.south; the home page lists the transfer waiting
for a decision (and the menu's Cases item counts it); click the case's
reference; on the transfer, choose Imogen Southwell (investigator.south) as the
lead officer; click "Accept the case"; the case page opens, now Southshire
Police's, led by her."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from cases.demo_transfer import DEMO_KEY
from cases.models import Case, CaseTransfer
from tests.helpers import signed_in_client
from welfare.models import Duty, DutyStatus

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")


def test_supervisor_south_accepts_the_demo_transfer_and_the_open_duties_move_with_it(demo):
    # given: the demo's transfer, waiting, on a case with duties of care open
    case = Case.objects.get(source_reference=DEMO_KEY)
    transfer = CaseTransfer.objects.get(case=case)
    assert (transfer.from_agency.slug, transfer.to_agency.slug, transfer.state) == (
        "northshire-police",
        "southshire-police",
        "requested",
    )
    duties = {
        duty.pk: duty.due_at for duty in Duty.objects.filter(case=case, status=DutyStatus.OPEN)
    }
    assert len(duties) >= 4
    investigator = User.objects.get(username="investigator.south")
    browser = signed_in_client(User.objects.get(username="supervisor.south").membership)
    # when: the home page
    home = browser.get("/").content.decode()
    assert "Transfers waiting for your decision" in home
    link = f"/transfers/{transfer.pk}/"
    assert f'href="{link}"' in home
    assert re.search(r">Cases <strong[^>]*>1 transfer<", home)
    # click one: the transfer
    page = browser.get(link).content.decode()
    assert "Accept the case" in page
    assert f"Its {len(duties)} open duties of care pass to the lead officer you name" in page
    assert f'value="{investigator.pk}"' in page
    # click two (after choosing the lead officer): accept
    accepted = browser.post(f"{link}accept/", {"lead_officer": str(investigator.pk)})
    # then: the case page, now Southshire's
    assert accepted.status_code == 302
    assert accepted["Location"] == f"/cases/{case.pk}/"
    case_page = browser.get(accepted["Location"]).content.decode()
    assert "Southshire Police" in case_page
    assert "Imogen Southwell" in case_page
    assert f"{len(duties)} open duties of care passed to Imogen Southwell." in case_page
    case.refresh_from_db()
    assert (case.owning_agency.slug, case.lead_officer) == ("southshire-police", investigator)
    assert case.reference.startswith("NP-")
    for duty in Duty.objects.filter(pk__in=duties):
        assert (duty.status, duty.responsible, duty.agency.slug) == (
            DutyStatus.OPEN,
            investigator,
            "southshire-police",
        )
        assert duty.due_at == duties[duty.pk]
    # the home page has nothing waiting any more
    assert "Transfers waiting for your decision" not in browser.get("/").content.decode()
    # and seeding again leaves the demo as it is
    call_command("seed_demo")
    assert CaseTransfer.objects.filter(case__source_reference=DEMO_KEY).count() == 1
    assert Case.objects.filter(source_reference=DEMO_KEY).count() == 1
