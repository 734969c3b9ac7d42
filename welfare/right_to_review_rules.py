"""Which recorded outcomes are decisions not to charge that a victim may ask to have
reviewed, and under whose scheme (docs/adr/0017). Read by the services, selectors,
pages and API alike."""

from cases.models import EventKind, InvestigationEvent, Outcome, OutcomeCode
from welfare.models import ReviewScheme

# The decisions not to charge a victim may ask to have reviewed, written literally.
# The police scheme (NPCC, 2015) reviews a police decision not to bring proceedings
# once a suspect was identified and interviewed; the CPS scheme a CPS decision not to
# charge. Each code left out, and why, is in docs/adr/0017.
POLICE_NO_CHARGE_CODES = frozenset(
    {
        OutcomeCode.NOT_IN_PUBLIC_INTEREST_POLICE,  # 10
        OutcomeCode.PREVENTED_SUSPECT_ILL,  # 12
        OutcomeCode.PREVENTED_VICTIM_ILL,  # 13
        OutcomeCode.EVIDENTIAL_SUSPECT_IDENTIFIED,  # 15
    }
)
CPS_NO_CHARGE_CODES = frozenset({OutcomeCode.NOT_IN_PUBLIC_INTEREST_CPS})  # 9
NO_CHARGE_CODES = POLICE_NO_CHARGE_CODES | CPS_NO_CHARGE_CODES


def is_decision_not_to_charge(outcome: Outcome) -> bool:
    return outcome.code in NO_CHARGE_CODES


def scheme_for(outcome: Outcome) -> str:
    """The CPS's when the CPS made the decision: outcome 9, or any decision on a
    suspect whose file was passed to the prosecutor; else the police scheme."""
    if outcome.code in CPS_NO_CHARGE_CODES:
        return ReviewScheme.CPS
    passed = InvestigationEvent.objects.filter(
        suspect_id=outcome.suspect_id, kind=EventKind.PASSED_TO_PROSECUTOR
    ).exists()
    return ReviewScheme.CPS if passed else ReviewScheme.POLICE
