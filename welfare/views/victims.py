"""Pages for the Victims' Code: the officer's list of updates owed, logging the
contact that meets a duty (the second click), and a victim's care on a case."""

from datetime import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from agencies import access
from agencies.audit import access_list_record
from cases.forms import Radios
from cases.forms.fields import Checkboxes, TimeField, UKDateField
from cases.forms.records import (
    contact_channel_field,
    contact_direction_field,
    contact_summary_field,
)
from cases.models import ContactChannel, ContactDirection
from common.dates import day_text
from common.errors import InvalidState, ValidationError
from common.keyset import keyset_page_for_request
from common.pages import capability_required, form_errors_from
from welfare.check_lateness import WELFARE_CHECK_DUTIES
from welfare.filters import DUE_FILTERS, WHOSE_FILTERS
from welfare.models import (
    CONTACT_DUTIES,
    VICTIM_DUTIES,
    DutyKind,
    EnhancedReason,
    ServiceLevel,
)
from welfare.selectors import duties as duty_selectors
from welfare.selectors import victims as victim_selectors
from welfare.services import victim_care as care_services
from welfare.services.duty_meet import duty_meet_by_contact
from welfare.services.victim_updates import told_about_text, victim_updates_meet
from welfare.views.fields import text_field

_DUE_TABS = (("today", "Today"), ("overdue", "Overdue"), ("week", "This week"))
_WHOSE_TABS = (("mine", "Mine"), ("team", "My team's"))


# One keyset page of the list, in the order duties fall due (`DUTY_ORDER`): the
# overdue, due earliest, lead the first page, and nothing counts the list.
VICTIM_UPDATES_PER_PAGE = 50


@capability_required("welfare.duty.view")
@require_GET
def victim_updates(request):
    due = request.GET.get("due") or "today"
    whose = request.GET.get("whose") or duty_selectors.whose_default_get(request.user)
    if due not in DUE_FILTERS:
        due = "today"
    if whose not in WHOSE_FILTERS:
        whose = "mine"
    now = timezone.now()
    try:
        found = duty_selectors.victim_update_list(
            actor=request.user, filters={"due": due, "whose": whose}, now=now
        )
    except ValidationError:
        # `whose=agency` is a supervisor's: anyone else reads their own list.
        whose = "mine"
        found = duty_selectors.victim_update_list(
            actor=request.user, filters={"due": due, "whose": whose}, now=now
        )
    page = keyset_page_for_request(request, found, page_size=VICTIM_UPDATES_PER_PAGE)
    access_list_record(actor=request.user, records=page.object_list)
    duties = duty_selectors.duty_deadlines_annotate(page.object_list, now=now)
    return render(
        request,
        "welfare/victims/victim_updates.html",
        {
            "duties": duties,
            "page": page,
            # Due earliest first: when the page ends on an overdue duty, the next
            # page may hold more, and the page says so rather than hide them.
            "more_overdue_next": page.has_next and bool(duties) and duties[-1].overdue,
            "due": due,
            "whose": whose,
            "due_tabs": _DUE_TABS,
            "whose_tabs": _WHOSE_TABS,
            "contact_kinds": CONTACT_DUTIES,
            "back": request.get_full_path(),
        },
    )


class DutyContactForm(forms.Form):
    channel = contact_channel_field(initial=ContactChannel.PHONE)
    summary = contact_summary_field(label="What were they told?")
    contacted_on = UKDateField(
        label="Date of the contact",
        error_messages={"required": "Enter the date of the contact."},
    )
    contacted_time = TimeField(
        label="Time of the contact",
        error_messages={"required": "Enter the time of the contact."},
    )
    direction = contact_direction_field()

    def contacted_at(self) -> datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.combine(data["contacted_on"], data["contacted_time"]))


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# The hidden field that says the updates were offered, so that none ticked means none.
DUTIES_SHOWN = "duties_shown"


class VictimUpdatesContactForm(DutyContactForm):
    """The contact with a victim: every update owed to them now is offered, all
    ticked; the contact meets those left ticked."""

    duties = forms.MultipleChoiceField(
        required=False,
        widget=Checkboxes,
        label="What did this contact tell them about?",
        help_text="Every update owed to them now. Untick any this contact did not cover.",
    )

    def __init__(self, *args, owed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duties"].choices = [
            (str(duty.pk), f"{duty.reason} (due {day_text(duty.due_at)})") for duty in owed
        ]
        self.fields["duties"].error_messages["invalid_choice"] = (
            "%(value)s is not one of the updates owed to this person."
        )
        if not self.is_bound:
            self.initial["duties"] = [str(duty.pk) for duty in owed]

    def duty_ids(self, duty) -> list[str]:
        # A form sent without the list (an older page, a bookmark) meets the duty of
        # the page: unticking every box is not the same as never having seen them.
        if DUTIES_SHOWN not in self.data:
            return [str(duty.pk)]
        return list(self.cleaned_data["duties"])


