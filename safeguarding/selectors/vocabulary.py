"""Reads of the shared risk vocabulary: agencies' scales (any version), their
version history, and an agency's own action targets."""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet

from agencies import access
from agencies.models import Agency
from common.errors import NotFound
from safeguarding.filters import ScaleVersionFilter
from safeguarding.models import (
    LEVEL_RANK,
    SHARED_LEVEL_DEFINITIONS,
    ActionTarget,
    RiskScale,
    RiskScaleLevel,
    SharedLevel,
)


def shared_levels() -> list[dict[str, Any]]:
    """The shared levels in the order they are written down, each with its definition
    and its rank in the queue (unknown ranks with high, never with low)."""
    return [
        {
            "level": level.value,
            "label": level.label,
            "definition": SHARED_LEVEL_DEFINITIONS[level],
            "rank": LEVEL_RANK[level],
        }
        for level in SharedLevel
    ]


def _with_levels(scales: QuerySet[RiskScale]) -> QuerySet[RiskScale]:
    return scales.select_related("agency").prefetch_related(
        Prefetch("levels", queryset=RiskScaleLevel.objects.order_by("position"))
    )


def scale_get(*, agency: Agency, version: int | None = None) -> RiskScale:
    """One version of an agency's scale (the current one unless a version is named).
    Any signed-in member may read any agency's scale: the vocabulary is not secret."""
    chosen = {"version": version} if version is not None else {"is_current": True}
    scales = RiskScale.objects.filter(agency=agency, **chosen)
    scale = _with_levels(scales).first()
    if scale is None:
        raise NotFound()
    return scale


def scale_version_asked(*, filters: Mapping[str, Any]) -> int | None:
    """The version of a scale the API is asked for (`ScaleVersionFilter`), None for
    the current one; ValidationError naming `version` when it is not one."""
    filterset = ScaleVersionFilter(filters, queryset=RiskScale.objects.none())
    if not filterset.is_valid():
        raise ValidationError(filterset.form.errors.as_data())
    version: int | None = filterset.form.cleaned_data.get("version")
    return version


def scale_versions(*, agency: Agency) -> QuerySet[RiskScale]:
    """Every version of an agency's scale, newest first: none is ever changed."""
    return (
        _with_levels(RiskScale.objects.filter(agency=agency))
        .select_related("created_by")
        .order_by("-version")
    )


def own_agency_get(*, actor: User, slug: str, action: str = access.SIGNED_IN) -> Agency:
    """The agency named by `slug` if it is the actor's own and the actor's role may
    take `action`; otherwise not found, the same for "no such agency" and "not yours"."""
    membership = access.membership_of(actor)
    if membership is None or membership.agency.slug != slug or not access.can(actor, action):
        raise NotFound()
    return membership.agency


def action_targets_for(*, actor: User, agency: Agency) -> dict[str, int]:
    """An agency's targets for first action, in working days per shared level: read
    by its own members only."""
    membership = access.membership_of(actor)
    if membership is None or membership.agency_id != agency.pk:
        raise NotFound()
    targets = {level.value: ActionTarget.DEFAULTS[level] for level in SharedLevel}
    targets.update(ActionTarget.objects.filter(agency=agency).values_list("level", "working_days"))
    return targets
