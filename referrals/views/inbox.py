"""The two lists: the receiver's inbox (overdue first, then by urgency, then by
when the decision is due: the selector orders it) and the sender's list. A partner
caseworker's whole day is the inbox, so it reads in a constant number of queries
however long it is."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from agencies.access import can
from agencies.audit import access_list_record
from common.pages import capability_required
from referrals import selectors
from referrals.forms import StateFilterForm
from referrals.models import ReferralState
from referrals.views.display import list_rows

PAGE_SIZE = 50


def _state_filter(request, *, include_drafts: bool) -> tuple[StateFilterForm, str]:
    form = StateFilterForm(request.GET or None, include_drafts=include_drafts)
    state = form.cleaned_data["state"] if form.is_bound and form.is_valid() else ""
    return form, state


def _page(request, referrals):
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    # Each row carries what the referral discloses: the log names every one shown.
    access_list_record(actor=request.user, records=page.object_list)
    return page


@capability_required("referrals.referral.view")
@require_GET
def referral_inbox_page(request):
    form, state = _state_filter(request, include_drafts=False)
    referrals = selectors.referral_inbox(actor=request.user, state=state).select_related(
        "from_agency", "to_team", "threshold_decision"
    )
    page = _page(request, referrals)
    context = {
        "form": form,
        "state": state,
        "state_label": dict(ReferralState.choices).get(state, ""),
        "may_refer": can(request.user, "referrals.referral.create"),
        "page": page,
        "rows": list_rows(list(page.object_list), now=timezone.now()),
    }
    return render(request, "referrals/inbox.html", context)


@capability_required("referrals.referral.view")
@require_GET
def referral_sent_page(request):
    form, state = _state_filter(request, include_drafts=True)
    referrals = selectors.referral_sent(actor=request.user, state=state).select_related(
        "case", "to_agency", "to_team", "threshold_decision"
    )
    page = _page(request, referrals)
    context = {
        "form": form,
        "state": state,
        "state_label": dict(ReferralState.choices).get(state, ""),
        "may_refer": can(request.user, "referrals.referral.create"),
        "page": page,
        "rows": list_rows(list(page.object_list), now=timezone.now()),
    }
    return render(request, "referrals/sent.html", context)


urlpatterns = [
    path("referrals/", referral_inbox_page, name="referral-inbox-page"),
    path("referrals/sent/", referral_sent_page, name="referral-sent-page"),
]
