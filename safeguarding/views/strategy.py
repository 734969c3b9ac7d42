"""Pages for child protection steps: record a strategy discussion, then record the
initial child protection conference as held and the child and family assessment
as completed. The case page shows them with `safeguarding/includes/strategy.html`,
whose context `strategy_section(actor, case)` builds."""

from collections.abc import Callable
from datetime import datetime

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agencies import access
from cases import selectors as case_selectors
from cases.case_tabs import case_section_url
from cases.forms import TimeField, UKDateField
from cases.models import Case, PartyRole
from common.dates import when_text
from common.errors import InvalidState, ValidationError
from common.glossary import term_explanation
from common.pages import capability_required, form_errors_from
from safeguarding import selectors
from safeguarding.deadlines import strategy_discussions_with_deadlines
from safeguarding.forms import party_choices, radio_choice, text_answer
from safeguarding.models import StrategyDiscussion, StrategyDiscussionChild
from safeguarding.services import child_protection as child_protection_services
from safeguarding.services.child_protection import (
    ASSESSMENT_WITHIN_WORKING_DAYS,
    CONFERENCE_WITHIN_WORKING_DAYS,
)
from safeguarding.views.common import case_for_page, case_form_page
from safeguarding.views.strategy_planning import urlpatterns as planning_urlpatterns

GET_AND_POST = require_http_methods(["GET", "POST"])
_CHILD_ROLES = (PartyRole.VICTIM, PartyRole.CHILD_IN_HOUSEHOLD)


def strategy_section(actor, case: Case) -> dict:
    """The context of `safeguarding/includes/strategy.html`: each discussion with
    its two deadlines, read against the clock in working days."""
    if not access.can(actor, "safeguarding.strategy.view", case):
        return {"strategy_discussions": [], "may_view_strategy": False}
    discussions = strategy_discussions_with_deadlines(
        selectors.strategy_discussion_list(actor=actor, case=case)
    )
    return {
        "strategy_discussions": discussions,
        "may_view_strategy": True,
        "may_record_strategy": access.can(actor, "safeguarding.strategy.record", case),
        "conference_within": CONFERENCE_WITHIN_WORKING_DAYS,
        "assessment_within": ASSESSMENT_WITHIN_WORKING_DAYS,
    }


class StrategyDiscussionForm(forms.Form):
    child = radio_choice(
        "Which child was discussed?",
        required="Select which child was discussed.",
        invalid="Select a child in this case.",
    )
    held_on = UKDateField(
        label="Date of the discussion",
        error_messages={"required": "Enter the date of the discussion."},
    )
    held_time = TimeField(
        label="Time of the discussion",
        error_messages={"required": "Enter the time of the discussion."},
    )
    agencies_present = text_answer(
        "Agencies and people present",
        max_length=2000,
        rows=3,
        required="Name the agencies present.",
        too_long="Keep the agencies and people present to 2000 characters or fewer.",
    )
    section_47_started = radio_choice(
        "Decision: do section 47 enquiries start?",
        field=forms.TypedChoiceField,
        choices=[("yes", "Yes, start section 47 enquiries"), ("no", "No")],
        coerce=lambda value: value == "yes",
        required="Select whether section 47 enquiries start.",
        invalid="Select whether section 47 enquiries start.",
        help_text=(
            f"{term_explanation('section_47')} "
            f"If they do, the initial child protection conference is due within "
            f"{CONFERENCE_WITHIN_WORKING_DAYS} working days of this discussion, and the child "
            f"and family assessment within {ASSESSMENT_WITHIN_WORKING_DAYS} working days of "
            "the referral."
        ),
    )
    rationale = text_answer(
        "Rationale",
        max_length=5000,
        rows=5,
        required="Write the rationale for the decision.",
        too_long="Keep the rationale to 5000 characters or fewer.",
    )
    referral_received_on = UKDateField(
        required=False,
        label="Date the referral was received (optional)",
        help_text="Leave it blank to use the date the case was received. For example, 27/03/2026",
    )

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.children = {str(p.id): p for p in children}
        self.fields["child"].choices = party_choices(children)

    def discussion_fields(self) -> dict:
        """The service's arguments: the form's answers, the child chosen by its id,
        and the day and the time of the discussion as one moment."""
        data = dict(self.cleaned_data)
        held_on, held_time = data.pop("held_on"), data.pop("held_time")
        return {
            **data,
            "child": self.children[data["child"]],
            "held_at": timezone.make_aware(datetime.combine(held_on, held_time)),
        }


class ConferenceHeldForm(forms.Form):
    held_on = UKDateField(
        label="Date the initial child protection conference was held",
        error_messages={"required": "Enter the date the conference was held."},
    )


class AssessmentCompletedForm(forms.Form):
    completed_on = UKDateField(
        label="Date the child and family assessment was completed",
        error_messages={"required": "Enter the date the assessment was completed."},
    )


