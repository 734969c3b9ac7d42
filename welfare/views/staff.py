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

from cases.forms import Radios, UKDateField
from cases.forms.fields import TimeField
from common.errors import NotFound, ValidationError
from common.pages import capability_required, form_errors_from
from welfare.models import ReviewKind, WelfareMeetingKind
from welfare.selectors import staff as staff_selectors
from welfare.services import staff as staff_services


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
    review_kind = forms.ChoiceField(
        required=False,
        widget=Radios,
        choices=ReviewKind.choices,
        label="What kind of review was it?",
        error_messages={"invalid_choice": "Choose what kind of review it was."},
    )
    private_note = forms.CharField(
        required=False,
        label="Private note (optional)",
        help_text="Only you can read this. Your supervisor never sees it.",
        widget=forms.Textarea(attrs={"rows": 3}),
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
            staff_services.exposure_session_log(
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
    summary = staff_selectors.exposure_summary(actor=request.user, week=_week_from(request))
    recent = staff_selectors.exposure_session_list(actor=request.user)[:10]
    shift = staff_selectors.staff_shift_get(actor=request.user)
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
    kind = forms.ChoiceField(
        required=False,
        widget=Radios,
        choices=WelfareMeetingKind.choices,
        label="What took place?",
        help_text="Only the date is recorded: what was said stays with occupational health.",
        error_messages={"invalid_choice": "Choose a debrief or a welfare review."},
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
    summaries = staff_selectors.team_exposure_summary(actor=request.user, week=week)
    members = [summary.member for summary in summaries]
    form = MeetingForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if not data["member"]:
                raise ValidationError({"member": ["Choose a member of your team."]})
            member = staff_selectors.team_member_get(actor=request.user, member_id=data["member"])
            meeting = staff_services.welfare_meeting_record(
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
                f"on {meeting.held_on.day} {meeting.held_on:%B %Y}.",
            )
            return redirect("staff-exposure-team")
    week_start = (
        summaries[0].week_start
        if summaries
        else staff_selectors.week_start_of(week or timezone.localdate())
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


urlpatterns = [
    path("staff-welfare/", exposure_mine, name="staff-exposure"),
    path("staff-welfare/team/", exposure_team, name="staff-exposure-team"),
]
