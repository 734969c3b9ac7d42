"""Where each kind of duty is met: the one answer for every list, panel, calendar
entry and API link that offers to meet a duty, so that none of them sends a welfare
check to the victim-update form again. From the duty's kind, case and key: no query."""

from django.urls import reverse

from welfare.check_lateness import WELFARE_CHECK_DUTIES
from welfare.models import REFERRAL_DUTIES, Duty, DutyKind
from welfare.services.caution_duties import compliance_page_path

# Met by a contact logged on the duty's own page: a victim update, and the Victims'
# Right to Review's two duties (docs/adr/0017).
LOGGED_CONTACT_KINDS = frozenset(
    {DutyKind.VICTIM_UPDATE, DutyKind.RIGHT_TO_REVIEW, DutyKind.RIGHT_TO_REVIEW_RESULT}
)


def duty_meet_page(duty: Duty) -> str:
    """The page on which `duty` is met (or closed with its reason)."""
    if duty.kind in LOGGED_CONTACT_KINDS:
        return reverse("duty-log-contact", args=[duty.pk])
    if duty.kind in WELFARE_CHECK_DUTIES:
        return reverse("duty-welfare-check", args=[duty.pk])
    if duty.kind in REFERRAL_DUTIES:
        return reverse("duty-referral", args=[duty.pk])
    if duty.kind == DutyKind.CAUTION_COMPLIANCE:
        return compliance_page_path(duty) or reverse("case-detail", args=[duty.case_id])
    if duty.kind == DutyKind.WELFARE_SCREENING:
        return reverse("suspect-welfare-screening-create", args=[duty.case_id])
    if duty.kind == DutyKind.SAFETY_PLAN:
        return reverse("suspect-welfare-safety-plan-create", args=[duty.case_id])
    if duty.kind == DutyKind.FAMILY_PACK:
        return reverse("family-support", args=[duty.case_id])
    return reverse("case-detail", args=[duty.case_id])


def duty_meet_api(duty: Duty) -> str | None:
    """The API endpoint that meets `duty`, where it has its own; None where the duty
    is met by recording something about the case (a screening, a family pack)."""
    if duty.kind in LOGGED_CONTACT_KINDS:
        return reverse("api:duty-log-contact", args=[duty.pk])
    if duty.kind in WELFARE_CHECK_DUTIES:
        return reverse("api:duty-welfare-check", args=[duty.pk])
    if duty.kind in REFERRAL_DUTIES:
        return reverse("api:duty-referral", args=[duty.pk])
    if duty.kind == DutyKind.WELFARE_SCREENING:
        return reverse("api:case-suspect-welfare-screenings", args=[duty.case_id])
    if duty.kind == DutyKind.SAFETY_PLAN:
        return reverse("api:case-suspect-welfare-safety-plans", args=[duty.case_id])
    return None
