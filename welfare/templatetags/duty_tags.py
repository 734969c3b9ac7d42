"""The home page's duties: what a police caseworker owes today, in a constant
number of queries whatever the number of duties."""

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from agencies import access
from agencies.audit import access_list_record
from agencies.models import Role
from welfare.duty_pages import duty_meet_page
from welfare.models import CONTACT_DUTIES, FAMILY_DUTIES, VICTIM_DUTIES
from welfare.selectors import duties as duty_selectors

register = template.Library()
# `{{ duty|meet_page }}`: where a listed duty is met, whatever its kind.
register.filter("meet_page", duty_meet_page)

# Rows per list on the home page; the full lists are a link away.
HOME_LIMIT = 10


def family_support_url(case_id) -> str:
    try:
        return reverse("family-support", kwargs={"case_id": case_id})
    except NoReverseMatch:
        return f"/cases/{case_id}/family-support/"


def _first(queryset, now):
    rows = list(queryset[: HOME_LIMIT + 1])
    return duty_selectors.duty_deadlines_annotate(rows[:HOME_LIMIT], now=now), len(
        rows
    ) > HOME_LIMIT


@register.simple_tag(takes_context=True)
def duties_home(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not access.can(user, "welfare.duty.view"):
        return ""
    now = timezone.now()

    def first_of(kinds, **filters):
        return _first(
            duty_selectors.duty_list(actor=user, filters=filters, kinds=kinds, now=now), now
        )

    updates, more_updates = first_of(VICTIM_DUTIES, due="today", whose="mine")
    family, more_family = first_of(FAMILY_DUTIES, whose="mine")
    for duty in family:
        duty.family_support_url = family_support_url(duty.case_id)
    team_overdue, more_team = [], False
    if access.role_of(user) == Role.POLICE_SUPERVISOR:
        team_overdue, more_team = first_of(VICTIM_DUTIES, due="overdue", whose="team")
    # Each row names a victim or a family: the log names every duty shown.
    access_list_record(actor=user, records=[*updates, *family, *team_overdue])
    return render_to_string(
        "welfare/home/duties.html",
        {
            "updates": updates,
            "more_updates": more_updates,
            "family": family,
            "more_family": more_family,
            "team_overdue": team_overdue,
            "more_team": more_team,
            "is_supervisor": access.role_of(user) == Role.POLICE_SUPERVISOR,
            "contact_kinds": CONTACT_DUTIES,
            "back": reverse("home"),
        },
        request=request,
    )
