"""Pages for suspects' families: the family support page of a case (each suspect's
family, packs and duties, and the form to record a family pack), and the page that
closes a referral duty by a referral, a refusal or a reason."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases import selectors as case_selectors
from cases.forms import UKDateField
from common.errors import InvalidState, ValidationError
from common.pages import capability_required, form_errors_from
from welfare.models import DutyKind, DutyStatus
from welfare.selectors import family as family_selectors
from welfare.services.duty_referral import DECLINABLE_DUTIES, duty_meet_by_referral
from welfare.services.family import family_pack_record
from welfare.views.fields import radio_field, text_field

YES_NO = [("yes", "Yes"), ("no", "No")]
TAKE_UP = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known yet")]
_AS_BOOL = {"yes": True, "no": False}


class FamilyPackForm(forms.Form):
    """Parses what was typed; the service decides what is valid and its messages
    come back onto these fields."""

    suspect = radio_field(
        "Whose family was the pack for?", invalid="Choose a suspect in this case."
    )
    given = radio_field(
        "Was the family pack given?",
        choices=YES_NO,
        invalid="Say whether the family pack was given.",
    )
    given_on = UKDateField(required=False, label="Date it was given")
    given_to = text_field(
        "Who in the family received it (optional)",
        max_length=200,
        help_text="For example, the suspect's partner.",
    )
    pack_version = text_field("Version of the pack (optional)", max_length=40)
    accepted = radio_field(
        "Did the family take up the support it offers?",
        choices=TAKE_UP,
        invalid="Choose yes, no or not known yet.",
    )
    not_given_reason = text_field("If it was not given, why not", rows=3)

    def __init__(self, *args, suspects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suspect"].choices = [(str(p.pk), p.person.full_name) for p in suspects]


def _pack_arguments(data: dict, suspects) -> dict:
    """What the service needs. Fields for the other answer are set aside: without
    JavaScript every field shows, and what was typed into the hidden half is not
    part of the answer."""
    given = _AS_BOOL.get(data["given"])
    arguments = {
        "suspect": next((p for p in suspects if str(p.pk) == data["suspect"]), None),
        "given": given,
    }
    if given:
        arguments.update(
            given_on=data["given_on"],
            given_to=data["given_to"],
            pack_version=data["pack_version"],
            accepted=_AS_BOOL.get(data["accepted"]),
        )
    elif given is False:
        arguments["not_given_reason"] = data["not_given_reason"]
    return arguments


@capability_required("welfare.family.view")
@require_http_methods(["GET", "POST"])
def family_support_page(request, case_id):
    action = "welfare.family.record" if request.method == "POST" else "welfare.family.view"
    case = case_selectors.case_get_for_actor(
        actor=request.user, case_id=case_id, action=action, log=False
    )
    support = family_selectors.family_support_get(actor=request.user, case=case)
    suspects = [family.suspect for family in support.suspects]
    form = FamilyPackForm(request.POST or None, suspects=suspects)
    if request.method == "POST" and form.is_valid():
        try:
            pack = family_pack_record(
                actor=request.user, case=case, **_pack_arguments(form.cleaned_data, suspects)
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            said = "given" if pack.given else "recorded as not given"
            messages.success(
                request, f"The family pack for {pack.suspect.person.full_name}'s family is {said}."
            )
            return redirect("family-support", case_id=case.id)
    context = {
        "case": case,
        "support": support,
        "form": form,
        "case_url": reverse("case-detail", args=[case.id]),
        "now": timezone.now(),
    }
    return render(request, "welfare/family/support.html", context)


RESOLUTIONS = [
    ("referral", "A referral of this case meets it"),
    ("declined", "The person declined support"),
    ("not_needed", "A referral is not needed"),
]


class DutyReferralForm(forms.Form):
    resolution = radio_field("How is this duty met?", invalid="Choose how this duty is met.")
    referral = radio_field("Which referral?", invalid="Choose a referral of this case.")
    declined_reason = text_field("What the person said when they declined", rows=3)
    not_needed_reason = text_field(
        "Why a referral is not needed",
        help_text="For example, the children are already known to children's services.",
        rows=3,
    )
    external_reference = text_field(
        "Their reference (optional)",
        max_length=100,
        help_text="For example, the children's services case number.",
    )

    def __init__(self, *args, duty, referrals=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = list(RESOLUTIONS)
        if duty.kind not in DECLINABLE_DUTIES:
            choices = [choice for choice in choices if choice[0] != "declined"]
        self.fields["resolution"].choices = choices
        self.fields["referral"].choices = [
            (
                str(r.pk),
                f"{r.get_purpose_display()} to {r.to_agency.name} ({r.get_state_display()})",
            )
            for r in referrals
        ]


def _after_duty(duty) -> str:
    if duty.kind == DutyKind.VICTIM_SUPPORT_REFERRAL:
        return reverse("case-detail", args=[duty.case_id])
    return reverse("family-support", args=[duty.case_id])


@capability_required("welfare.duty.meet")
@require_http_methods(["GET", "POST"])
def duty_referral_page(request, duty_id):
    duty = family_selectors.referral_duty_get_for_actor(actor=request.user, duty_id=duty_id)
    referrals = family_selectors.referral_eligible_list(actor=request.user, duty=duty)
    form = DutyReferralForm(request.POST or None, duty=duty, referrals=referrals)
    if request.method == "POST" and duty.status == DutyStatus.OPEN and form.is_valid():
        data = form.cleaned_data
        resolution = data["resolution"]
        arguments = {
            "referral": next((r for r in referrals if str(r.pk) == data["referral"]), None)
            if resolution == "referral"
            else None,
            "declined_reason": data["declined_reason"] if resolution == "declined" else "",
            "not_needed_reason": data["not_needed_reason"] if resolution == "not_needed" else "",
            "external_reference": data["external_reference"] if resolution == "not_needed" else "",
        }
        if not resolution:
            form.add_error("resolution", "Choose how this duty is met.")
        elif resolution == "referral" and arguments["referral"] is None:
            form.add_error("referral", "Choose the referral that meets this duty.")
        else:
            try:
                met = duty_meet_by_referral(actor=request.user, duty=duty, **arguments)
            except ValidationError as error:
                form_errors_from(form, error)
            except InvalidState as conflict:
                form.add_error(None, conflict.message)
            else:
                messages.success(request, f"Duty closed: {met.resolution_note}.")
                return redirect(_after_duty(met))
    context = {
        "duty": duty,
        "case": duty.case,
        "form": form,
        "referrals": referrals,
        "back_url": _after_duty(duty),
        "new_referral_url": reverse("referral-create-page", args=[duty.case_id]),
    }
    return render(request, "welfare/family/duty_referral.html", context)


urlpatterns = [
    path("cases/<uuid:case_id>/family-support/", family_support_page, name="family-support"),
    path("duties/<uuid:duty_id>/referral/", duty_referral_page, name="duty-referral"),
]
