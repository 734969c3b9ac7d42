"""A subject access request: one person's right of access to what an agency holds
about them, recorded with its receipt, its requester and how their identity was
verified, the agency's person records it is about, its stored deadline and its
state (docs/adr/0014-subject-access.md)."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from cases.models import Person


class LegalBasis(models.TextChoices):
    UK_GDPR_ARTICLE_15 = "uk_gdpr_article_15", "UK GDPR article 15"
    DPA_2018_SECTION_45 = (
        "dpa_2018_section_45",
        "Data Protection Act 2018 section 45 (law enforcement processing)",
    )


class RequesterRelationship(models.TextChoices):
    SELF = "self", "The person themselves"
    PARENT = "parent", "A parent or guardian, for a child"
    REPRESENTATIVE = "representative", "A solicitor or other representative, with authority"


class IdentityCheck(models.TextChoices):
    DOCUMENTS_SEEN = "documents_seen", "Identity documents seen"
    KNOWN_CONTACT = "known_contact", "Confirmed through contact details the agency already holds"
    IN_PERSON = "in_person", "Verified in person"
    AUTHORITY_CHECKED = "authority_checked", "Representative's authority and identity checked"


class RequestState(models.TextChoices):
    RECEIVED = "received", "Received"
    GATHERING = "gathering", "Gathering records"
    IN_REVIEW = "in_review", "In review"
    RELEASED = "released", "Released"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The states in which the agency still owes a response: the deadline is swept.
OPEN_STATES = (RequestState.RECEIVED, RequestState.GATHERING, RequestState.IN_REVIEW)


def _optional_user() -> "models.ForeignKey[Any, Any]":
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class SubjectAccessRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=32, unique=True, editable=False)
    legal_basis = models.CharField(max_length=32, choices=LegalBasis.choices)
    received_on = models.DateField()
    requester_name = models.CharField(max_length=200)
    requester_relationship = models.CharField(
        max_length=32, choices=RequesterRelationship.choices, default=RequesterRelationship.SELF
    )
    requester_address = models.TextField(blank=True, default="")
    requester_email = models.EmailField(blank=True, default="")
    identity_check = models.CharField(max_length=32, choices=IdentityCheck.choices)
    identity_note = models.TextField(blank=True, default="")
    # The agency's person records the request is about (one person may have several).
    subjects = models.ManyToManyField(Person, related_name="+")
    # The deadline, computed once when the request is recorded and stored (the ICO's
    # calendar month); an extension stores its own and the deadline in force.
    due_on = models.DateField(editable=False)
    extended_due_on = models.DateField(null=True, blank=True, editable=False)
    extension_reason = models.TextField(blank=True, default="")
    response_due_on = models.DateField(editable=False)
    state = models.CharField(
        max_length=16, choices=RequestState.choices, default=RequestState.RECEIVED
    )
    state_reason = models.TextField(blank=True, default="")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    export_built_at = models.DateTimeField(null=True, blank=True)
    export_built_by = _optional_user()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = _optional_user()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = _optional_user()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["response_due_on", "id"]
        indexes = [
            # The records manager's list: their agency's requests, soonest due first.
            models.Index(fields=["agency", "response_due_on", "id"], name="sar_agency_due"),
            # The deadline sweep: the requests still owed, by date.
            models.Index(
                fields=["response_due_on"],
                condition=models.Q(state__in=["received", "gathering", "in_review"]),
                name="sar_open_due",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ItemSection(models.TextChoices):
    PERSON = "person", "Person record"
    PARTY = "party", "Part in a case"
    IDENTIFIER = "identifier", "Identifier"
    CONTACT = "contact", "Contact"
    DECISION = "decision", "Key decision"
    ASSESSMENT = "assessment", "Risk assessment"
    FLAG = "flag", "Warning flag"
    REFERRAL = "referral", "Referral"
    DUTY = "duty", "Duty of care"
    INTAKE_REPORT = "intake_report", "Intake report"
    ACCESS_LOG = "access_log", "Access log entry"


class ItemDecision(models.TextChoices):
    PENDING = "pending", "Not yet reviewed"
    RELEASE = "release", "Release"
    WITHHOLD = "withhold", "Withhold"


class Exemption(models.TextChoices):
    """Why an item is withheld: the grounds a reviewer may rely on."""

    THIRD_PARTY = (
        "third_party",
        "Information about another person (DPA 2018 schedule 2 para 16; section 45(4)(e))",
    )
    CRIME = (
        "crime",
        "Prevention or detection of crime (DPA 2018 schedule 2 para 2; section 45(4)(a)-(b))",
    )
    SAFEGUARDING = (
        "safeguarding",
        "Serious harm to the physical or mental health of any person (DPA 2018 schedule 3)",
    )
    LEGAL_PRIVILEGE = (
        "legal_privilege",
        "Legal professional privilege (DPA 2018 schedule 2 para 19)",
    )
    OTHER = "other", "Another exemption, named in the reason"


class SubjectAccessItem(models.Model):
    """One record gathered for the export, as it was when gathered: a snapshot, so that
    what was reviewed is what is released. An item that names other people is marked
    for review; the reviewer releases or withholds it, with an exemption and reason."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveIntegerField()
    section = models.CharField(max_length=32, choices=ItemSection.choices)
    source_type = models.CharField(max_length=40)
    source_id = models.CharField(max_length=64)
    case_reference = models.CharField(max_length=32, blank=True, default="")
    title = models.CharField(max_length=300)
    # Label -> value, as the export shows them.
    content = models.JSONField(default=dict)
    # The other people the item names, as gathered: why it is marked for review.
    third_parties = models.JSONField(default=list, blank=True)
    needs_review = models.BooleanField(default=False)
    decision = models.CharField(
        max_length=16, choices=ItemDecision.choices, default=ItemDecision.RELEASE
    )
    exemption = models.CharField(max_length=32, choices=Exemption.choices, blank=True, default="")
    withhold_reason = models.TextField(blank=True, default="")
    decided_by = _optional_user()
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="sar_item_position"),
            models.CheckConstraint(
                name="sar_item_withheld_has_reason",
                condition=~models.Q(decision="withhold")
                | (~models.Q(exemption="") & ~models.Q(withhold_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return self.title
