"""Pages to plan a strategy discussion (a time to come, invitees by agency and name,
one or several children), to record the decision about one child while it is under
way, and to record it as held (attendees, minutes, and one fieldset per child still
without a decision). Plain forms: no JavaScript."""

from datetime import datetime

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases import selectors as case_selectors
from cases.case_tabs import case_section_url
from cases.forms import TimeField, UKDateField
from cases.forms.fields import Checkboxes
from cases.models import Case, PartyRole
from common.errors import InvalidState, ValidationError
from common.glossary import term_explanation
from common.pages import capability_required, form_errors_from
from safeguarding import selectors
from safeguarding.deadlines import strategy_discussions_with_deadlines
from safeguarding.forms import party_choices, radio_choice, text_answer
from safeguarding.services import strategy_planning
from safeguarding.views.common import case_for_page, case_form_page

GET_AND_POST = require_http_methods(["GET", "POST"])
_CHILD_ROLES = (PartyRole.VICTIM, PartyRole.CHILD_IN_HOUSEHOLD)
# Rows for invitees on the page: enough for a multi-agency discussion, no script.
INVITEE_ROWS = 6


def _to_strategy(case: Case):
    return redirect(case_section_url(case.id, "strategy-discussions"))


def _moment(day, at):
    return timezone.make_aware(datetime.combine(day, at))


class PlanForm(forms.Form):
    planned_on = UKDateField(
        label="Date of the discussion",
        error_messages={"required": "Enter the date of the discussion."},
    )
    planned_time = TimeField(
        label="Time of the discussion",
        error_messages={"required": "Enter the time of the discussion."},
    )
    children = forms.MultipleChoiceField(
        widget=Checkboxes,
        label="Which children is it about?",
        error_messages={
            "required": "Select at least one child.",
            "invalid_choice": "Select children in this case.",
        },
    )

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.child_parties = {str(p.id): p for p in children}
        self.fields["children"].choices = party_choices(children)
        for index in range(INVITEE_ROWS):
            self.fields[f"invitee_agency_{index}"] = forms.CharField(
                required=False, max_length=200, label=f"Agency of invitee {index + 1}"
            )
            self.fields[f"invitee_name_{index}"] = forms.CharField(
                required=False, max_length=200, label=f"Name of invitee {index + 1}"
            )

    def invitee_rows(self) -> list[tuple]:
        return [
            (self[f"invitee_agency_{i}"], self[f"invitee_name_{i}"]) for i in range(INVITEE_ROWS)
        ]

    def plan_fields(self) -> dict:
        data = self.cleaned_data
        invitees = [
            {"agency": data[f"invitee_agency_{i}"], "name": data[f"invitee_name_{i}"]}
            for i in range(INVITEE_ROWS)
            if data[f"invitee_agency_{i}"].strip() or data[f"invitee_name_{i}"].strip()
        ]
        return {
            "planned_for": _moment(data["planned_on"], data["planned_time"]),
            "invitees": invitees,
            "children": [self.child_parties[key] for key in data["children"]],
        }


def _plan_errors(error: ValidationError) -> ValidationError:
    """The service's field names onto the page's: an invitee's part onto its row."""
    renamed: dict[str, list[str]] = {}
    for field, messages_ in error.message_dict.items():
        parts = field.split(".")
        if field == "planned_for":
            name = "planned_on"
        elif parts[0] == "invitees" and len(parts) == 3:
            name = f"invitee_{parts[2]}_{parts[1]}"
        elif parts[0] == "invitees":
            name = "invitee_agency_0"
        elif parts[0] == "children":
            name = "children"
        else:
            name = field
        renamed.setdefault(name, []).extend(messages_)
    return ValidationError(renamed)


