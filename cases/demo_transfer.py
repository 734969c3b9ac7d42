"""The demo's transfer: a Northshire case whose suspect has moved to Southshire,
arrested two days ago (so duties of care are open on it), which Northshire asks
Southshire to take over. The request waits for `supervisor.south`, who accepts it
through the pages, naming a lead officer, and sees the open duties pass to them.

Built through the same services as real work; idempotent: a case with the demo key
is left alone, whichever force owns it by then."""

from agencies.models import Agency
from cases.demo import _born, _days_ago, _moment_ago, _open, _person, _user
from cases.models import Case
from cases.services.events import investigation_event_record
from cases.services.people import party_add_for_person
from cases.services.records import contact_log, offence_add
from cases.services.transfers import transfer_request

DEMO_KEY = "DEMO-TRANSFER-0008"


def seed_transfer() -> str:
    if Case.objects.filter(source_reference=DEMO_KEY).exists():
        return "already there"
    investigator = _user("investigator.north")
    case = _open(
        investigator,
        key=DEMO_KEY,
        title="Online grooming of a 14-year-old: the suspect has moved to Southshire",
        summary=(
            "A 14-year-old in Northtown was groomed through a messaging app. The suspect "
            "was arrested at his new address in Southshire; his bail address and the "
            "devices seized are there."
        ),
        source="victim_or_parent",
        days_ago=12,
    )
    victim = party_add_for_person(
        actor=investigator,
        case=case,
        person=None,
        new_person=_person(
            first_name="Nia",
            last_name="Fictive",
            date_of_birth=_born(14),
            gender="female",
            address="4 Imaginary Lane, Northtown NT2 0BB",
            phone="07700 900456",
            safe_to_phone=True,
        ),
        role="victim",
    )
    suspect = party_add_for_person(
        actor=investigator,
        case=case,
        person=None,
        new_person=_person(
            first_name="Reece",
            last_name="Invented",
            date_of_birth=_born(34),
            gender="male",
            address="9 Invented Road, Southtown ST1 0CC",
        ),
        role="suspect",
    )
    offence_add(
        actor=investigator,
        case=case,
        offence_type="sexual_communication",
        committed_from=_days_ago(40),
        committed_to=_days_ago(14),
        platform="Demo messaging app",
        parties=[suspect],
    )
    contact_log(
        actor=investigator,
        case=case,
        party=victim,
        contacted_at=_moment_ago(11),
        channel="phone",
        summary="Spoke with Nia's mother: explained what happens next and who her contact is.",
    )
    # The arrest opens the duties of care the transfer will pass on.
    investigation_event_record(
        actor=investigator,
        case=case,
        suspect=suspect,
        kind="arrested",
        occurred_at=_moment_ago(2, hour=7),
    )
    transfer_request(
        actor=investigator,
        case=case,
        to_agency=Agency.objects.get(slug="southshire-police"),
        reason=(
            "The suspect now lives in Southshire: he was arrested there, his devices are "
            "held there and his bail address is there. The victim stays in Northshire."
        ),
    )
    return f"{case.reference} waits for supervisor.south to accept its transfer"
