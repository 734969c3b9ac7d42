"""The two lists: the receiver's inbox (overdue first, then by urgency, then by
when the decision is due: the selector orders it) and the sender's list. A partner
caseworker's whole day is the inbox, so it reads in a constant number of queries
however long it is."""

from django.db.models import QuerySet
from django.db.models.fields.json import KT
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from agencies.access import can
from agencies.audit import access_list_record
from common.errors import ValidationError
from common.keyset import keyset_page_for_request
from common.pages import capability_required
from referrals import selectors
from referrals.filters import InboxPageFilter, SentPageFilter
from referrals.models import Referral, ReferralState
from referrals.views.display import list_rows

PAGE_SIZE = 50


def _list_page(
    request, *, filterset_class, list_selector, related: tuple[str, ...], template: str, trim=None
):
    """One list page: the form shows the filters and, when one is wrong, the errors
    the selector refused them with (the list is then shown unfiltered)."""
    form = filterset_class(request.GET or None).form
    state = (form.cleaned_data.get("state") or "") if form.is_bound and form.is_valid() else ""
    try:
        referrals = list_selector(
            actor=request.user, filters=request.GET, filterset_class=filterset_class
        )
    except ValidationError:
        referrals = list_selector(actor=request.user, filterset_class=filterset_class)
    # By keyset on the selector's ordering: no COUNT of the scope, no OFFSET.
    referrals = referrals.select_related(*related)
    if trim is not None:
        referrals = trim(referrals)
    page = keyset_page_for_request(request, referrals, page_size=PAGE_SIZE)
    # Each row carries what the referral discloses: the log names every one shown.
    access_list_record(actor=request.user, records=page.object_list)
    context = {
        "form": form,
        "state": state,
        "state_label": dict(ReferralState.choices).get(state, ""),
        "may_refer": can(request.user, "referrals.referral.create"),
        "page": page,
        "rows": list_rows(list(page.object_list), now=timezone.now()),
    }
    return render(request, template, context)


def _without_disclosure(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """A row shows one thing of the disclosure snapshot, the sender's reference: read
    alone, not the whole snapshot of every row (about 1 kB of JSON each, decoded)."""
    return referrals.defer("disclosure").annotate(their_reference=KT("disclosure__case_reference"))


@capability_required("referrals.referral.view")
@require_GET
def referral_inbox_page(request):
    return _list_page(
        request,
        filterset_class=InboxPageFilter,
        list_selector=selectors.inbox_list,
        related=("from_agency", "to_team"),
        template="referrals/inbox.html",
        trim=_without_disclosure,
    )


@capability_required("referrals.referral.view")
@require_GET
def referral_sent_page(request):
    return _list_page(
        request,
        filterset_class=SentPageFilter,
        list_selector=selectors.sent_list,
        related=("case", "to_agency", "to_team"),
        template="referrals/sent.html",
    )


urlpatterns = [
    path("referrals/", referral_inbox_page, name="referral-inbox-page"),
    path("referrals/sent/", referral_sent_page, name="referral-sent-page"),
]
