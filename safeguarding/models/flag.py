import uuid

from django.conf import settings
from django.db import models

from cases.models import Case, CaseParty, Person


class FlagKind(models.TextChoices):
    SUICIDE_SELF_HARM = "suicide_self_harm", "Suicide or self-harm risk"
    VULNERABLE_ADULT = "vulnerable_adult", "Vulnerable adult"
    CHILD_AT_RISK = "child_at_risk", "Child at risk"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    WEAPONS = "weapons", "Weapons"
    RISK_TO_STAFF = "risk_to_staff", "Risk to staff"
    SAFE_CONTACT_ONLY = "safe_contact_only", "Safe contact only"


class Flag(models.Model):
    """A warning about a person, raised on their part in a case. It shows wherever
    the person appears, to everyone who may see that part."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="flags")
    party = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="flags")
    # Copied from the party so that "this person's flags" is one indexed lookup.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=32, choices=FlagKind.choices)
    reason = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    review_on = models.DateField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    clear_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-raised_at"]
        indexes = [
            models.Index(
                fields=["person", "kind"],
                name="flag_person_live",
                condition=models.Q(cleared_at__isnull=True),
            ),
            models.Index(fields=["case", "-raised_at"], name="flag_case_when"),
            models.Index(
                fields=["review_on"],
                name="flag_review_due",
                condition=models.Q(cleared_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_live(self) -> bool:
        return self.cleared_at is None