@capability_required("safeguarding.strategy.record")
@GET_AND_POST
def strategy_plan(request, case_id):
    case = case_for_page(request, case_id, "safeguarding.strategy.record")
    children = [
        party
        for party in case_selectors.party_list(actor=request.user, case=case)
        if party.role in _CHILD_ROLES
    ]
    form = PlanForm(request.POST if request.method == "POST" else None, children=children)
    if request.method == "POST" and form.is_valid():
        try:
            discussion = strategy_planning.strategy_discussion_plan(
                actor=request.user, case=case, **form.plan_fields()
            )
        except ValidationError as error:
            form_errors_from(form, _plan_errors(error))
        except InvalidState as error:
            messages.error(request, error.message)
            return _to_strategy(case)
        else:
            messages.success(
                request,
                f"Strategy discussion planned for {discussion.planned_for:%d/%m/%Y at %H:%M}.",
            )
            return _to_strategy(case)
    return case_form_page(
        request,
        "safeguarding/strategy_plan_form.html",
        form=form,
        case=case,
        section="strategy-discussions",
        heading="Plan a strategy discussion",
        has_children=bool(children),
    )


class HoldForm(forms.Form):
    held_on = UKDateField(
        label="Date it was held", error_messages={"required": "Enter the date it was held."}
    )
    held_time = TimeField(
        label="Time it was held", error_messages={"required": "Enter the time it was held."}
    )
    attendees = text_answer(
        "Agencies and people present",
        max_length=2000,
        rows=3,
        required="Name the agencies present.",
        too_long="Keep the agencies and people present to 2000 characters or fewer.",
    )
    minutes = text_answer(
        "Minutes",
        max_length=20000,
        rows=8,
        required="Write the minutes of the discussion.",
        too_long="Keep the minutes to 20000 characters or fewer.",
    )

    def __init__(self, *args, pending=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pending = list(pending)
        for row in self.pending:
            key, name = str(row.child_id), row.child.person.full_name
            # Each message names the child: the error summary lists several children's.
            self.fields[f"section_47_{key}"] = radio_choice(
                f"Do section 47 enquiries start for {name}?",
                field=forms.TypedChoiceField,
                choices=[("yes", "Yes, start section 47 enquiries"), ("no", "No")],
                coerce=lambda value: value == "yes",
                required=f"Select whether section 47 enquiries start for {name}.",
                invalid=f"Select whether section 47 enquiries start for {name}.",
                help_text=term_explanation("section_47"),
            )
            self.fields[f"rationale_{key}"] = text_answer(
                f"Rationale for {name}",
                max_length=5000,
                rows=4,
                required=f"Write the rationale for the decision about {name}.",
                too_long="Keep the rationale to 5000 characters or fewer.",
            )

    def fieldsets(self) -> list[dict]:
        return [
            {
                "row": row,
                "section_47": self[f"section_47_{row.child_id}"],
                "rationale": self[f"rationale_{row.child_id}"],
            }
            for row in self.pending
        ]

    def hold_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "held_at": _moment(data["held_on"], data["held_time"]),
            "attendees": data["attendees"],
            "minutes": data["minutes"],
            "decisions": [
                {
                    "child": str(row.child_id),
                    "section_47_started": data[f"section_47_{row.child_id}"],
                    "rationale": data[f"rationale_{row.child_id}"],
                }
                for row in self.pending
            ],
        }


def _hold_errors(error: ValidationError, form: HoldForm) -> ValidationError:
    renamed: dict[str, list[str]] = {}
    for field, messages_ in error.message_dict.items():
        parts = field.split(".")
        if field == "held_at":
            name = "held_on"
        elif parts[0] == "decisions" and len(parts) == 3 and parts[1].isdigit():
            row = form.pending[int(parts[1])]
            kind = "section_47" if parts[2] == "section_47_started" else "rationale"
            name = f"{kind}_{row.child_id}"
        else:
            name = None
        renamed.setdefault(name or "__all__", []).extend(messages_)
    return ValidationError(renamed)


