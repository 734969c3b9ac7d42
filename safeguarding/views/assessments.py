"""Pages for risk assessments: choose who and with which template, answer its
factors, and see the result with the computed level beside any override."""

from dataclasses import dataclass
from typing import cast

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from agencies import access
from cases import selectors as case_selectors
from cases.forms import Radios, UKDateField
from cases.models import PartyRole
from cases.services.common import log_case_read
from common.errors import ValidationError
from common.pages import capability_required
from safeguarding import selectors
from safeguarding.forms import party_choices, radio_choice
from safeguarding.models import SHARED_LEVEL_DEFINITIONS, FactorAnswer, SharedLevel
from safeguarding.models.assessment import NOTE_MAX_LENGTH
from safeguarding.risk_templates import (
    Factor,
    Template,
    level_compute,
    template_get,
    templates_for_agency_kind,
    templates_for_subject,
)
from safeguarding.services import assessments as assessment_services
from safeguarding.services.scales import agency_grade

# --- The computation, as the template writes it down


@dataclass(frozen=True)
class RuleText:
    steps: list[str]
    notes: list[str]


def rule_text(template: Template) -> RuleText:
    """The template's written rule as numbered steps and the notes that follow:
    the same words, without the line breaks of the source."""
    steps: list[str] = []
    notes: list[str] = []
    blocks = template.explanation.split("\n\n")
    for line in blocks[0].splitlines():
        stripped = line.strip()
        head, _, rest = stripped.partition(". ")
        if head.isdigit():
            steps.append(rest)
        elif steps:
            steps[-1] = f"{steps[-1]} {stripped}"
    notes = [" ".join(block.split()) for block in blocks[1:]]
    return RuleText(steps=steps, notes=notes)


def _threshold_lines(template: Template) -> list[str]:
    lines = []
    for combination in template.critical_combinations:
        labels = " and ".join(
            cast(Factor, template.factor(key)).label for key in sorted(combination)
        )
        lines.append(f"Critical combination: {labels}.")
    lines.append(
        f"Thresholds: critical at a score of {template.critical_score}, high at "
        f"{template.high_score}, medium at {template.medium_score}."
    )
    return lines


# --- Step 1: who, and with which template


def _subjects_text(template: Template) -> str:
    roles = [
        str(label).lower() for role, label in PartyRole.choices if role in template.subject_roles
    ]
    return " or ".join(roles)


