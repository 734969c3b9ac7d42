"""The threshold decision page of one child of a referral: the hub or children's
services decides each child separately (GET shows the child, their deadline and the
form; POST records it and goes back to the referral). Plain forms: it works without
JavaScript. Out of scope, the sending side, or a child the referral is not about:
404. A child already decided: the page says so, and a POST answers 409."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from common.errors import InvalidState, NotFound
from common.pages import capability_required, form_save
from referrals import selectors
from referrals.forms import ThresholdForm
from referrals.models import ReferralState
from referrals.moves import MOVES
from referrals.selectors.sides import RECEIVER, referral_side_require
from referrals.selectors.threshold import ChildThreshold, threshold_decision_for_child
from referrals.services.threshold import threshold_decision_record

_CAPABILITY = MOVES["threshold"].capability


def _page(request, referral, child: ChildThreshold, form, *, status: int = 200):
    context = {
        "referral": referral,
        "child": child,
        "form": form,
        "may_decide": not child.decided and MOVES["threshold"].open_to(RECEIVER, referral.state),
        "state_label": ReferralState(referral.state).label.lower(),
        "referral_url": reverse("referral-page", args=[referral.pk]),
    }
    return render(request, "referrals/threshold_child.html", context, status=status)


@capability_required(_CAPABILITY)
@require_http_methods(["GET", "POST"])
def threshold_child_page(request, referral_id, child_id):
    posting = request.method == "POST"
    # A POST's service logs the access itself; the page's read is logged here.
    referral = selectors.referral_get_for_actor(
        actor=request.user, referral_id=referral_id, logged=not posting
    )
    if referral_side_require(request.user, referral) != RECEIVER:
        raise NotFound()
    child = threshold_decision_for_child(referral=referral, child_id=child_id)
    form = ThresholdForm(request.POST if posting else None, prefix="threshold")
    if posting and form.is_valid():
        values = {**form.cleaned_data, "child": child.row.child_id}
        try:
            saved = form_save(
                form, threshold_decision_record, actor=request.user, referral=referral, **values
            )
        except InvalidState as refused:
            form.add_error(None, refused.message)
            child = threshold_decision_for_child(referral=referral, child_id=child_id)
            return _page(request, referral, child, form, status=409)
        if saved:
            messages.success(
                request,
                f"The threshold decision for {child.name} is recorded. "
                "The referrer has been told at once.",
            )
            return redirect(reverse("referral-page", args=[referral.pk]) + "#threshold-decisions")
    return _page(request, referral, child, form)


urlpatterns = [
    path(
        "referrals/<uuid:referral_id>/threshold/<uuid:child_id>/",
        threshold_child_page,
        name="referral-threshold-child-page",
    ),
]
