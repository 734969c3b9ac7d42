"""What closing and transferring a case mean for its duties of care. Registered
with cases' handler registry (cases.events) in WelfareConfig.ready(): cases asks
which duties are open before it closes a case, has them ended with the
supervisor's reasons, and has them passed to the new lead officer when another
force accepts the case. Each runs inside the case's own transaction."""

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from cases.events import OpenDuty
from cases.models import Case, CaseTransfer
from common.errors import InvalidState
from common.history import history_note
from welfare.models import Duty, DutyStatus, DutyTrigger, VictimCare
from welfare.services.victim_duties import victim_update_open


def _open_duties(case: Case) -> QuerySet[Duty]:
    return Duty.objects.filter(case=case, status=DutyStatus.OPEN)


def _described(duty: Duty) -> OpenDuty:
    return OpenDuty(
        id=str(duty.pk),
        label=f"{duty.get_kind_display()} ({duty.party.person.full_name})",
        due_at=duty.due_at,
        responsible=duty.responsible.get_username() if duty.responsible else "",
    )


def on_case_open_duties(*, case: Case) -> list[OpenDuty]:
    duties = _open_duties(case).select_related("party__person", "responsible").order_by("due_at")
    return [_described(duty) for duty in duties]


def on_case_closing(*, case: Case, actor: User, reasons: dict[str, str]) -> None:
    """End each open duty with the supervisor's reason for it. A duty opened after
    the supervisor read the list has no reason: the close is refused, not guessed."""
    duties = list(
        _open_duties(case)
        .select_for_update(of=("self",))
        .select_related("party__person", "responsible")
    )
    unreasoned = [duty for duty in duties if str(duty.pk) not in reasons]
    if unreasoned:
        raise InvalidState(
            f"{case.reference} has a duty of care opened since you read the list: "
            "give a reason for it too.",
            state="duties_open",
            details={
                "duties": [
                    {
                        "id": str(duty.pk),
                        "label": _described(duty).label,
                        "due_at": duty.due_at.isoformat(),
                        "responsible": _described(duty).responsible,
                    }
                    for duty in unreasoned
                ]
            },
        )
    now = timezone.now()
    for duty in duties:
        reason = reasons[str(duty.pk)]
        duty.status = DutyStatus.CANCELLED
        duty.resolved_at = now
        duty.resolved_by = actor
        duty.resolution_note = f"Ended when the case was closed: {reason}"
        duty.version += 1
        history_note(duty, actor=actor, reason=f"case closed: {reason}")
        duty.save(
            update_fields=["status", "resolved_at", "resolved_by", "resolution_note", "version"]
        )


def on_case_transferred(*, case: Case, transfer: CaseTransfer, actor: User) -> None:
    """Every duty of the case now belongs to the receiving force (its history too,
    so that the case shows it); each open one passes to the new lead officer and
    their team, due when it was due. Each victim's named contact becomes the new
    lead, and the victim is owed an update saying who that is (the Victims' Code,
    as for any change of named contact)."""
    lead = case.lead_officer
    moved = f"transferred to {case.owning_agency.slug}"
    for duty in Duty.objects.select_for_update(of=("self",)).filter(case=case):
        duty.agency_id = case.owning_agency_id
        fields = ["agency", "version"]
        if duty.is_open:
            duty.team_id = case.team_id
            duty.responsible = lead
            fields += ["team", "responsible"]
        duty.version += 1
        history_note(duty, actor=actor, reason=moved)
        duty.save(update_fields=fields)
    now = timezone.now()
    cares = VictimCare.objects.select_for_update(of=("self",)).filter(case=case)
    for care in cares.select_related("party__case__lead_officer", "party__person"):
        care.point_of_contact = lead
        care.version += 1
        history_note(care, actor=actor, reason=f"named contact: the new lead, {moved}")
        care.save(update_fields=["point_of_contact", "version", "updated_at"])
        victim_update_open(
            actor=actor,
            care=care,
            trigger=DutyTrigger.NEW_POINT_OF_CONTACT,
            reason=f"Tell the victim the case has moved to {case.owning_agency.name} "
            "and who their new named contact is",
            source_key=f"transfer:{transfer.pk}:{care.pk}",
            moment=now,
        )
