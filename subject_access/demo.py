"""The demo's subject access request: Holly Sample's parent asks Northshire Police
what it holds about her (a victim in NP-2026-000002, with contacts, a flag, an
assessment, referrals and duties of care). Recorded twelve days ago by records.north,
its records gathered and waiting for review: in progress."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from cases.models import Person
from subject_access.models import SubjectAccessRequest
from subject_access.services import requests as services

REQUESTER = "Pat Sample"


def seed_subject_access() -> str:
    manager = User.objects.filter(username="records.north").first()
    holly = (
        Person.objects.filter(
            first_name="Holly", last_name="Sample", recorded_by_agency__slug="northshire-police"
        )
        .order_by("created_at")
        .first()
    )
    if manager is None or holly is None:
        return "skipped: records.north or Holly Sample is missing"
    existing = SubjectAccessRequest.objects.filter(
        agency__slug="northshire-police", requester_name=REQUESTER
    ).first()
    if existing is not None:
        return f"{existing.reference} already there ({existing.get_state_display().lower()})"
    request = services.sar_create(
        actor=manager,
        legal_basis="uk_gdpr_article_15",
        received_on=timezone.localdate() - timedelta(days=12),
        requester_name=REQUESTER,
        requester_relationship="parent",
        requester_email="pat.sample@example.invalid",
        identity_check="documents_seen",
        identity_note="Passport and a utility bill seen at the front counter; birth "
        "certificate shows Pat Sample as Holly's parent.",
        subject_ids=[holly.pk],
    )
    request = services.sar_start(actor=manager, request=request)
    request = services.sar_export_build(actor=manager, request=request)
    marked = request.items.filter(needs_review=True).count()
    return (
        f"{request.reference}: Holly Sample's records gathered "
        f"({request.items.count()} items, {marked} for review), due "
        f"{request.response_due_on:%d %b %Y}"
    )
