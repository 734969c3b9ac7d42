"""Home: "Your work today". How much is overdue, due today and due later this week,
then each role's own work first (a supervisor's 48-hour checks and team's overdue
duties, the hub's threshold decisions, a charity's inbox), then the reader's items,
most urgent first. Here, above every app, because it reads them all; what is counted
and listed comes from the calendar (`calendars.today`)."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from agencies.access import can
from calendars import sections
from calendars.today import Today, count_rows, totals, work_counts, work_items
from common.pages import signed_in_required
from referrals.templatetags.referral_tags import inbox_counts


def _inbox_counts(request) -> dict[str, int] | None:
    # The menu's own counts, kept on the request: read once for both.
    if not can(request.user, "referrals.referral.receive"):
        return None
    return inbox_counts(request)


@signed_in_required
@require_GET
def home(request):
    actor = request.user
    today = Today(now=timezone.now())
    counts = work_counts(actor=actor, today=today)
    rows = count_rows(counts)
    first = [
        sections.welfare_checks_section(actor=actor, now=today.now),
        sections.team_overdue_section(actor=actor, now=today.now),
        *sections.referral_sections(
            actor=actor, now=today.now, inbox_counts=_inbox_counts(request)
        ),
    ]
    context = {
        "today": today,
        "count_rows": rows,
        "totals": totals(rows),
        "first_sections": [section for section in first if section is not None],
        "items": work_items(actor=actor, today=today, counts=counts),
    }
    return render(request, "agencies/home.html", context)


urlpatterns = [path("", home, name="home")]
