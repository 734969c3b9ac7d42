import uuid

from django.contrib.auth.models import Group
from django.db import models
from simple_history.models import HistoricalRecords


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    CHILDRENS_SERVICES = "childrens_services", "Children's services"
    SAFEGUARDING_HUB = "safeguarding_hub", "Safeguarding hub (MASH)"
    CHARITY = "charity", "Charity"


class CharityService(models.TextChoices):
    VICTIM_SUPPORT = "victim_support", "Victim support"
    FAMILY_SUPPORT = "family_support", "Support for suspects' families"


class Agency(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    # Only a charity has a service; it decides which compartments its staff may ever see.
    charity_service = models.CharField(
        max_length=32, choices=CharityService.choices, blank=True, default=""
    )
    # Case references start with it: NP-2026-000042. Never reused by another agency.
    case_reference_prefix = models.CharField(max_length=6, unique=True, null=True, blank=True)
    # The group through which other agencies' records are granted to this agency
    # (django-guardian object permissions). Roles are separate groups.
    grant_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="agency", null=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="agency_charity_has_service",
                condition=(
                    models.Q(kind=AgencyKind.CHARITY, charity_service__in=CharityService.values)
                    | (~models.Q(kind=AgencyKind.CHARITY) & models.Q(charity_service=""))
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_police(self) -> bool:
        return self.kind == AgencyKind.POLICE


class Team(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "slug"], name="team_unique_slug_per_agency"),
        ]

    def __str__(self) -> str:
        return self.name
