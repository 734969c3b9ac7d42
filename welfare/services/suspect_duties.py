"""The suspect's welfare duties that events create (the suspect welfare issue):
screenings, the 48-hour check after release, welfare contact in the limbo of
release under investigation or bail."""

from django.contrib.auth.models import User

from cases.models import InvestigationEvent


def on_event_recorded(*, event: InvestigationEvent, actor: User) -> None:
    return None


def welfare_contact_next(*, actor: User, duty, contact) -> None:
    """After a welfare contact is logged, the next one becomes due (cadence)."""
    return None
