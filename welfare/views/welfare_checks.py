"""The welfare check page: the questions of the check in hand (the 48-hour check,
its second attempt, a welfare contact) or, for a check escalated to a supervisor,
what was done. Nothing is pre-selected. A closed check shows its record, with
"made N hours late" when it was."""

from datetime import datetime

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.case_tabs import case_section_url
from cases.forms import TimeField, UKDateField
from cases.models import ContactChannel
from common.errors import InvalidState, ValidationError
from common.pages import capability_required, form_errors_from
from welfare.check_lateness import WELFARE_CHECK_DUTIES, duty_made_late_by_hours, late_text
from welfare.models import CheckOutcome, DutyKind, RiskNow
from welfare.selectors import duties as duty_selectors
from welfare.selectors import suspects as suspect_selectors
from welfare.services.welfare_checks import (
    ATTEMPT_OUTCOMES,
    SPOKEN_CHANNELS,
    welfare_check_record,
)
from welfare.views.fields import radio_field, text_field

MEET = "welfare.duty.meet"
# Spoken channels first: they alone meet the check.
_CHANNELS = [
    (value, label)
    for value, label in sorted(
        ContactChannel.choices, key=lambda choice: choice[0] not in SPOKEN_CHANNELS
    )
]


class WelfareCheckForm(forms.Form):
    outcome = radio_field(
        "What happened?",
        choices=[(o.value, o.label) for o in ATTEMPT_OUTCOMES],
        invalid="Choose spoke with them, could not reach them, or they declined to talk.",
    )
    channel = radio_field(
        "How?",
        choices=_CHANNELS,
        help_text="Only a phone call, a video call or a visit can meet the check.",
    )
    made_on = UKDateField(label="Date of the check", required=False)
    made_time = TimeField(label="Time of the check", required=False)
    risk_now = radio_field("Is their risk now lower, unchanged or higher?", choices=RiskNow.choices)
    what_was_said = text_field("What was said?", rows=4)
    support_offered = text_field("What support was offered again?", rows=3)
    notes = text_field("Anything else (optional)", rows=3)

    def made_at(self) -> datetime | None:
        day, at = self.cleaned_data.get("made_on"), self.cleaned_data.get("made_time")
        if day is None or at is None:
            return None
        return timezone.make_aware(datetime.combine(day, at))


class EscalationForm(forms.Form):
    action_taken = text_field(
        "What was done?",
        rows=5,
        help_text="For example a welfare visit by patrol: who went, when, and what they found.",
    )
    made_on = UKDateField(label="Date it was done", required=False)
    made_time = TimeField(label="Time it was done", required=False)

    made_at = WelfareCheckForm.made_at


def _check_get(request, duty_id):
    duty = duty_selectors.duty_get_for_actor(actor=request.user, duty_id=duty_id, action=MEET)
    if duty.kind not in WELFARE_CHECK_DUTIES:
        raise Http404
    return duty


@capability_required(MEET)
@require_http_methods(["GET", "POST"])
def duty_welfare_check(request, duty_id):
    duty = _check_get(request, duty_id)
    escalation = duty.kind == DutyKind.WELFARE_CHECK_ESCALATION
    form_class = EscalationForm if escalation else WelfareCheckForm
    form = form_class(request.POST or None)
    back = case_section_url(duty.case_id, "suspect-welfare")
    if request.method == "POST" and duty.is_open and form.is_valid():
        values = {
            name: value
            for name, value in form.cleaned_data.items()
            if name not in ("made_on", "made_time")
        }
        try:
            welfare_check_record(actor=request.user, duty=duty, made_at=form.made_at(), **values)
        except ValidationError as error:
            # `message_dict` is built anew on each read: take it once, then move the
            # moment's messages onto the date field the page shows.
            errors = dict(error.message_dict)
            for message in errors.pop("made_at", []):
                form.add_error("made_on", message)
            if errors:
                form_errors_from(form, ValidationError(errors))
        except InvalidState as error:
            messages.error(request, error.message)
            return redirect(back)
        else:
            messages.success(request, f"Welfare check recorded for {duty.case.reference}.")
            return redirect(back)
    attempts = suspect_selectors.welfare_check_attempt_list(actor=request.user, duty=duty)
    late = duty_made_late_by_hours(duty)
    return render(
        request,
        "welfare/suspects/welfare_check_form.html",
        {
            "duty": duty,
            "form": form,
            "escalation": escalation,
            "attempts": attempts,
            "late_text": late_text(late),
            "back": back,
            "outcomes": CheckOutcome,
        },
    )


urlpatterns = [
    path("duties/<uuid:duty_id>/welfare-check/", duty_welfare_check, name="duty-welfare-check"),
]