@capability_required("safeguarding.strategy.record")
@GET_AND_POST
def strategy_hold(request, case_id, discussion_id):
    case = case_for_page(request, case_id, "safeguarding.strategy.record")
    found = selectors.strategy_discussion_get_for_actor(
        actor=request.user, case=case, discussion_id=discussion_id
    )
    (discussion,) = strategy_discussions_with_deadlines([found])
    if discussion.status != "planned":
        messages.info(request, "That discussion is already recorded as held.")
        return _to_strategy(case)
    pending = [row for row in discussion.children if not row.decided]
    form = HoldForm(
        request.POST if request.method == "POST" else None,
        pending=pending,
        initial={"held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            strategy_planning.strategy_discussion_hold(
                actor=request.user, discussion=discussion, **form.hold_fields()
            )
        except ValidationError as error:
            form_errors_from(form, _hold_errors(error, form))
        except InvalidState as error:
            messages.info(request, error.message)
            return _to_strategy(case)
        else:
            messages.success(request, "Strategy discussion recorded as held.")
            return _to_strategy(case)
    return case_form_page(
        request,
        "safeguarding/strategy_hold_form.html",
        form=form,
        case=case,
        section="strategy-discussions",
        heading="Record the strategy discussion as held",
        discussion=discussion,
        decided=[row for row in discussion.children if row.decided],
    )


class DecisionForm(forms.Form):
    section_47_started = radio_choice(
        "Do section 47 enquiries start for this child?",
        field=forms.TypedChoiceField,
        choices=[("yes", "Yes, start section 47 enquiries"), ("no", "No")],
        coerce=lambda value: value == "yes",
        required="Select whether section 47 enquiries start for this child.",
        invalid="Select whether section 47 enquiries start for this child.",
        help_text=term_explanation("section_47"),
    )
    rationale = text_answer(
        "Rationale",
        max_length=5000,
        rows=5,
        required="Write the rationale for the decision.",
        too_long="Keep the rationale to 5000 characters or fewer.",
    )


@capability_required("safeguarding.strategy.record")
@GET_AND_POST
def strategy_decide(request, case_id, discussion_id):
    """The decision about one child of a discussion under way, the others pending: the
    child named by ?child=, or else the first still pending."""
    case = case_for_page(request, case_id, "safeguarding.strategy.record")
    found = selectors.strategy_discussion_get_for_actor(
        actor=request.user, case=case, discussion_id=discussion_id
    )
    (discussion,) = strategy_discussions_with_deadlines([found])
    chosen = request.GET.get("child")
    row = next(
        (
            r
            for r in discussion.children
            if (str(r.child_id) == chosen if chosen else not r.decided)
        ),
        None,
    )
    if row is None and chosen:
        raise Http404()
    if discussion.status != "planned" or row is None or row.decided:
        messages.info(request, "The decision about this child is already recorded.")
        return _to_strategy(case)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            strategy_planning.strategy_decision_record(
                actor=request.user, discussion=discussion, child=row.child, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_from(form, error)
        except InvalidState as error:
            messages.info(request, error.message)
            return _to_strategy(case)
        else:
            messages.success(
                request, f"The decision about {row.child.person.full_name} is recorded."
            )
            return _to_strategy(case)
    return case_form_page(
        request,
        "safeguarding/strategy_decision_form.html",
        form=form,
        case=case,
        section="strategy-discussions",
        heading=f"Decision for {row.child.person.full_name}",
        discussion=discussion,
        row=row,
    )


urlpatterns = [
    path(
        "cases/<uuid:case_id>/strategy-discussions/plan/",
        strategy_plan,
        name="case-strategy-plan",
    ),
    path(
        "cases/<uuid:case_id>/strategy-discussions/<uuid:discussion_id>/hold/",
        strategy_hold,
        name="case-strategy-hold",
    ),
    path(
        "cases/<uuid:case_id>/strategy-discussions/<uuid:discussion_id>/decide/",
        strategy_decide,
        name="case-strategy-decide",
    ),
]
