"""Pages for staff exposure: a reviewer's own week at a glance with the form to log
a session (a session that breaks a rule is shown back with a warning to confirm),
and a supervisor's team view with the form to record a debrief or welfare review."""

from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agencies.audit import access_list_record
from cases.forms import UKDateField
from cases.forms.fields import TimeField
from common.dates import day_text
from common.errors import NotFound, PreconditionFailed, PreconditionRequired, ValidationError
from common.pages import capability_required, form_errors_from, form_save
from welfare.models import ReviewKind, WelfareMeetingKind
from welfare.selectors import staff_exposure as exposure_selectors
from welfare.selectors import staff_summaries as summary_selectors
from welfare.services import exposure_rules as rules_services
from welfare.services import staff_sessions as session_services
from welfare.services import staff_welfare as welfare_services
from welfare.views.fields import radio_field, text_field


def _week_from(request):
    """`?week=YYYY-MM-DD` (any day of the week), else this week."""
    raw = request.GET.get("week", "")
    try:
        return datetime.strptime(raw, "%Y-%m-%d").date() if raw else None
    except ValueError:
        return None


def _week_links(week_start) -> dict:
    return {
        "previous_week": (week_start - timedelta(days=7)).isoformat(),
        "next_week": (week_start + timedelta(days=7)).isoformat(),
    }


# --- My week


class SessionForm(forms.Form):
    """Parses what was typed; the service decides what is valid."""

    started_on = UKDateField(required=False, label="Date the session started")
    starts_at = TimeField(required=False, label="Start time")
    ends_at = TimeField(
        required=False,
        label="End time",
        help_text="24-hour clock, for example 14:30. For a session past midnight, "
        "give the date it ended below.",
    )
    ended_on = UKDateField(
        required=False,
        label="Date the session ended (if not the same day)",
        help_text="Leave blank if it ended on the day it started.",
    )
    review_kind = radio_field(
        "What kind of review was it?",
        choices=ReviewKind.choices,
        invalid="Choose what kind of review it was.",
    )
    private_note = text_field(
        "Private note (optional)",
        help_text="Only you can read this. Your supervisor never sees it.",
        rows=3,
    )
    confirm_breach = forms.BooleanField(
        required=False,
        label="I understand. Record this session with the breach marked.",
    )

    def moments(self):
        data = self.cleaned_data
        started_on, ended_on = data.get("started_on"), data.get("ended_on")
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        started = ended = None
        if started_on and starts_at:
            started = timezone.make_aware(datetime.combine(started_on, starts_at))
        if (ended_on or started_on) and ends_at:
            ended = timezone.make_aware(datetime.combine(ended_on or started_on, ends_at))
        return started, ended


# The service names the moments; the form asks for a date and a time.
_SESSION_FIELD_FOR = {"started_at": "starts_at", "ended_at": "ends_at"}


@capability_required("staff.exposure.log")
@require_http_methods(["GET", "POST"])
def exposure_mine(request):
    form = SessionForm(request.POST or None)
    breach_warning = False
    if request.method == "POST" and form.is_valid():
        started_at, ended_at = form.moments()
        data = form.cleaned_data
        try:
            session_services.exposure_session_log(
                actor=request.user,
                started_at=started_at,
                ended_at=ended_at,
                review_kind=data["review_kind"],
                private_note=data["private_note"],
                confirm_breach=data["confirm_breach"],
            )
        except ValidationError as error:
            renamed = {
                _SESSION_FIELD_FOR.get(name, name): messages_
                for name, messages_ in error.message_dict.items()
            }
            breach_warning = set(renamed) == {"confirm_breach"}
            form_errors_from(form, ValidationError(renamed))
        else:
            messages.success(
                request,
                "Review session logged"
                + (" with the breach marked." if data["confirm_breach"] else "."),
            )
            return redirect("staff-exposure")
    summary = summary_selectors.exposure_summary_get(actor=request.user, week=_week_from(request))
    recent = list(exposure_selectors.exposure_session_list(actor=request.user)[:10])
    access_list_record(actor=request.user, records=recent)
    shift = exposure_selectors.staff_shift_get(actor=request.user)
    return render(
        request,
        "welfare/staff/mine.html",
        {
            "form": form,
            "summary": summary,
            "recent": recent,
            "shift": shift,
            "breach_warning": breach_warning,
            **_week_links(summary.week_start),
        },
    )


# --- My team


class MeetingForm(forms.Form):
    member = forms.ChoiceField(
        required=False,
        label="Who was it with?",
        error_messages={"invalid_choice": "Choose someone in your team."},
    )
    kind = radio_field(
        "What took place?",
        choices=WelfareMeetingKind.choices,
        help_text="Only the date is recorded: what was said stays with occupational health.",
        invalid="Choose a debrief or a welfare review.",
    )
    held_on = UKDateField(required=False, label="Date it took place")

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "Choose a member of your team")] + [
            (str(m.pk), m.full_name) for m in members
        ]


