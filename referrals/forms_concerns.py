"""Forms of the urgent concern pages and the referral's message thread."""

from datetime import date, datetime, time

from django import forms
from django.utils import timezone

from cases.forms.fields import Radios, TimeField, UKDateField
from cases.models import ContactChannel, ContactDirection
from referrals.forms import radios, text_box
from referrals.models import ConcernKind
from safeguarding.forms import party_choices
from safeguarding.models import FlagKind

_NOBODY = ""


def _shown_name(party: dict) -> str:
    fields = party.get("fields") or {}
    name = " ".join(
        str(fields[key]) for key in ("first_name", "last_name") if fields.get(key)
    ).strip()
    role = party.get("role_label") or str(party.get("role", "")).replace("_", " ")
    return f"{name} ({role.lower()})" if name else role.capitalize()


class ConcernForm(forms.Form):
    kind = radios(
        ConcernKind.choices,
        "What is the concern?",
        "Select what the concern is.",
        help_text=(
            "A new offender account is, for example, another online account or username "
            "the offender uses."
        ),
    )
    subject = forms.ChoiceField(
        required=False,
        widget=Radios,
        label="Who is it about?",
        help_text="Required for a risk of suicide or self-harm: say who is at risk.",
    )
    heard = text_box(
        "What was heard?",
        "Enter what was heard.",
        rows=6,
        help_text="In the words it was said, as far as you can.",
    )
    heard_on = UKDateField(
        label="Date it was heard", error_messages={"required": "Enter the date it was heard."}
    )
    heard_time = TimeField(
        label="Time it was heard", error_messages={"required": "Enter the time it was heard."}
    )
    heard_from = forms.CharField(
        max_length=200,
        label="Who was it heard from?",
        help_text="For example, the child's mother, on the phone.",
        error_messages={"required": "Enter who it was heard from."},
    )
    document = forms.FileField(
        required=False,
        label="Attach a document (optional)",
        help_text=(
            "PDF, plain text, Word (.docx) or OpenDocument text (.odt), up to 10 MB, "
            "without pictures in it."
        ),
        error_messages={"empty": "The selected file is empty."},
    )

    def __init__(self, *args, disclosed_parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [
            *((str(p.get("party_id")), _shown_name(p)) for p in disclosed_parties),
            (_NOBODY, "Someone not named in the referral, or nobody in particular"),
        ]

    def heard_at(self) -> datetime | None:
        day: date | None = self.cleaned_data.get("heard_on")
        at: time | None = self.cleaned_data.get("heard_time")
        if day is None or at is None:
            return None
        return timezone.make_aware(datetime.combine(day, at))


class AcknowledgeForm(forms.Form):
    action_taken = text_box(
        "What has been done?",
        "Enter what has been done about the concern.",
        rows=5,
        help_text="The partner who raised it is told it is acknowledged.",
    )


class _PartyForm(forms.Form):
    """A form about one of the case's people (its `party` field), chosen among
    `parties`: those the reader may see."""

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {str(p.id): p for p in parties}
        self.fields["party"].choices = party_choices(parties)


class ConcernFlagForm(_PartyForm):
    party = forms.ChoiceField(
        widget=Radios,
        label="Who is the flag about?",
        error_messages={"required": "Select who the flag is about."},
    )
    kind = radios(FlagKind.choices, "Flag", "Select the flag.")
    reason = text_box("Reason", "Enter the reason for the flag.", max_length=2000)
    review_on = UKDateField(
        label="Review by", error_messages={"required": "Enter the date to review the flag."}
    )


class ConcernContactForm(_PartyForm):
    party = forms.ChoiceField(
        widget=Radios,
        label="Who was the contact with?",
        error_messages={"required": "Select who the contact was with."},
    )
    channel = radios(ContactChannel.choices, "How?", "Select how the contact was made.")
    direction = radios(
        ContactDirection.choices,
        "Who made contact?",
        "Select who made contact.",
        initial=ContactDirection.OUTBOUND,
    )
    summary = text_box("What was said or agreed?", "Enter what was said or agreed.")


class MessageForm(forms.Form):
    body = text_box(
        "Your message",
        "Enter your message.",
        rows=4,
        help_text=(
            "The other side is told there is a message; its words are shown only here, "
            "never in a notification or email."
        ),
    )


class DisclosureDocumentForm(forms.Form):
    case_document = forms.ChoiceField(
        widget=Radios,
        label="Which document of the case?",
        error_messages={"required": "Select a document to share."},
    )

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = {str(d.id): d for d in documents}
        self.fields["case_document"].choices = [(str(d.id), d.title) for d in documents]
