"""Every agency's work on one case, for the "Agencies involved" section and
`GET /api/v1/cases/{id}/agencies/`: who holds the case and why (its owner, and each
live grant with its reason, source and end), and every referral about it by any
agency that holds it (purpose, receiver, state, deadlines, outcome summary), the
hub's onward referrals included. Metadata only: a referral's disclosure stays
with its two sides (`agencies.access.case_referral_scope`)."""

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet

from agencies import access
from cases.models import Case, CaseGrant
from cases.selectors import grant_holders
from cases.services.common import log_case_read
from referrals.models import Referral, ThresholdDecision
from referrals.models.threshold import THRESHOLD_ORDER

_RELATED = ("from_agency", "to_agency", "to_team", "sent_by")


@dataclass
class Involvement:
    case: Case
    grants: list[CaseGrant] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)


def involved_referral_list(*, actor: User, case: Case) -> QuerySet[Referral]:
    return (
        access.case_referral_scope(actor, Referral.objects.filter(case_id=case.pk))
        .select_related(*_RELATED)
        # Each child's threshold decision (what the list says of it), in one query.
        .prefetch_related(
            Prefetch(
                "threshold_decisions",
                queryset=ThresholdDecision.objects.only(
                    "id", "referral_id", "child_id", "decision", "decided_at", "due_at"
                ).order_by(*THRESHOLD_ORDER),
            )
        )
        .order_by("-created_at", "-id")
    )


def involvement_get(*, actor: User, case: Case, log: bool = True) -> Involvement:
    """For a case the actor has already read through `case_get_for_actor`. Four
    queries, whatever the number of grants and referrals; the read is logged."""
    involvement = Involvement(
        case=case,
        grants=list(grant_holders(actor=actor, case=case)),
        referrals=list(involved_referral_list(actor=actor, case=case)),
    )
    if log:
        log_case_read(
            actor=actor,
            action="cases.agencies.viewed",
            case=case,
            object_type="case",
            note=f"{len(involvement.grants)} grants, {len(involvement.referrals)} referrals",
        )
    return involvement
