import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from cases.models.rules import Errors, RulesFirst, not_in_future, one_of


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "Described another way"
    NOT_KNOWN = "not_known", "Not known"


# What a user records about a person, in the order the forms, the API and a
# referral's disclosure show them. The one list: the service accepts these, the form
# and the API offer them, and the disclosure derives what a sender may share.
PERSON_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "aliases",
    "date_of_birth",
    "estimated_age",
    "estimated_age_on",
    "gender",
    "address",
    "phone",
    "email",
    "safe_to_phone",
    "safe_to_write",
    "safe_to_visit",
    "preferred_channel",
    "preferred_times",
    "safe_contact_notes",
    "language",
    "interpreter_needed",
    "adjustments",
)

# The same fields with the estimate (an age, and the day it was given) as one
# derived `age`: how old someone is, without how it was recorded. A referral shares
# these, so a sender can give an age without a date of birth.
PERSON_FIELDS_WITH_AGE: tuple[str, ...] = tuple(
    "age" if name == "estimated_age" else name
    for name in PERSON_FIELDS
    if name != "estimated_age_on"
)


class Person(RulesFirst, models.Model):
    """A person who may appear in many cases. What a user may see of them follows
    from the cases and parts (victim, suspect, family) they are cleared for."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recorded_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    aliases = models.CharField(
        max_length=300, blank=True, default="", help_text="Other names, separated by commas."
    )
    date_of_birth = models.DateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    estimated_age_on = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=16, choices=Gender.choices, default=Gender.NOT_KNOWN)
    address = models.TextField(blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    email = models.EmailField(blank=True, default="")
    # Safe contact: whether each way of reaching them is safe (None: not yet asked).
    safe_to_phone = models.BooleanField(null=True, blank=True)
    safe_to_write = models.BooleanField(null=True, blank=True)
    safe_to_visit = models.BooleanField(null=True, blank=True)
    preferred_channel = models.CharField(max_length=16, blank=True, default="")
    preferred_times = models.CharField(max_length=200, blank=True, default="")
    safe_contact_notes = models.TextField(blank=True, default="")
    language = models.CharField(max_length=60, blank=True, default="English")
    interpreter_needed = models.BooleanField(default=False)
    adjustments = models.TextField(
        blank=True, default="", help_text="Adjustments for disability or other needs."
    )
    version = models.PositiveIntegerField(default=1)
    # Set when this record was merged into another one of the same person (issue 19,
    # cases.services.person_merge): kept, so that the merge can be undone, but hidden
    # from every search and list. Cleared by the undo.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="person_name"),
            models.Index(fields=["date_of_birth"], name="person_dob"),
            # The duplicate warning's candidates: the agency's own people born on a
            # day (cases.selectors.duplicates; a surname's start is read through the
            # trigram index on UPPER(last_name), migration 0006, on PostgreSQL).
            models.Index(
                fields=["recorded_by_agency", "date_of_birth"],
                name="person_agency_dob",
                condition=models.Q(merged_into__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="person_estimated_age_has_date",
                condition=models.Q(estimated_age__isnull=True)
                | models.Q(estimated_age_on__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def rules(self) -> Errors:
        from cases.models.contact import ContactChannel  # contact.py imports Person

        errors: Errors = {}
        if not (self.first_name or "").strip():
            errors["first_name"] = ["Enter a first name (or 'Unknown')."]
        if not (self.last_name or "").strip():
            errors["last_name"] = ["Enter a last name (or 'Unknown')."]
        one_of(self.gender, Gender.values, "gender", errors)
        if self.preferred_channel:
            one_of(self.preferred_channel, ContactChannel.values, "preferred_channel", errors)
        not_in_future(self.date_of_birth, "date_of_birth", errors)
        not_in_future(self.estimated_age_on, "estimated_age_on", errors)
        if self.date_of_birth and self.estimated_age is not None:
            errors["estimated_age"] = ["Give a date of birth or an estimated age, not both."]
        if self.estimated_age is not None and self.estimated_age > 120:
            errors["estimated_age"] = ["Enter an age of 120 or under."]
        return errors
