"""Pages for the shared language of risk: the shared levels and every agency's
scale mapped to them, and, for an agency's admin, editing their own scale (each
save a new version) and their targets for first action."""

import re
from typing import cast

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from agencies.access import SIGNED_IN, can, membership_of
from agencies.selectors import agency_list
from common.errors import NotFound, PreconditionFailed, PreconditionRequired, ValidationError
from common.pages import capability_required, form_errors_from
from safeguarding import selectors
from safeguarding.models import ActionTarget, SharedLevel
from safeguarding.models.queue import target_levels
from safeguarding.risk_templates import COMPUTATION_RULE, Factor, Template, templates_current
from safeguarding.selectors.vocabulary import (
    action_targets_for,
    own_agency_get,
    scale_get,
    scale_versions,
    shared_levels,
)
from safeguarding.services import scales as scale_services

MANAGE = "safeguarding.scale.manage"
# The page offers this many grade rows, or more if a scale already has more.
GRADE_ROWS = 8
_NUMBERED = re.compile(r"^\d+\. ")
_GRADE_ERROR = re.compile(r"^levels\[(\d+)\]\.(label|definition|shared_level)$")


def rule_paragraphs(text: str) -> list[str]:
    """The computation rule as paragraphs: its hard-wrapped lines joined, each
    numbered step a paragraph of its own."""
    paragraphs: list[list[str]] = []
    for block in text.split("\n\n"):
        current: list[str] = []
        for line in block.splitlines():
            if _NUMBERED.match(line) and current:
                paragraphs.append(current)
                current = []
            current.append(line.strip())
        if current:
            paragraphs.append(current)
    return [" ".join(lines) for lines in paragraphs]


def _combinations_in_words(template: Template) -> list[str]:
    return [
        " and ".join(cast(Factor, template.factor(key)).label for key in sorted(combination))
        for combination in template.critical_combinations
    ]


# --- The vocabulary


@capability_required(SIGNED_IN)
@require_GET
def risk_vocabulary(request):
    own_agency = membership_of(request.user).agency
    scales = list(selectors.scale_list())
    scaled_agencies = {scale.agency_id for scale in scales}
    context = {
        "levels": shared_levels(),
        "scales": scales,
        "own_agency": own_agency,
        "targets": action_targets_for(actor=request.user, agency=own_agency),
        "may_manage": can(request.user, MANAGE),
        "agencies_without_scale": [
            agency for agency in agency_list() if agency.pk not in scaled_agencies
        ],
        "templates": [
            {"template": template, "combinations": _combinations_in_words(template)}
            for template in templates_current()
        ],
        "rule": rule_paragraphs(COMPUTATION_RULE),
    }
    return render(request, "safeguarding/vocabulary.html", context)


# --- An agency's own scale