class ChooseForm(forms.Form):
    subject = radio_choice(
        "Who are you assessing?",
        required="Select who you are assessing.",
        invalid="Select a person in this case.",
    )
    template = radio_choice(
        "Which assessment?",
        required="Select the assessment.",
        invalid="Select one of the assessments your agency uses.",
    )

    def __init__(self, *args, parties=(), templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {str(p.pk): p for p in parties}
        self.templates = {t.key: t for t in templates}
        self.fields["subject"].choices = party_choices(parties)
        self.fields["template"].choices = [(t.key, t.name) for t in templates]

    def clean(self):
        cleaned = super().clean()
        party = self.parties.get(cleaned.get("subject") or "")
        template = self.templates.get(cleaned.get("template") or "")
        if party is not None and template is not None and party.role not in template.subject_roles:
            self.add_error(
                "subject",
                f"'{template.name}' is not for a {party.get_role_display().lower()}: "
                "choose another person or another assessment.",
            )
        cleaned["party"], cleaned["template_obj"] = party, template
        return cleaned


# --- Step 2: the factors, the review date and any override

_ANSWER = "answer_"
_NOTE = "note_"


class AssessmentForm(forms.Form):
    """Parses what was typed; the service decides what is valid and its messages come
    back onto these fields (`answers.<key>` onto that factor's radios)."""

    def __init__(self, *args, template: Template, may_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        for factor in template.factors:
            self.fields[f"{_ANSWER}{factor.key}"] = forms.ChoiceField(
                required=False,
                choices=FactorAnswer.choices,
                widget=Radios,
                label=factor.label,
                error_messages={"invalid_choice": "Choose yes, no or not known."},
            )
            self.fields[f"{_NOTE}{factor.key}"] = forms.CharField(
                required=False,
                max_length=NOTE_MAX_LENGTH,
                label=format_html(
                    'Note<span class="govuk-visually-hidden"> on {}</span> (optional)',
                    factor.label.lower(),
                ),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["review_on"] = UKDateField(required=False, label="Review date")
        if may_override:
            self.fields["override_level"] = forms.ChoiceField(
                required=False,
                choices=[("", "No: the computed level stands"), *SharedLevel.choices],
                widget=Radios,
                label="Does your professional judgement set a different level?",
                help_text="The computed level is kept and shown beside yours.",
                error_messages={"invalid_choice": "Choose one of the shared levels."},
            )
            # Each level's meaning under its radio, where the choice is made.
            override = self.fields["override_level"]
            override.item_hints = SHARED_LEVEL_DEFINITIONS  # type: ignore[attr-defined]
            self.fields["override_rationale"] = forms.CharField(
                required=False,
                label="Rationale for your judgement",
                help_text="Needed when you set a level: what you know that the factors do not say.",
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def groups(self) -> list[dict]:
        groups: list[dict] = []
        for factor in self.template.factors:
            if not groups or groups[-1]["heading"] != factor.group:
                groups.append({"heading": factor.group, "factors": []})
            groups[-1]["factors"].append(
                {"answer": self[f"{_ANSWER}{factor.key}"], "note": self[f"{_NOTE}{factor.key}"]}
            )
        return groups

    def answers(self) -> dict:
        data = self.cleaned_data
        answers = {}
        for factor in self.template.factors:
            answer = data.get(f"{_ANSWER}{factor.key}")
            if answer:
                answers[factor.key] = {
                    "answer": answer,
                    "note": data.get(f"{_NOTE}{factor.key}", ""),
                }
        return answers

    def errors_from(self, error: ValidationError) -> None:
        """The service's field names, onto this form's fields."""
        for name, field_messages in error.message_dict.items():
            target: str | None = name
            if name.startswith("answers."):
                target = f"{_ANSWER}{name.removeprefix('answers.')}"
            if target not in self.fields:
                target = None
            for message in field_messages:
                self.add_error(target, message)


# --- The pages


def _case_for(request, case_id, action: str):
    return case_selectors.case_get_for_actor(
        actor=request.user, case_id=case_id, action=action, log=False
    )


@capability_required("safeguarding.assessment.add")
@require_http_methods(["GET", "POST"])
def assessment_create(request, case_id):
    case = _case_for(request, case_id, "safeguarding.assessment.add")
    membership = access.membership_of(request.user)
    templates = templates_for_agency_kind(membership.agency.kind)
    roles = set().union(*(t.subject_roles for t in templates)) if templates else set()
    parties = list(
        case_selectors.party_list(actor=request.user, case=case).filter(role__in=sorted(roles))
    )
    # With only one person or one assessment to choose, it is chosen already.
    only = {}
    if len(parties) == 1:
        only["subject"] = str(parties[0].pk)
    # The templates a person can be assessed with follow their part in the case:
    # with one person to choose, the only template that fits them is chosen already
    # (a person chosen by hand still chooses the assessment, which says what fits).
    party_chosen = parties[0] if len(parties) == 1 else None
    fitting = (
        templates_for_subject(membership.agency.kind, party_chosen.role)
        if party_chosen is not None
        else templates
    )
    if len(fitting) == 1:
        only["template"] = fitting[0].key
    if any(key in request.GET for key in ("continue", "subject", "template")):
        chosen = {key: request.GET.get(key, "") for key in ("subject", "template")}
        choose = ChooseForm(
            {key: value or only.get(key, "") for key, value in chosen.items()},
            parties=parties,
            templates=templates,
        )
    else:
        choose = ChooseForm(initial=only, parties=parties, templates=templates)
    context = {
        "case": case,
        "case_url": reverse("case-detail", args=[case.id]),
        "templates": templates,
        "template_subjects": [{"name": t.name, "subjects": _subjects_text(t)} for t in templates],
        "parties": parties,
    }
    if not (choose.is_bound and choose.is_valid()):
        return render(request, "safeguarding/assessment_choose.html", {**context, "form": choose})
    party, template = choose.cleaned_data["party"], choose.cleaned_data["template_obj"]
    may_override = access.can(request.user, "safeguarding.assessment.override", case)
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        template=template,
        may_override=may_override,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = assessment_services.assessment_record(
                actor=request.user,
                case=case,
                subject=party,
                template_key=template.key,
                answers=form.answers(),
                review_on=data["review_on"],
                override_level=data.get("override_level", ""),
                override_rationale=data.get("override_rationale", ""),
            )
        except ValidationError as error:
            form.errors_from(error)
        else:
            messages.success(
                request,
                f"The assessment of {party.person.full_name} is recorded.",
            )
            return redirect("case-assessment-detail", case_id=case.id, assessment_id=assessment.pk)
    rule = rule_text(template)
    context.update(
        {
            "form": form,
            "party": party,
            "template": template,
            "may_override": may_override,
            "groups": form.groups(),
            "rule": rule,
            "factor_weights": template.factors,
            "threshold_lines": _threshold_lines(template),
            "change_url": reverse("case-assessment-create", args=[case.id]),
        }
    )
    return render(request, "safeguarding/assessment_form.html", context)


def _answer_rows(template: Template | None, assessment) -> list[dict]:
    labels = dict(FactorAnswer.choices)
    rows: list[dict] = []
    factors = template.factors if template else ()
    for factor in factors:
        given = assessment.answers.get(factor.key, {})
        if not rows or rows[-1]["heading"] != factor.group:
            rows.append({"heading": factor.group, "answers": []})
        rows[-1]["answers"].append(
            {
                "label": factor.label,
                "answer": labels.get(given.get("answer"), "Not known"),
                "note": given.get("note", ""),
            }
        )
    return rows


@capability_required("safeguarding.assessment.view")
@require_GET
def assessment_detail(request, case_id, assessment_id):
    case = _case_for(request, case_id, "safeguarding.assessment.view")
    assessment = selectors.assessment_get_for_actor(
        actor=request.user, case=case, assessment_id=assessment_id
    )
    log_case_read(
        actor=request.user,
        action="safeguarding.assessment.viewed",
        case=case,
        object_type="assessment",
        object_id=assessment.pk,
    )
    template = template_get(assessment.template_key, assessment.template_version)
    scale_levels = list(assessment.scale.levels.all()) if assessment.scale else []
    computation = (
        level_compute(template, {k: v["answer"] for k, v in assessment.answers.items()})
        if template
        else None
    )
    newer = getattr(assessment, "superseded_by", None)
    context = {
        "case": case,
        "case_url": reverse("case-detail", args=[case.id]),
        "assessment": assessment,
        "template": template,
        "computed_grade": agency_grade(scale_levels, assessment.computed_level),
        "override_grade": (
            agency_grade(scale_levels, assessment.override_level)
            if assessment.override_level
            else ""
        ),
        "reasons": computation.reasons if computation else (),
        "answer_groups": _answer_rows(template, assessment),
        "rule": rule_text(template) if template else None,
        "superseded_by": newer,
        "may_assess": access.can(request.user, "safeguarding.assessment.add", case),
    }
    return render(request, "safeguarding/assessment_detail.html", context)


urlpatterns = [
    path(
        "cases/<uuid:case_id>/assessments/new/",
        assessment_create,
        name="case-assessment-create",
    ),
    path(
        "cases/<uuid:case_id>/assessments/<uuid:assessment_id>/",
        assessment_detail,
        name="case-assessment-detail",
    ),
]
