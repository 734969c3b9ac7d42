"""The referral inbox in two places outside its own pages: the count beside
"Referrals" in the menu, and the "Your inbox" summary on the home page. Each is one
query, and only for the people who work referrals."""

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from agencies.access import membership_of
from agencies.models import Role
from referrals.models import ReferralState
from referrals.selectors import referral_inbox

register = template.Library()

# Whose day is the inbox: shown a summary of it on their home page.
_INBOX_ROLES = {Role.PARTNER_CASEWORKER, Role.MASH_COORDINATOR, Role.SOCIAL_WORKER}


def _inbox_counts(request) -> dict:
    """Awaiting a decision, of which overdue, and being worked: one query, kept on
    the request so that the menu and the home page share it."""
    cached = getattr(request, "_referral_inbox_counts", None)
    if cached is not None:
        return cached
    now = timezone.now()
    counts = referral_inbox(actor=request.user).aggregate(
        awaiting=Count("pk", filter=Q(state=ReferralState.SENT)),
        overdue=Count("pk", filter=Q(state=ReferralState.SENT, decision_due_at__lt=now)),
        open=Count("pk", filter=Q(state__in=[ReferralState.ACCEPTED, ReferralState.IN_PROGRESS])),
    )
    request._referral_inbox_counts = counts
    return counts


@register.simple_tag(takes_context=True)
def referrals_awaiting(context) -> int:
    """How many referrals wait for the reader's agency to accept or decline them."""
    request = context.get("request")
    if request is None:
        return 0
    return _inbox_counts(request)["awaiting"]


@register.inclusion_tag("referrals/includes/home_summary.html", takes_context=True)
def referral_inbox_summary(context) -> dict:
    request = context.get("request")
    membership = membership_of(getattr(request, "user", None))
    if membership is None or membership.role not in _INBOX_ROLES:
        return {"show": False}
    return {"show": True, "counts": _inbox_counts(request), "member": membership}
