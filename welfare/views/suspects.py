"""Pages for suspect welfare: record a screening, a safety plan, an incident. The
case page's "Suspect welfare" panel (`welfare.case_panels.suspects`) shows them.
The 48-hour check and every welfare check have their own page
(`welfare.views.welfare_checks`)."""

from datetime import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases import selectors as case_selectors
from cases.case_tabs import case_section_url
from cases.forms import TimeField, UKDateField
from cases.models import PartyRole
from common.errors import InvalidState, ValidationError
from common.glossary import term_explanation
from common.pages import capability_required, form_errors_from, form_save
from welfare.models import (
    Answer,
    IncidentKind,
    IncidentStage,
    SafetyPlanSupport,
    SafetyPlanTold,
    ScreeningResult,
)
from welfare.selectors import suspects as selectors
from welfare.services import suspect_incidents as incident_services
from welfare.services import suspect_screenings as screening_services
from welfare.views.fields import checkboxes_field, radio_field, text_field

RECORD = "welfare.suspect.record"
GET_AND_POST = require_http_methods(["GET", "POST"])


class _SuspectForm(forms.Form):
    suspect = radio_field("Which suspect?", choices=[])

    def __init__(self, *args, suspects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suspect"].choices = [(str(p.pk), p.person.full_name) for p in suspects]
        self.suspects = {str(p.pk): p for p in suspects}

    def chosen_suspect(self):
        return self.suspects.get(self.cleaned_data.get("suspect") or "")

    def moment(self, day_field: str, time_field: str) -> datetime | None:
        day, at = self.cleaned_data.get(day_field), self.cleaned_data.get(time_field)
        if day is None or at is None:
            return None
        return timezone.make_aware(datetime.combine(day, at))

    def service_fields(self, **moments: tuple[str, str]) -> dict:
        """The service's arguments: the form's answers, the suspect chosen by its id, and
        each day and time named in `moments` given as one moment under the moment's name."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "suspect"}
        for name, (day_field, time_field) in moments.items():
            del data[day_field], data[time_field]
            data[name] = self.moment(day_field, time_field)
        return {**data, "suspect": self.chosen_suspect()}


class ScreeningForm(_SuspectForm):
    screened_on = UKDateField(required=False, label="Date of the screening")
    screened_time = TimeField(required=False, label="Time of the screening")
    thoughts_of_suicide = radio_field(
        "Have they had thoughts of suicide or self-harm?", choices=Answer.choices
    )
    previous_attempts = radio_field(
        "Have they tried to take their own life before?", choices=Answer.choices
    )
    mental_health_concerns = radio_field(
        "Are there concerns about their mental health?", choices=Answer.choices
    )
    support_around_them = radio_field("Do they have support around them?", choices=Answer.choices)
    impact_on_job_and_family = text_field(
        "The impact of the allegation on their job and family (optional)", rows=3
    )
    result = radio_field(
        "Result",
        choices=ScreeningResult.choices,
        help_text="At risk or unknown raises the suicide-risk flag: unknown is never safe.",
    )
    notes = text_field("Notes (optional)", rows=3)


class SafetyPlanForm(_SuspectForm):
    told = checkboxes_field("Who was told?", choices=SafetyPlanTold.choices)
    next_of_kin_consent = radio_field(
        "Did they consent to their next of kin being told?",
        choices=[("yes", "Yes"), ("no", "No")],
        help_text="Next of kin may be told only with consent.",
    )

    support_offered = checkboxes_field(
        "What support was offered?", choices=SafetyPlanSupport.choices
    )
    safe_release_arrangements = text_field(
        "Safe-release arrangements", help_text="How they get home, and who is with them.", rows=3
    )
    notes = text_field("Notes (optional)", rows=3)

    def service_fields(self, **moments: tuple[str, str]) -> dict:
        """As for any suspect form, with the consent to tell the next of kin as yes, no
        or not answered."""
        fields = super().service_fields(**moments)
        fields["next_of_kin_consent"] = {"yes": True, "no": False}.get(
            fields["next_of_kin_consent"]
        )
        return fields


class IncidentForm(_SuspectForm):
    kind = radio_field("What happened?", choices=IncidentKind.choices)
    stage = radio_field("At what stage of the investigation?", choices=IncidentStage.choices)
    stage.item_hints = {  # type: ignore[attr-defined]  # read by the govuk_radios tag
        IncidentStage.UNDER_INVESTIGATION.value: term_explanation("released_under_investigation")
    }
    occurred_on = UKDateField(required=False, label="Date it happened")
    occurred_time = TimeField(required=False, label="Time it happened")
    serious_harm = forms.BooleanField(required=False, label="It caused serious harm")
    description = text_field("What happened", rows=4)
    iopc_reference = text_field(
        "IOPC reference (optional)",
        max_length=60,
        help_text="If the referral to the Independent Office for Police Conduct is made.",
    )
    iopc_referred_on = UKDateField(required=False, label="Date of the IOPC referral (optional)")


def _record_page(form_class, service, *, template: str, done: str, **moments: tuple[str, str]):
    """The page that records one of a case's suspect welfare records with `service`;
    `moments` names the service's moments and the day and time fields that give each."""

    @capability_required(RECORD)
    @GET_AND_POST
    def page(request, case_id):
        case = case_selectors.case_get_for_actor(
            actor=request.user, case_id=case_id, action=RECORD, log=False
        )
        suspects = list(
            case_selectors.party_list(actor=request.user, case=case).filter(role=PartyRole.SUSPECT)
        )
        now = timezone.localtime()
        initial = {
            "screened_on": now.date(),
            "screened_time": now.strftime("%H:%M"),
            "occurred_on": now.date(),
            "occurred_time": now.strftime("%H:%M"),
        }
        if len(suspects) == 1:
            initial["suspect"] = str(suspects[0].pk)
        form = form_class(request.POST or None, suspects=suspects, initial=initial)
        if request.method == "POST" and suspects and form.is_valid():
            try:
                service(actor=request.user, case=case, **form.service_fields(**moments))
            except ValidationError as error:
                field_names = {name: day_field for name, (day_field, _) in moments.items()}
                form_errors_from(
                    form,
                    ValidationError(
                        {field_names.get(f, f): m for f, m in error.message_dict.items()}
                    ),
                )
            except InvalidState as conflict:
                form.add_error(None, conflict.message)
            else:
                messages.success(request, done)
                return redirect(case_section_url(case.id, "suspect-welfare"))
        context = {
            "case": case,
            "form": form,
            "suspects": suspects,
            "case_url": reverse("case-detail", args=[case.id]),
        }
        return render(request, template, context)

    return page


screening_create = _record_page(
    ScreeningForm,
    screening_services.welfare_screening_record,
    template="welfare/suspects/screening_form.html",
    done="Welfare screening recorded.",
    screened_at=("screened_on", "screened_time"),
)
safety_plan_create = _record_page(
    SafetyPlanForm,
    screening_services.safety_plan_record,
    template="welfare/suspects/safety_plan_form.html",
    done="Safety plan recorded.",
)
incident_create = _record_page(
    IncidentForm,
    incident_services.welfare_incident_record,
    template="welfare/suspects/incident_form.html",
    done="Incident recorded.",
    occurred_at=("occurred_on", "occurred_time"),
)


class IopcReferralForm(forms.Form):
    """The referral to the Independent Office for Police Conduct that an incident
    called for: its reference and the date it was made."""

    iopc_reference = text_field(
        "IOPC reference",
        max_length=60,
        error_messages={"max_length": "The IOPC reference must be 60 characters or fewer."},
    )
    iopc_referred_on = UKDateField(required=False, label="Date of the referral")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


@capability_required(RECORD)
@GET_AND_POST
def iopc_referral_record(request, incident_id):
    incident = selectors.incident_get_for_actor(actor=request.user, incident_id=incident_id)
    case = incident.case
    form = IopcReferralForm(
        request.POST or None,
        initial={
            "iopc_reference": incident.iopc_reference,
            "iopc_referred_on": incident.iopc_referred_on,
            "version": incident.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form_save(
            form,
            incident_services.iopc_referral_record,
            actor=request.user,
            incident=incident,
            expected_version=data["version"] or 0,
            iopc_reference=data["iopc_reference"],
            iopc_referred_on=data["iopc_referred_on"],
        ):
            messages.success(request, "IOPC referral recorded.")
            return redirect(case_section_url(case.id, "suspect-welfare"))
    context = {
        "case": case,
        "incident": incident,
        "form": form,
        "case_url": reverse("case-detail", args=[case.id]),
    }
    return render(request, "welfare/suspects/iopc_referral_form.html", context)


urlpatterns = [
    path(
        "cases/<uuid:case_id>/suspect-welfare/screening/new/",
        screening_create,
        name="suspect-welfare-screening-create",
    ),
    path(
        "cases/<uuid:case_id>/suspect-welfare/safety-plan/new/",
        safety_plan_create,
        name="suspect-welfare-safety-plan-create",
    ),
    path(
        "cases/<uuid:case_id>/suspect-welfare/incident/new/",
        incident_create,
        name="suspect-welfare-incident-create",
    ),
    path(
        "welfare-incidents/<uuid:incident_id>/iopc-referral/",
        iopc_referral_record,
        name="suspect-welfare-iopc-referral",
    ),
]
