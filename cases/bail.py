"""Pre-charge bail: its limits in law and where a suspect's bail stands, read from
their investigation events. Pure rules, used by the events service (to refuse a
bail beyond its limit), the case page and the sweep (to warn before it ends).

Police and Criminal Evidence Act 1984 ss.47ZB-47ZG, as amended by the Police,
Crime, Sentencing and Courts Act 2022: 3 months from the first release, to 6 with
an inspector, to 9 with a superintendent; beyond that only a magistrates' court."""

from datetime import date

from django.utils import timezone

from cases.models import BailAuthority, EventKind, InvestigationEvent

INITIAL_BAIL_MONTHS = 3
BAIL_LIMIT_MONTHS: dict[str, int] = {BailAuthority.INSPECTOR: 6, BailAuthority.SUPERINTENDENT: 9}
# The events after which a suspect is no longer on pre-charge bail.
ENDS_BAIL = frozenset(
    {
        EventKind.RELEASED_WITHOUT_CHARGE,
        EventKind.RELEASED_UNDER_INVESTIGATION,
        EventKind.CHARGED,
        EventKind.NO_FURTHER_ACTION,
        EventKind.OUTCOME_RECORDED,
        EventKind.COURT_OUTCOME,
    }
)


def bail_state(events: list[InvestigationEvent]) -> tuple[date | None, date | None]:
    """From one suspect's events in order: (when bail was first granted, when it now
    ends), or (None, None) when they are not on pre-charge bail."""
    first_bailed_on = ends_on = None
    for event in events:
        if event.kind == EventKind.BAILED:
            if ends_on is None:
                first_bailed_on = timezone.localtime(event.occurred_at).date()
            ends_on = event.bail_end_on
        elif event.kind == EventKind.BAIL_EXTENDED and ends_on is not None:
            ends_on = event.bail_end_on
        elif event.kind in ENDS_BAIL:
            first_bailed_on = ends_on = None
    return first_bailed_on, ends_on