def _to_strategy(case: Case):
    return redirect(case_section_url(case.id, "strategy-discussions"))


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    return ValidationError(
        {names.get(field, field): errors for field, errors in error.message_dict.items()}
    )


@capability_required("safeguarding.strategy.record")
@GET_AND_POST
def strategy_create(request, case_id):
    case = case_for_page(request, case_id, "safeguarding.strategy.record")
    children = [
        party
        for party in case_selectors.party_list(actor=request.user, case=case)
        if party.role in _CHILD_ROLES
    ]
    initial = {"child": str(children[0].id)} if len(children) == 1 else {}
    form = StrategyDiscussionForm(
        request.POST if request.method == "POST" else None, children=children, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            discussion = child_protection_services.strategy_discussion_record(
                actor=request.user, case=case, **form.discussion_fields()
            )
        except ValidationError as error:
            form_errors_from(form, _renamed(error, {"held_at": "held_on"}))
        except InvalidState as error:
            messages.error(request, error.message)
            return _to_strategy(case)
        else:
            (row,) = discussion.decisions.all()
            if row.section_47_started:
                due = when_text(row.conference_due_at)
                messages.success(
                    request,
                    "Strategy discussion recorded. The initial child protection conference "
                    f"is due by {due}.",
                )
            else:
                messages.success(request, "Strategy discussion recorded.")
            return _to_strategy(case)
    return case_form_page(
        request,
        "safeguarding/strategy_form.html",
        form=form,
        case=case,
        section="strategy-discussions",
        heading="Record a strategy discussion",
        has_children=bool(children),
    )


def _discussion(request, case: Case, discussion_id) -> StrategyDiscussion:
    found = selectors.strategy_discussion_get_for_actor(
        actor=request.user, case=case, discussion_id=discussion_id
    )
    (annotated,) = strategy_discussions_with_deadlines([found])
    return annotated


# The title and the heading of each step's page.
_STEP_WORDS = {
    "conference": {
        "title": "Record the conference as held",
        "heading": "Initial child protection conference held",
    },
    "assessment": {
        "title": "Record the assessment as completed",
        "heading": "Child and family assessment completed",
    },
}


def _step_page(request, case_id, discussion_id, *, step: str):
    case = case_for_page(request, case_id, "safeguarding.strategy.record")
    discussion = _discussion(request, case, discussion_id)
    # Which child's step: named by ?child= when the discussion is about several.
    chosen = request.GET.get("child") or None
    rows: list[StrategyDiscussionChild] = discussion.children  # type: ignore[attr-defined]
    row = next((r for r in rows if chosen is None or str(r.child_id) == chosen), None)
    if row is None or (chosen is None and len(rows) != 1):
        raise Http404()
    form_class: type[forms.Form]
    service: Callable[..., StrategyDiscussionChild]
    if step == "conference":
        form_class, field, service = (
            ConferenceHeldForm,
            "held_on",
            child_protection_services.strategy_conference_held,
        )
        done = "The initial child protection conference is recorded as held."
    else:
        form_class, field, service = (
            AssessmentCompletedForm,
            "completed_on",
            child_protection_services.strategy_assessment_completed,
        )
        done = "The child and family assessment is recorded as completed."
    status = getattr(row, step)
    if status is None:
        messages.info(request, "No section 47 enquiries started at that discussion.")
        return _to_strategy(case)
    if status.done_on is not None:
        messages.info(request, f"Already recorded: done on {status.done_on:%d/%m/%Y}.")
        return _to_strategy(case)
    form = form_class(
        request.POST if request.method == "POST" else None, initial={field: timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, row=row, **{field: form.cleaned_data[field]})
        except ValidationError as error:
            form_errors_from(form, error)
        except InvalidState as error:
            messages.info(request, error.message)
            return _to_strategy(case)
        else:
            messages.success(request, done)
            return _to_strategy(case)
    return case_form_page(
        request,
        "safeguarding/strategy_step_form.html",
        form=form,
        case=case,
        section="strategy-discussions",
        discussion=discussion,
        row=row,
        step=step,
        **_STEP_WORDS[step],
    )


@capability_required("safeguarding.strategy.record")
@GET_AND_POST
def conference_held(request, case_id, discussion_id):
    return _step_page(request, case_id, discussion_id, step="conference")


@capability_required("safeguarding.strategy.record")
@GET_AND_POST
def assessment_completed(request, case_id, discussion_id):
    return _step_page(request, case_id, discussion_id, step="assessment")


urlpatterns = [
    *planning_urlpatterns,
    path(
        "cases/<uuid:case_id>/strategy-discussions/new/",
        strategy_create,
        name="case-strategy-create",
    ),
    path(
        "cases/<uuid:case_id>/strategy-discussions/<uuid:discussion_id>/conference-held/",
        conference_held,
        name="case-strategy-conference-held",
    ),
    path(
        "cases/<uuid:case_id>/strategy-discussions/<uuid:discussion_id>/assessment-completed/",
        assessment_completed,
        name="case-strategy-assessment-completed",
    ),
]
