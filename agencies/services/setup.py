"""Setting up agencies and teams. These are system operations (run by
`seed_demo` or an operator's script), not user actions, so they take no actor."""

from django.contrib.auth.models import Group
from django.db import transaction

from agencies.models import Agency, Team


@transaction.atomic
def agency_upsert(
    *,
    slug: str,
    name: str,
    kind: str,
    charity_service: str = "",
    case_reference_prefix: str | None = None,
) -> Agency:
    agency, _ = Agency.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "kind": kind,
            "charity_service": charity_service,
            "case_reference_prefix": case_reference_prefix,
        },
    )
    if agency.grant_group_id is None:
        agency.grant_group, _ = Group.objects.get_or_create(name=f"agency:{slug}")
        agency.save(update_fields=["grant_group"])
    return agency


@transaction.atomic
def team_upsert(*, agency: Agency, slug: str, name: str) -> Team:
    team, _ = Team.objects.update_or_create(agency=agency, slug=slug, defaults={"name": name})
    return team
