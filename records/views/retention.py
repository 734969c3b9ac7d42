"""Retention pages: the records manager's review queue, a case's retention record
(its tombstone once disposed of), the review form, and the legal hold forms."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from agencies import access
from agencies.audit import access_list_record
from cases.forms import UKDateField
from common.errors import InvalidState
from common.keyset import keyset_page_for_request
from common.pages import capability_required, form_save
from records.models import LegalHoldKind, RetentionState, ReviewDecision
from records.selectors import retention as selectors
from records.services import retention as services

QUEUE_PER_PAGE = 50


@capability_required("records.retention.queue")
@require_GET
def retention_queue_page(request):
    # By keyset on the index's own order (retention_queue_due): no COUNT, no OFFSET.
    page = keyset_page_for_request(
        request, selectors.retention_queue(actor=request.user), page_size=QUEUE_PER_PAGE
    )
    access_list_record(actor=request.user, records=page.object_list)
    return render(
        request,
        "records/retention/queue.html",
        {"page": page, "items": page.object_list},
    )


def _record_page(request, record, **context):
    user = request.user
    retention = record.retention
    scheduled = retention is not None and retention.state == RetentionState.SCHEDULED
    return render(
        request,
        "records/retention/case.html",
        {
            "record": record,
            "retention": retention,
            "may_review": scheduled
            and not retention.on_hold
            and access.can(user, "records.retention.review", retention),
            "may_hold": scheduled
            and not retention.on_hold
            and access.can(user, "records.retention.hold", retention),
            "may_lift": retention is not None
            and retention.on_hold
            and access.can(user, "records.retention.hold", retention),
            **context,
        },
    )


@capability_required("records.retention.view")
@require_GET
def retention_case_page(request, case_id):
    record = selectors.retention_get_for_actor(actor=request.user, case_id=case_id)
    return _record_page(request, record)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        required=False,
        choices=ReviewDecision.choices,
        label="What is your decision?",
        widget=forms.RadioSelect,
    )
    next_review_on = UKDateField(
        required=False,
        label="If kept, when is the next review?",
        help_text="After today, for example 27/03/2032. Leave empty to dispose of the case.",
    )
    rule = forms.ChoiceField(
        required=False,
        label="If kept, under which rule? (optional)",
        help_text="Change it only when the review found the case belongs to another group.",
    )
    reason = forms.CharField(
        required=False,
        max_length=2000,
        label="Why?",
        help_text="Kept with the decision, and on the tombstone if the case is disposed of.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", "Keep its rule"), *rules]


@capability_required("records.retention.review")
@require_http_methods(["GET", "POST"])
def retention_review_page(request, case_id):
    record = selectors.retention_get_for_actor(
        actor=request.user, case_id=case_id, log=request.method == "GET"
    )
    retention = record.retention
    if retention is None:
        raise InvalidState(f"{record.reference} is open: it has no review.", state="open")
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        rules=services.review_choices(retention),
        initial={"version": retention.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data["decision"]:
            form.add_error("decision", "Choose keep or dispose.")
        elif form_save(
            form,
            services.retention_review_record,
            actor=request.user,
            case_id=retention.case_id,
            decision=data["decision"],
            reason=data["reason"],
            next_review_on=data["next_review_on"],
            rule_code=data["rule"],
            expected_version=data["version"],
        ):
            disposed = data["decision"] == ReviewDecision.DISPOSE
            messages.success(
                request,
                f"{retention.reference} disposed of." if disposed else "Review recorded.",
            )
            return redirect(reverse("retention-case", args=[retention.case_id]))
    return render(
        request,
        "records/retention/review_form.html",
        {"record": record, "retention": retention, "form": form},
    )


class HoldForm(forms.Form):
    kind = forms.ChoiceField(
        required=False,
        choices=LegalHoldKind.choices,
        label="What is the hold for?",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        required=False,
        max_length=2000,
        label="Say what it is: the inquiry, the claim, who asked",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class LiftForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=2000,
        label="Why is the hold lifted?",
        help_text="For example, the claim was settled on 27/03/2032.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


@capability_required("records.retention.hold")
@require_http_methods(["GET", "POST"])
def legal_hold_place_page(request, case_id):
    record = selectors.retention_get_for_actor(
        actor=request.user, case_id=case_id, log=request.method == "GET"
    )
    form = HoldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["kind"]:
            form.add_error("kind", "Choose what the hold is for.")
        elif form_save(
            form,
            services.legal_hold_place,
            actor=request.user,
            case_id=record.case_id,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
        ):
            messages.success(request, "Legal hold placed.")
            return redirect(reverse("retention-case", args=[record.case_id]))
    return render(request, "records/retention/hold_form.html", {"record": record, "form": form})


@capability_required("records.retention.hold")
@require_http_methods(["GET", "POST"])
def legal_hold_lift_page(request, case_id):
    record = selectors.retention_get_for_actor(
        actor=request.user, case_id=case_id, log=request.method == "GET"
    )
    version = record.retention.version if record.retention is not None else None
    form = LiftForm(
        request.POST if request.method == "POST" else None, initial={"version": version}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(
            form,
            services.legal_hold_lift,
            actor=request.user,
            case_id=record.case_id,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    ):
        messages.success(request, "Legal hold lifted.")
        return redirect(reverse("retention-case", args=[record.case_id]))
    return render(request, "records/retention/lift_form.html", {"record": record, "form": form})


urlpatterns = [
    path("retention/", retention_queue_page, name="retention-queue"),
    path("retention/cases/<uuid:case_id>/", retention_case_page, name="retention-case"),
    path("retention/cases/<uuid:case_id>/review/", retention_review_page, name="retention-review"),
    path("retention/cases/<uuid:case_id>/hold/", legal_hold_place_page, name="retention-hold"),
    path(
        "retention/cases/<uuid:case_id>/hold/lift/",
        legal_hold_lift_page,
        name="retention-hold-lift",
    ),
]