def _contact_form_errors(form, error: ValidationError) -> None:
    if "contacted_at" in error.message_dict:
        for message in error.message_dict.pop("contacted_at"):
            form.add_error("contacted_on", message)
    if error.message_dict:
        form_errors_from(form, error)


@capability_required("welfare.duty.meet")
@require_http_methods(["GET", "POST"])
def duty_log_contact(request, duty_id):
    duty = duty_selectors.duty_get_for_actor(
        actor=request.user, duty_id=duty_id, action="welfare.duty.meet"
    )
    if request.method == "GET" and duty.kind in WELFARE_CHECK_DUTIES:
        # A welfare check has its own questions, never this victim-update form (a
        # POST here is refused by the service, naming that form).
        return redirect(reverse("duty-welfare-check", args=[duty.pk]))
    back = _safe_next(request, reverse("victim-updates"))
    local_now = timezone.localtime()
    initial = {"contacted_on": local_now.date(), "contacted_time": local_now.strftime("%H:%M")}
    care = getattr(duty.party, "victim_care", None) if duty.kind in VICTIM_DUTIES else None
    many = duty.kind == DutyKind.VICTIM_UPDATE and duty.is_open
    owed = (
        victim_selectors.victim_updates_owed_list(actor=request.user, party=duty.party)
        if many
        else []
    )
    form: DutyContactForm = (
        VictimUpdatesContactForm(request.POST or None, owed=owed, initial=initial)
        if many
        else DutyContactForm(request.POST or None, initial=initial)
    )
    if request.method == "POST" and form.is_valid():
        try:
            if isinstance(form, VictimUpdatesContactForm):
                _, met = victim_updates_meet(
                    actor=request.user,
                    party=duty.party,
                    duty_ids=form.duty_ids(duty),
                    channel=form.cleaned_data["channel"],
                    summary=form.cleaned_data["summary"],
                    contacted_at=form.contacted_at(),
                    direction=form.cleaned_data["direction"] or ContactDirection.OUTBOUND,
                )
                done = (
                    f"Contact logged with {duty.party.person.full_name}: "
                    f"{len(met)} update{'' if len(met) == 1 else 's'} met. "
                    f"Told about: {told_about_text(met)}."
                )
            else:
                duty_meet_by_contact(
                    actor=request.user,
                    duty=duty,
                    channel=form.cleaned_data["channel"],
                    summary=form.cleaned_data["summary"],
                    contacted_at=form.contacted_at(),
                    direction=form.cleaned_data["direction"] or ContactDirection.OUTBOUND,
                )
                done = (
                    f"Contact logged with {duty.party.person.full_name}: "
                    f"{duty.get_kind_display().lower()} met."
                )
        except ValidationError as error:
            _contact_form_errors(form, error)
        except InvalidState as error:
            messages.error(request, error.message)
            return redirect(back)
        else:
            messages.success(request, done)
            return redirect(back)
    told = (
        victim_selectors.contact_told_about_map(
            actor=request.user, contact_ids=[duty.contact_id]
        ).get(duty.contact_id, [])
        if duty.contact_id
        else []
    )
    return render(
        request,
        "welfare/duties/log_contact.html",
        {
            "duty": duty,
            "care": care,
            "form": form,
            "back": back,
            "is_open": duty.is_open,
            "is_contact_duty": duty.kind in CONTACT_DUTIES,
            "offers_updates": many,
            "duties_shown": DUTIES_SHOWN,
            "told_about": told_about_text(told),
        },
    )


# --- A victim's care on a case


class ServiceLevelForm(forms.Form):
    service_level = forms.ChoiceField(
        choices=ServiceLevel.choices, widget=Radios, label="Service level"
    )
    enhanced_reason = forms.ChoiceField(
        required=False,
        choices=[("", "Not enhanced"), *EnhancedReason.choices],
        label="Why the enhanced service applies",
    )
    reason = text_field("Reason for the change", max_length=100)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PointOfContactForm(forms.Form):
    point_of_contact = forms.ChoiceField(label="New named point of contact")
    reason = text_field("Reason for the change", max_length=100)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(user.pk): user for user in candidates}
        self.fields["point_of_contact"].choices = [("", "Choose someone")] + [
            (str(user.pk), user.get_full_name() or user.get_username()) for user in candidates
        ]


