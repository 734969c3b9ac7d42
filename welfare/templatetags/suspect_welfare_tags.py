from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from agencies.audit import access_list_record
from welfare.check_lateness import countdown
from welfare.selectors.suspects import suspect_welfare_access_check, welfare_check_list

register = template.Library()

HOME_LIMIT = 20


@register.simple_tag(takes_context=True)
def suspect_welfare_home(context) -> str:
    """The 48-hour welfare checks due or missed, soonest first: a supervisor's team's,
    anyone else's own. Two queries whatever the number of checks."""
    request = context.get("request")
    actor = getattr(request, "user", None)
    if actor is None or not suspect_welfare_access_check(actor):
        return ""
    now = timezone.now()
    checks = list(welfare_check_list(actor=actor, now=now)[: HOME_LIMIT + 1])
    if not checks:
        return ""
    access_list_record(actor=actor, records=checks[:HOME_LIMIT])
    rows = []
    for check in checks[:HOME_LIMIT]:
        text, missed = countdown(check.due_at, now)
        rows.append({"check": check, "countdown": text, "missed": missed})
    return render_to_string(
        "welfare/home/suspect_checks.html",
        {"rows": rows, "more": len(checks) > HOME_LIMIT},
        request=request,
    )