@capability_required("staff.exposure.team")
@require_http_methods(["GET", "POST"])
def exposure_team(request):
    week = _week_from(request)
    summaries = summary_selectors.team_exposure_summary_list(actor=request.user, week=week)
    members = [summary.member for summary in summaries]
    form = MeetingForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if not data["member"]:
                raise ValidationError({"member": ["Choose a member of your team."]})
            member = exposure_selectors.team_member_get(
                actor=request.user, member_id=data["member"]
            )
            meeting = welfare_services.welfare_meeting_record(
                actor=request.user, user=member.user, kind=data["kind"], held_on=data["held_on"]
            )
        except NotFound:
            form.add_error("member", "Choose a member of your team.")
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                f"{meeting.get_kind_display()} for {member.full_name} recorded "
                f"on {day_text(meeting.held_on)}.",
            )
            return redirect("staff-exposure-team")
    week_start = (
        summaries[0].week_start
        if summaries
        else summary_selectors.week_start_get(week or timezone.localdate())
    )
    return render(
        request,
        "welfare/staff/team.html",
        {
            "form": form,
            "summaries": summaries,
            "week_start": week_start,
            "week_days": [week_start + timedelta(days=i) for i in range(7)],
            **_week_links(week_start),
        },
    )


# --- My shift


class ShiftForm(forms.Form):
    starts_at = TimeField(required=False, label="Your shift starts at")
    ends_at = TimeField(
        required=False,
        label="Your shift ends at",
        help_text="24-hour clock, for example 16:00. For a shift that runs past midnight, "
        "give a time before the start.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


@capability_required("staff.exposure.log")
@require_http_methods(["GET", "POST"])
def staff_shift_change(request):
    shift = exposure_selectors.staff_shift_get(actor=request.user)
    form = ShiftForm(
        request.POST or None,
        initial={"starts_at": shift.starts_at, "ends_at": shift.ends_at, "version": shift.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form_save(
            form,
            welfare_services.staff_shift_set,
            actor=request.user,
            user=request.user,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            expected_version=data["version"] or 0,
        ):
            messages.success(request, "Your shift times are saved.")
            return redirect("staff-exposure")
    rules = exposure_selectors.exposure_rules_get_own(actor=request.user)
    return render(
        request,
        "welfare/staff/shift.html",
        {"form": form, "final_minutes": rules.no_review_final_minutes},
    )


# --- The agency's rules (agency admins)


def _rule_input(name: str, *, label: str, default_words: str) -> forms.IntegerField:
    lowest, highest, called, unit, _missing = rules_services.EXPOSURE_RULE_BOUNDS[name]
    return forms.IntegerField(
        required=False,
        label=label,
        help_text=f"Between {lowest} and {highest} {unit}. The default is {default_words}.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"invalid": f"{called} must be a whole number of {unit}."},
    )


class RulesForm(forms.Form):
    """Parses what was typed; the service decides what is valid."""

    max_review_minutes_per_day = _rule_input(
        "max_review_minutes_per_day",
        label="Most minutes of review in a day",
        default_words="240 minutes (4 hours)",
    )
    no_review_final_minutes = _rule_input(
        "no_review_final_minutes",
        label="Minutes at the end of a shift with no review",
        default_words="60 minutes (the final hour). 0 turns this rule off",
    )
    debrief_every_months = _rule_input(
        "debrief_every_months",
        label="Months between debriefs",
        default_words="1 month",
    )
    welfare_review_every_months = _rule_input(
        "welfare_review_every_months",
        label="Months between welfare reviews",
        default_words="6 months",
    )
    reason = text_field(
        "Why are you changing the rules?",
        help_text="This is kept in the history of the rules.",
        rows=3,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


_RULE_NAMES = tuple(rules_services.EXPOSURE_RULE_BOUNDS)


@capability_required("staff.rules.manage")
@require_http_methods(["GET", "POST"])
def exposure_rules_change(request):
    rules = exposure_selectors.exposure_rules_get(actor=request.user)
    form = RulesForm(
        request.POST or None,
        initial={
            **{name: getattr(rules, name) for name in _RULE_NAMES},
            "version": rules.version,
        },
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                rules_services.exposure_rules_update(
                    actor=request.user,
                    expected_version=data["version"],
                    reason=data["reason"],
                    **{name: data[name] for name in _RULE_NAMES},
                )
            except ValidationError as error:
                form_errors_from(form, error)
            except PreconditionFailed as stale:
                form.add_error(None, stale.message)
            except PreconditionRequired:
                form.add_error(None, "Reload the page and make your change again.")
            else:
                messages.success(
                    request,
                    "The rules are saved. They apply to review sessions logged from now on.",
                )
                return redirect("staff-exposure-rules")
        else:
            # Name every bad field at once: the service's checks for what did parse.
            parsed = {
                name: form.cleaned_data.get(name) for name in _RULE_NAMES if name not in form.errors
            }
            for name, problems in rules_services.exposure_rule_errors(parsed).items():
                if name in parsed:
                    form.add_error(name, problems)
            if not (form.cleaned_data.get("reason") or "").strip():
                form.add_error("reason", "Enter why you are changing the rules.")
    return render(request, "welfare/staff/rules.html", {"form": form, "rules": rules})


urlpatterns = [
    path("staff-welfare/", exposure_mine, name="staff-exposure"),
    path("staff-welfare/shift/", staff_shift_change, name="staff-shift-change"),
    path("staff-welfare/team/", exposure_team, name="staff-exposure-team"),
    path("staff-welfare/rules/", exposure_rules_change, name="staff-exposure-rules"),
]