class PreferencesForm(forms.Form):
    wants_updates = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No, they asked not to be updated")],
        widget=Radios,
        label="Does the victim want to be updated?",
    )
    opt_out_note = text_field("What the victim said (if they asked not to be updated)", rows=3)
    spoken_for_by = text_field(
        "Who speaks for the victim (optional)",
        max_length=200,
        help_text="For a child: the parent or carer, for example Mother, Jane Smith.",
    )
    regular_update_working_days = forms.IntegerField(
        required=False,
        label="Regular update every how many working days (optional)",
        help_text="From 1 to 60. Leave empty for no regular update.",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


@capability_required("welfare.victim_care.view")
@require_http_methods(["GET", "POST"])
def victim_care(request, case_id, party_id):
    case = victim_selectors.victim_care_case_get(actor=request.user, case_id=case_id)
    party = victim_selectors.victim_party_get(actor=request.user, case=case, party_id=party_id)
    care = care_services.victim_care_ensure(actor=request.user, party=party)
    may_change = access.can(request.user, "welfare.victim_care.change", case)
    candidates = care_services.point_of_contact_candidate_list(case) if may_change else []
    which = request.POST.get("form") if request.method == "POST" else None
    level_form = ServiceLevelForm(
        request.POST if which == "level" else None,
        initial={
            "service_level": care.service_level,
            "enhanced_reason": care.enhanced_reason,
            "version": care.version,
        },
    )
    contact_form = PointOfContactForm(
        request.POST if which == "contact" else None,
        candidates=candidates,
        initial={"version": care.version},
    )
    preferences_form = PreferencesForm(
        request.POST if which == "preferences" else None,
        initial={
            "wants_updates": "yes" if care.wants_updates else "no",
            "opt_out_note": care.opt_out_note,
            "spoken_for_by": care.spoken_for_by,
            "regular_update_working_days": care.regular_update_working_days,
            "version": care.version,
        },
    )
    bound = {"level": level_form, "contact": contact_form, "preferences": preferences_form}.get(
        which
    )
    if bound is not None and may_change and bound.is_valid():
        data = bound.cleaned_data
        common = {"actor": request.user, "care": care, "expected_version": data["version"]}
        try:
            if which == "level":
                care_services.victim_service_level_change(
                    **common,
                    service_level=data["service_level"],
                    enhanced_reason=data["enhanced_reason"],
                    reason=data["reason"],
                )
                done = "Service level changed."
            elif which == "contact":
                care_services.victim_point_of_contact_change(
                    **common,
                    point_of_contact=bound.candidates.get(data["point_of_contact"]),
                    reason=data["reason"],
                )
                done = "Named point of contact changed. An update is owed to tell the victim."
            else:
                care_services.victim_preferences_set(
                    **common,
                    wants_updates=data["wants_updates"] == "yes",
                    opt_out_note=data["opt_out_note"],
                    spoken_for_by=data["spoken_for_by"],
                    regular_update_working_days=data["regular_update_working_days"],
                )
                done = "The victim's preferences are recorded."
        except ValidationError as error:
            form_errors_from(bound, error)
        else:
            messages.success(request, done)
            return redirect(reverse("victim-care", args=[case.id, party.id]))
    now = timezone.now()
    duties = duty_selectors.duty_deadlines_annotate(
        victim_selectors.victim_duty_list(actor=request.user, case=case).filter(party=party),
        now=now,
    )
    return render(
        request,
        "welfare/victims/victim_care.html",
        {
            "case": case,
            "party": party,
            "care": care,
            "may_change": may_change,
            "level_form": level_form,
            "contact_form": contact_form,
            "preferences_form": preferences_form,
            "duties": duties,
            "any_errors": bound is not None and bool(bound.errors),
            "bound": bound,
            "contact_kinds": CONTACT_DUTIES,
            "back": request.get_full_path(),
        },
    )


urlpatterns = [
    path("victim-updates/", victim_updates, name="victim-updates"),
    path("duties/<uuid:duty_id>/log-contact/", duty_log_contact, name="duty-log-contact"),
    path("cases/<uuid:case_id>/victims/<uuid:party_id>/care/", victim_care, name="victim-care"),
]
