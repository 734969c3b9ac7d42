"""The forms of the subject access pages. They parse what was typed; the services
decide what is valid, and their messages come back onto these fields by name."""

from collections.abc import Iterable

from django import forms

from cases.forms import UKDateField
from subject_access.models import (
    Exemption,
    IdentityCheck,
    ItemDecision,
    LegalBasis,
    RequesterRelationship,
    SubjectAccessItem,
)
from subject_access.services.requests import ItemReview, item_field

_SUBJECTS_MESSAGE = "Choose only people whose records your agency holds."


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Name of the person the request is about",
        help_text="Their name as your agency recorded it, or another name they use.",
    )
    dob = UKDateField(
        required=False,
        label="Date of birth (optional)",
        error_messages={"invalid": "Enter a real date of birth, for example 27/03/2010."},
    )


class RequestForm(forms.Form):
    legal_basis = forms.ChoiceField(
        required=False,
        label="Legal basis",
        choices=LegalBasis.choices,
        help_text="Section 45 applies to records held for law enforcement purposes.",
    )
    received_on = UKDateField(
        required=False,
        label="Date the request was received",
        error_messages={"invalid": "Enter a real date, for example 27/03/2026."},
    )
    requester_name = forms.CharField(required=False, max_length=200, label="Requester's name")
    requester_relationship = forms.ChoiceField(
        required=False,
        label="Who made the request?",
        choices=RequesterRelationship.choices,
        initial=RequesterRelationship.SELF,
    )
    requester_address = forms.CharField(
        required=False,
        label="Requester's address (optional)",
        help_text="Where the response is to be sent.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    requester_email = forms.EmailField(
        required=False,
        label="Requester's email (optional)",
        error_messages={"invalid": "Enter an email address like name@example.com."},
    )
    identity_check = forms.ChoiceField(
        required=False,
        label="How was the requester's identity verified?",
        choices=IdentityCheck.choices,
    )
    identity_note = forms.CharField(
        required=False,
        label="Identity check notes (optional)",
        help_text="Which documents were seen, or what was confirmed.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    subjects = forms.MultipleChoiceField(
        required=False,
        label="Whom is the request about?",
        help_text="Each of your agency's records of this person.",
        error_messages={"invalid_choice": _SUBJECTS_MESSAGE},
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subjects"].choices = [
            (
                str(person.pk),
                f"{person.full_name}, born {person.date_of_birth:%d/%m/%Y}"
                if person.date_of_birth
                else f"{person.full_name}, date of birth not known",
            )
            for person in people
        ]

    def request_values(self) -> dict:
        data = self.cleaned_data
        return {
            "legal_basis": data["legal_basis"],
            "received_on": data["received_on"],
            "requester_name": data["requester_name"],
            "requester_relationship": data["requester_relationship"],
            "requester_address": data["requester_address"],
            "requester_email": data["requester_email"],
            "identity_check": data["identity_check"],
            "identity_note": data["identity_note"],
            "subject_ids": data["subjects"],
        }


class VersionForm(forms.Form):
    """The version of the request the page showed: a request changed since is not
    moved again unseen."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonForm(VersionForm):
    reason = forms.CharField(
        required=False,
        max_length=2000,
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep the reason to 2000 characters or fewer."},
    )


class ReviewForm(VersionForm):
    """Per item marked for review (and any other the reviewer withholds): release or
    withhold, with an exemption and a reason. Its fields are named as the service
    names its errors (`item_<n>_decision`, `_exemption`, `_reason`)."""

    def __init__(self, *args, items: Iterable[SubjectAccessItem] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            decision = forms.ChoiceField(
                required=False,
                label=f"Item {item.position}: release or withhold?",
                choices=[
                    (ItemDecision.RELEASE, "Release"),
                    (ItemDecision.WITHHOLD, "Withhold"),
                ],
                initial=item.decision if item.decision != ItemDecision.PENDING else None,
            )
            self.fields[item_field(item, "decision")] = decision
            self.fields[item_field(item, "exemption")] = forms.ChoiceField(
                required=False,
                label=f"Item {item.position}: exemption (if withheld)",
                choices=[("", "Choose an exemption"), *Exemption.choices],
                initial=item.exemption,
            )
            self.fields[item_field(item, "reason")] = forms.CharField(
                required=False,
                label=f"Item {item.position}: why it is withheld",
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=item.withhold_reason,
            )

    def rows(self):
        """Each item with its three bound fields, for the template."""
        for item in self.items:
            yield (
                item,
                self[item_field(item, "decision")],
                self[item_field(item, "exemption")],
                self[item_field(item, "reason")],
            )

    def reviews(self) -> dict:
        found = {}
        for item in self.items:
            decision = self.cleaned_data.get(item_field(item, "decision")) or ""
            if not decision:
                continue
            found[str(item.pk)] = ItemReview(
                decision=decision,
                exemption=self.cleaned_data.get(item_field(item, "exemption")) or "",
                reason=self.cleaned_data.get(item_field(item, "reason")) or "",
            )
        return found
