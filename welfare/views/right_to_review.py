"""Pages for the Victims' Right to Review (docs/adr/0017): recording a victim's
request on a case, and one request's page, where a supervisor assigns it, the
assigned reviewer decides it, or the victim's withdrawal is recorded."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from agencies import access
from cases import selectors as case_selectors
from cases.case_tabs import case_section_url
from cases.forms.fields import UKDateField
from common.errors import ValidationError
from common.pages import capability_required, form_errors_from
from welfare.models import ReviewRequester, ReviewStatus
from welfare.review_moves import REVIEW_MOVES
from welfare.selectors import right_to_review as review_selectors
from welfare.selectors import victims as victim_selectors
from welfare.services import right_to_review as review_services
from welfare.views.fields import radio_field, text_field

SECTION = "right-to-review"


class ReviewRequestForm(forms.Form):
    victim = radio_field("Which victim asked?", invalid="Choose a victim in this case.")
    outcome = radio_field(
        "Which decision not to charge do they ask to have reviewed?",
        invalid="Choose a decision not to charge in this case.",
    )
    received_on = UKDateField(required=False, label="Date the request was received")
    requested_by = radio_field("Who asked?", choices=ReviewRequester.choices)
    representative = text_field(
        "Who asked on the victim's behalf, and as what (if not the victim)",
        max_length=200,
        help_text="For example: Mother, Jane Smith.",
    )
    grounds = text_field("What they said (optional)", rows=4)

    def __init__(self, *args, victims=(), decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.victims = {str(v.pk): v for v in victims}
        self.decisions = {str(o.pk): o for o in decisions}
        self.fields["victim"].choices = [(k, v.person.full_name) for k, v in self.victims.items()]
        self.fields["outcome"].choices = [
            (k, f"{o.get_code_display()}, {o.outcome_on:%d/%m/%Y}")
            for k, o in self.decisions.items()
        ]


@capability_required("welfare.right_to_review.request")
@require_http_methods(["GET", "POST"])
def review_request_create(request, case_id):
    case = case_selectors.case_get_for_actor(
        actor=request.user, case_id=case_id, action="welfare.right_to_review.request"
    )
    victims = victim_selectors.victim_list(actor=request.user, case=case)
    decisions = review_selectors.decisions_not_to_charge(actor=request.user, case=case)
    form = ReviewRequestForm(request.POST or None, victims=victims, decisions=decisions)
    back = case_section_url(case.pk, SECTION)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = review_services.review_request_record(
                actor=request.user,
                case=case,
                victim=form.victims.get(data["victim"]),
                outcome=form.decisions.get(data["outcome"]),
                received_on=data["received_on"],
                requested_by=data["requested_by"],
                representative=data["representative"],
                grounds=data["grounds"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, "The review request was recorded. A supervisor assigns it.")
            return redirect(reverse("review-request-detail", args=[created.pk]))
    return render(
        request,
        "welfare/right_to_review/request_form.html",
        {"case": case, "form": form, "back": back, "has_decision": bool(decisions)},
    )


class AssignForm(forms.Form):
    reviewer = radio_field(
        "Who reviews the decision?", invalid="Choose an officer who had no part in the case."
    )
    reason = text_field("Why the review passes to another officer (when reassigning)", rows=2)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(m.user.pk): m.user for m in candidates}
        self.fields["reviewer"].choices = [
            (str(m.user.pk), f"{m.full_name} ({m.get_role_display().lower()})") for m in candidates
        ]


class DecideForm(forms.Form):
    result = radio_field(
        "The result of the review",
        choices=[
            (ReviewStatus.UPHELD, "Upheld: the decision not to charge stands"),
            (ReviewStatus.OVERTURNED, "Overturned: the investigation goes on"),
        ],
    )
    reason = text_field("Your reasons (the victim is told them)", rows=5)


class WithdrawForm(forms.Form):
    reason = text_field("What the victim said when they withdrew the request", rows=3)


def _forms_for(request, review, posted: str | None = None):
    """The move forms the reader may use on this request now (the table decides)."""
    actor = request.user
    data = request.POST if posted else None
    shown: dict[str, forms.Form] = {}

    def allowed(name: str) -> bool:
        move = REVIEW_MOVES[name]
        return review.status in move.from_states and access.can(actor, move.capability, review.case)

    if allowed("assign"):
        candidates = review_selectors.reviewer_candidates(
            actor=actor, case=review.case, outcome=review.outcome
        )
        shown["assign"] = AssignForm(
            data if posted == "assign" else None, candidates=candidates, prefix="assign"
        )
    if allowed("uphold") and review.reviewer_id == actor.pk:
        shown["decide"] = DecideForm(data if posted == "decide" else None, prefix="decide")
    if allowed("withdraw"):
        shown["withdraw"] = WithdrawForm(data if posted == "withdraw" else None, prefix="withdraw")
    return shown


def _render_detail(request, review, shown, status=200):
    history = list(review.history.select_related("history_user").order_by("history_date"))
    return render(
        request,
        "welfare/right_to_review/request_detail.html",
        {
            "review": review,
            "forms": shown,
            "history": history,
            "back": case_section_url(review.case_id, SECTION),
            "moves": REVIEW_MOVES,
        },
        status=status,
    )


@capability_required("welfare.right_to_review.view")
@require_http_methods(["GET"])
def review_request_detail(request, request_id):
    review = review_selectors.review_request_get_for_actor(
        actor=request.user, request_id=request_id
    )
    return _render_detail(request, review, _forms_for(request, review))


@capability_required("welfare.right_to_review.view")
@require_http_methods(["POST"])
def review_request_move(request, request_id, move):
    review = review_selectors.review_request_get_for_actor(
        actor=request.user, request_id=request_id
    )
    shown = _forms_for(request, review, posted=move)
    form = shown.get(move)
    if form is None or not form.is_valid():
        if form is None:
            messages.error(request, "That cannot be done to this request now.")
            return redirect(reverse("review-request-detail", args=[review.pk]))
        return _render_detail(request, review, shown)
    data = form.cleaned_data
    try:
        if move == "assign":
            assert isinstance(form, AssignForm)
            review_services.review_assign(
                actor=request.user,
                request=review,
                reviewer=form.candidates.get(data["reviewer"]),
                reason=data["reason"],
            )
            done = REVIEW_MOVES["assign"].done
        elif move == "decide":
            decided = review_services.review_decide(
                actor=request.user, request=review, result=data["result"], reason=data["reason"]
            )
            done = REVIEW_MOVES["uphold" if decided.status == "upheld" else "overturn"].done
        else:
            review_services.review_withdraw(
                actor=request.user, request=review, reason=data["reason"]
            )
            done = REVIEW_MOVES["withdraw"].done
    except ValidationError as error:
        form_errors_from(form, error)
        return _render_detail(request, review, shown)
    messages.success(request, done)
    return redirect(reverse("review-request-detail", args=[review.pk]))


urlpatterns = [
    path(
        "cases/<uuid:case_id>/right-to-review/new/",
        review_request_create,
        name="review-request-create",
    ),
    path("right-to-review/<uuid:request_id>/", review_request_detail, name="review-request-detail"),
    path(
        "right-to-review/<uuid:request_id>/<slug:move>/",
        review_request_move,
        name="review-request-move",
    ),
]
