"""Reads of referral packages and their rejections: scoped to the reader's own force
in the query; another force's package is not found."""

from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet

from agencies import access
from agencies.audit import access_read_record
from common.errors import NotFound
from intake.models import IntakePackage, IntakeRejection

# The agency's packages, newest first: the index `package_agency_uploaded`.
PACKAGE_ORDER = ("-uploaded_at", "-id")
# A package's rejections by line: the index `rejection_line`.
REJECTION_ORDER = ("line_number", "id")


def package_list(*, actor: AbstractBaseUser) -> QuerySet[IntakePackage]:
    """The actor's force's packages, newest first (AccessDenied without
    intake.package.view)."""
    membership = access.require(actor, "intake.package.view")
    return (
        IntakePackage.objects.filter(agency_id=membership.agency_id)
        .select_related("agency", "uploaded_by")
        .order_by(*PACKAGE_ORDER)
    )


def package_get_for_actor(
    *, actor: AbstractBaseUser, package_id: UUID | str, log: bool = True
) -> IntakePackage:
    """One package of the actor's force; NotFound for one that does not exist or is
    another force's (never told apart)."""
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, "intake.package.view"):
        raise NotFound()
    try:
        package = (
            IntakePackage.objects.select_related("agency", "uploaded_by")
            .filter(agency_id=membership.agency_id)
            .get(pk=package_id)
        )
    except (IntakePackage.DoesNotExist, DjangoValidationError, ValueError) as exc:
        raise NotFound() from exc
    if log:
        access_read_record(
            actor=actor,
            action="intake.package.viewed",
            object_type="intake_package",
            object_id=package.pk,
            object_agency_slug=package.agency.slug,
            justification=access.justification_for(actor, package),
        )
    return package


def package_rejection_list(
    *, actor: AbstractBaseUser, package: IntakePackage
) -> QuerySet[IntakeRejection]:
    """The package's rejected lines, by line (the package comes from
    `package_get_for_actor`, which checked the reader may see it)."""
    membership: Any = access.membership_of(actor)
    if membership is None or package.agency_id != membership.agency_id:
        raise NotFound()
    return IntakeRejection.objects.filter(package_id=package.pk).order_by(*REJECTION_ORDER)