class ScaleForm(forms.Form):
    """Parses what was typed; the service decides what a valid scale is, and its
    messages come back onto the rows they name."""

    name = forms.CharField(
        label="Name of the scale",
        help_text="For example, Suspect prioritisation.",
        max_length=100,
        error_messages={
            "required": "Enter the scale's name.",
            "max_length": "Keep the scale's name to 100 characters or fewer.",
        },
    )
    reason = forms.CharField(
        label="Why it is changing",
        help_text="Kept with the new version.",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep the reason to 300 characters or fewer."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, rows: int = GRADE_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_count = rows
        choices = [("", "Choose a shared level"), *SharedLevel.choices]
        for number in range(1, rows + 1):
            self.fields[f"label_{number}"] = forms.CharField(
                label="Grade",
                max_length=60,
                required=False,
                error_messages={"max_length": "Keep the grade's name to 60 characters or fewer."},
            )
            self.fields[f"definition_{number}"] = forms.CharField(
                label="What it means",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"shared_level_{number}"] = forms.ChoiceField(
                label="Shared level",
                choices=choices,
                required=False,
                error_messages={"invalid_choice": "Choose one of the shared levels."},
            )

    def rows(self) -> list[dict]:
        return [
            {
                "number": number,
                "label": self[f"label_{number}"],
                "definition": self[f"definition_{number}"],
                "shared_level": self[f"shared_level_{number}"],
            }
            for number in range(1, self.row_count + 1)
        ]

    def grades(self) -> tuple[list[dict], list[int]]:
        """The rows with anything typed in them, in order, and which row each came from.
        Wholly empty rows are left out; a half-filled row goes to the service, which
        names what it lacks."""
        grades, numbers = [], []
        for number in range(1, self.row_count + 1):
            grade = {
                key: self.cleaned_data.get(f"{key}_{number}") or ""
                for key in ("label", "definition", "shared_level")
            }
            if any(value.strip() for value in grade.values()):
                grades.append(grade)
                numbers.append(number)
        return grades, numbers


def _scale_initial(scale) -> dict:
    if scale is None:
        return {"version": 0}
    initial = {"name": scale.name, "version": scale.version}
    for level in scale.levels.all():
        initial[f"label_{level.position}"] = level.label
        initial[f"definition_{level.position}"] = level.definition
        initial[f"shared_level_{level.position}"] = level.shared_level
    return initial


def _grade_errors_onto_rows(form: ScaleForm, error: ValidationError, numbers: list[int]) -> None:
    """The service names a grade by its place among the grades sent (from 1); the
    page shows it on the row it was typed in."""
    by_field: dict[str, list[str]] = {}
    for key, messages_ in error.message_dict.items():
        match = _GRADE_ERROR.match(key)
        if match and 1 <= int(match.group(1)) <= len(numbers):
            key = f"{match.group(2)}_{numbers[int(match.group(1)) - 1]}"
        elif key == "levels":
            key = "__all__"
        by_field.setdefault(key, []).extend(messages_)
    form_errors_from(form, ValidationError(by_field))


def _current_scale(agency):
    try:
        return scale_get(agency=agency)
    except NotFound:
        return None


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def risk_scale_edit(request, agency_slug):
    agency = own_agency_get(actor=request.user, slug=agency_slug, action=MANAGE)
    current = _current_scale(agency)
    rows = max(GRADE_ROWS, len(current.levels.all()) if current else 0)
    form = ScaleForm(
        request.POST if request.method == "POST" else None,
        initial=_scale_initial(current),
        rows=rows,
    )
    if request.method == "POST" and form.is_valid():
        grades, numbers = form.grades()
        try:
            scale = scale_services.scale_put(
                actor=request.user,
                agency=agency,
                name=form.cleaned_data["name"],
                levels=grades,
                expected_version=form.cleaned_data["version"] or 0,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _grade_errors_onto_rows(form, error, numbers)
        except (PreconditionFailed, PreconditionRequired) as stale:
            form.add_error(None, stale.message)
        else:
            messages.success(request, f"Version {scale.version} of {agency.name}'s scale is saved.")
            return redirect(reverse("risk-scale-edit", args=[agency.slug]))
    context = {
        "agency": agency,
        "current": current,
        "versions": list(scale_versions(agency=agency)),
        "form": form,
    }
    return render(request, "safeguarding/scale_form.html", context)


# --- An agency's targets for first action


def _target_field(level: SharedLevel) -> forms.IntegerField:
    message = "Enter a whole number of working days, from 0 to 260."
    return forms.IntegerField(
        label=level.label,
        help_text=f"Default: {ActionTarget.DEFAULTS[level]} working days.",
        min_value=0,
        max_value=260,
        error_messages={
            "required": f"Enter the target for {level.value}, in working days.",
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )


class TargetsForm(forms.Form):
    """A field per shared level, named by it, in the order of the defaults."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for level in target_levels():
            self.fields[level.value] = _target_field(level)


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def risk_targets_edit(request, agency_slug):
    agency = own_agency_get(actor=request.user, slug=agency_slug, action=MANAGE)
    targets = action_targets_for(actor=request.user, agency=agency)
    form = TargetsForm(request.POST if request.method == "POST" else None, initial=targets)
    if request.method == "POST" and form.is_valid():
        try:
            scale_services.action_targets_put(
                actor=request.user, agency=agency, targets=dict(form.cleaned_data)
            )
        except ValidationError as error:
            by_level = {
                key.removeprefix("targets."): value for key, value in error.message_dict.items()
            }
            form_errors_from(form, ValidationError(by_level))
        else:
            messages.success(
                request,
                "The targets are saved. The action due dates of waiting cases have moved to match.",
            )
            return redirect(reverse("risk-vocabulary") + "#targets")
    return render(request, "safeguarding/targets_form.html", {"agency": agency, "form": form})


urlpatterns = [
    path("risk/", risk_vocabulary, name="risk-vocabulary"),
    path("risk/scales/<slug:agency_slug>/edit/", risk_scale_edit, name="risk-scale-edit"),
    path("risk/targets/<slug:agency_slug>/edit/", risk_targets_edit, name="risk-targets-edit"),
]
