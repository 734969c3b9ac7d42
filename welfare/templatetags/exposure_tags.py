"""Staff exposure on the home page: for a police supervisor, the team's breaches in
the last 7 days and overdue debriefs and welfare reviews; for someone who reviews
material, their own minutes today against the daily limit. A fixed handful of
queries, whatever the size of the team."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from agencies.access import can, membership_of
from welfare.selectors import staff_summaries as staff_selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def exposure_home(context) -> str:
    request = context.get("request")
    user: Any = getattr(request, "user", None)
    if membership_of(user) is None:
        return ""
    parts = []
    # Home leaves out what is empty: a team with no breach and nothing overdue, a
    # day with no review yet (the menu's Staff welfare logs one).
    if can(user, "staff.exposure.team"):
        alerts = staff_selectors.team_exposure_alerts_get(actor=user)
        if alerts.breach_sessions or alerts.overdue:
            parts.append(render_to_string("welfare/home/exposure_team.html", {"alerts": alerts}))
    if can(user, "staff.exposure.log"):
        minutes, limit = staff_selectors.exposure_minutes_today_get(actor=user)
        if minutes:
            parts.append(
                render_to_string(
                    "welfare/home/exposure_mine.html",
                    {"minutes": minutes, "limit": limit, "left": max(0, limit - minutes)},
                )
            )
    # Each part was rendered by a template, which escaped what it shows.
    return mark_safe("".join(parts))  # noqa: S308
