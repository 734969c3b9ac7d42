"""Pages for a case's material summary (metadata only) and its activist-group evidence."""

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases import selectors
from cases.case_tabs import case_section_url
from cases.models import CaseSource
from cases.selectors.material import activist_evidence_get_for_actor
from cases.services import material as material_services
from common.errors import InvalidState, PreconditionFailed, ValidationError
from common.glossary import term_explanation
from common.pages import capability_required, form_errors_from, form_save

_FIRST_GENERATION = {"yes": True, "no": False, "unknown": None}
_YES_NO = {"yes": True, "no": False}
_YES_NO_FIELDS = ("decoy_posed_as_child", "suspect_confronted", "confrontation_streamed_live")

_COUNT_HINTS = {
    "A": "Images involving penetrative sexual activity, sexual activity with an animal, or sadism.",
    "B": "Images involving non-penetrative sexual activity.",
    "C": "Other indecent images not falling within categories A or B.",
}


def _count_field(category: str) -> forms.IntegerField:
    message = "Enter a whole number, 0 or more."
    return forms.IntegerField(
        label=f"Category {category}",
        help_text=_COUNT_HINTS[category],
        min_value=0,
        max_value=material_services.MAX_COUNT,
        error_messages={
            "required": f"Enter the number of category {category} images, or 0.",
            "invalid": message,
            "min_value": message,
            "max_value": f"Must be at most {material_services.MAX_COUNT:,}: check the number.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )


def _described(label: str, missing: str, help_text: str) -> forms.CharField:
    """A required answer in a few lines of text."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        error_messages={"required": missing},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _yes_no_field(label: str, missing: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("yes", "Yes"), ("no", "No")],
        error_messages={"required": missing},
        widget=forms.RadioSelect,
    )


def _reference_field(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=material_services.MAX_REFERENCE_LENGTH,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )


def hash_lines_parse(text: str) -> list[dict]:
    """One hash a line, as `sha256:abc...` or bare hex whose length says the
    algorithm. Each problem is named by its line number, as the officer sees it."""
    problems: list[str] = []
    hashes: list[dict] = []
    first_seen: dict[tuple[str, str], int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        algorithm, separator, value = line.partition(":")
        try:
            if separator:
                algorithm = material_services.hash_algorithm_normalise(algorithm)
            else:
                value = line
                algorithm = _algorithm_from_length(value)
            value = material_services.hash_value_normalise(algorithm, value)
        except material_services.HashProblem as problem:
            problems.append(f"Line {number}: {problem}")
            continue
        key = (algorithm, value)
        if key in first_seen:
            problems.append(f"Line {number}: the same as line {first_seen[key]}.")
            continue
        first_seen[key] = number
        hashes.append({"algorithm": algorithm, "value": value})
    if problems:
        raise forms.ValidationError(problems)
    if len(hashes) > material_services.MAX_HASHES:
        raise forms.ValidationError(
            f"Record at most {material_services.MAX_HASHES:,} hashes here. "
            "Keep the full list in the case file and give its reference."
        )
    return hashes


def _algorithm_from_length(value: str) -> str:
    hex_value = material_services.hex_normalise(value)
    try:
        return material_services.ALGORITHM_BY_LENGTH[len(hex_value)]
    except KeyError:
        raise material_services.HashProblem(
            "start the line with md5:, sha1: or sha256:, or give a hash of 32, 40 or 64 "
            f"hexadecimal characters; this has {len(hex_value)}."
        ) from None


def hash_lines_format(hashes: list[dict]) -> str:
    return "\n".join(f"{entry['algorithm']}:{entry['value']}" for entry in hashes)


class _ReplacedWholeForm(forms.Form):
    """A form that replaces a case's one record of a kind: after its own fields, the
    reason for the change and the version it was read at."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = forms.CharField(
            label="Reason for the change (optional)",
            required=False,
            max_length=500,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, min_value=0
        )


class MaterialSummaryForm(_ReplacedWholeForm):
    category_a_count = _count_field("A")
    category_b_count = _count_field("B")
    category_c_count = _count_field("C")
    first_generation = forms.ChoiceField(
        label="Is any of it first generation?",
        help_text="First generation means not previously known: not yet in the Child Abuse "
        "Image Database.",
        choices=[("yes", "Yes"), ("no", "No"), ("unknown", "Not known")],
        error_messages={"required": "Say whether any of it is first generation, or not known."},
        widget=forms.RadioSelect,
    )
    caid_reference = _reference_field("CAID reference", term_explanation("caid"))
    ncmec_report_id = _reference_field("NCMEC CyberTipline report id")
    nca_package_reference = _reference_field("NCA package reference")
    hashes = forms.CharField(
        label="Hashes",
        required=False,
        help_text="One a line, such as sha256:9f86d0… or just the hexadecimal value "
        "(32 characters for MD5, 40 for SHA-1, 64 for SHA-256).",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
    )

    def clean_hashes(self) -> list[dict]:
        return hash_lines_parse(self.cleaned_data["hashes"])


def _material_initial(summary) -> dict:
    if summary is None:
        return {
            "category_a_count": 0,
            "category_b_count": 0,
            "category_c_count": 0,
            "version": 0,
        }
    first_generation = next(
        key for key, value in _FIRST_GENERATION.items() if value is summary.first_generation
    )
    return {
        "category_a_count": summary.category_a_count,
        "category_b_count": summary.category_b_count,
        "category_c_count": summary.category_c_count,
        "first_generation": first_generation,
        "caid_reference": summary.caid_reference,
        "ncmec_report_id": summary.ncmec_report_id,
        "nca_package_reference": summary.nca_package_reference,
        "hashes": hash_lines_format(summary.hashes),
        "version": summary.version,
    }


@capability_required("cases.material.change")
@require_http_methods(["GET", "POST"])
def material_edit(request, case_id):
    case = selectors.case_get_for_actor(
        actor=request.user, case_id=case_id, action="cases.material.change", log=False
    )
    summary = selectors.material_get_for_actor(actor=request.user, case=case)
    form = MaterialSummaryForm(request.POST or None, initial=_material_initial(summary))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if form_save(
            form,
            material_services.material_summary_put,
            actor=request.user,
            case=case,
            expected_version=data.pop("version") or 0,
            first_generation=_FIRST_GENERATION[data.pop("first_generation")],
            **data,
        ):
            messages.success(request, "The material summary is saved.")
            return redirect(case_section_url(case.id, "material"))
    context = {"case": case, "summary": summary, "form": form}
    return render(request, "cases/material_form.html", context)


class ActivistEvidenceForm(_ReplacedWholeForm):
    group_name = forms.CharField(
        label="Name of the group",
        max_length=200,
        error_messages={"required": "Enter the name of the group."},
    )
    decoy_posed_as_child = _yes_no_field(
        "Did a decoy pose as a child?", "Say whether a decoy posed as a child."
    )
    suspect_confronted = _yes_no_field(
        "Was the suspect confronted?", "Say whether the suspect was confronted."
    )
    confrontation_streamed_live = _yes_no_field(
        "Was the confrontation streamed live?", "Say whether the confrontation was streamed live."
    )
    handed_over = _described(
        "What the group handed over",
        "Say what the group handed over.",
        "Devices, screenshots, chat logs, recordings: describe them. Do not attach any material.",
    )
    handed_over_on = forms.DateField(
        label="Date handed over",
        help_text="For example, 27/03/2026",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={
            "required": "Enter the date the evidence was handed over.",
            "invalid": "Enter a real date, such as 27/03/2026.",
        },
    )
    handed_over_time = forms.TimeField(
        label="Time handed over",
        help_text="24-hour clock, for example 14:30",
        input_formats=["%H:%M", "%H.%M"],
        error_messages={
            "required": "Enter the time the evidence was handed over.",
            "invalid": "Enter a time on the 24-hour clock, such as 14:30.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    chain_of_custody = _described(
        "Chain of custody",
        "Describe the chain of custody.",
        "Who held the evidence, from the group to the police, and when.",
    )
    suspect_alerted_risk = _described(
        "Risk that the suspect was alerted",
        "Describe the risk that the suspect was alerted.",
        "For example, by a live stream, and what follows from it (such as a risk "
        "that evidence is destroyed, or to the suspect's safety).",
    )

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("handed_over_on"), cleaned.get("handed_over_time")
        if day is not None and time is not None:
            cleaned["handed_over_at"] = timezone.make_aware(datetime.combine(day, time))
        return cleaned


def _activist_initial(evidence) -> dict:
    if evidence is None:
        return {"version": 0}
    handed_over_at = timezone.localtime(evidence.handed_over_at)
    initial = {
        name: getattr(evidence, name)
        for name in ("group_name", "handed_over", "chain_of_custody", "suspect_alerted_risk")
    }
    for name in _YES_NO_FIELDS:
        initial[name] = "yes" if getattr(evidence, name) else "no"
    return {
        **initial,
        "handed_over_on": handed_over_at.strftime("%d/%m/%Y"),
        "handed_over_time": handed_over_at.strftime("%H:%M"),
        "version": evidence.version,
    }


@capability_required("cases.case.change")
@require_http_methods(["GET", "POST"])
def activist_evidence_edit(request, case_id):
    case = selectors.case_get_for_actor(
        actor=request.user, case_id=case_id, action="cases.case.change", log=False
    )
    from_activists = case.source == CaseSource.ACTIVIST_GROUP
    evidence = activist_evidence_get_for_actor(actor=request.user, case=case)
    form = ActivistEvidenceForm(request.POST or None, initial=_activist_initial(evidence))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        del data["handed_over_on"], data["handed_over_time"]
        for name in _YES_NO_FIELDS:
            data[name] = _YES_NO[data[name]]
        try:
            material_services.activist_evidence_put(
                actor=request.user, case=case, expected_version=data.pop("version") or 0, **data
            )
        except ValidationError as error:
            _activist_errors(form, error)
        except PreconditionFailed as stale:
            form.add_error(None, stale.message)
        except InvalidState as refused:
            form.add_error(None, refused.message)
            status = 409
        else:
            messages.success(request, "The activist-group evidence is saved.")
            return redirect(case_section_url(case.id, "activist-evidence"))
    context = {
        "case": case,
        "evidence": evidence,
        "form": form,
        "from_activists": from_activists,
    }
    return render(request, "cases/activist_evidence_form.html", context, status=status)


def _activist_errors(form, error: ValidationError) -> None:
    # The service speaks of one moment; the page asks for its date and time apart.
    messages_by_field = dict(error.message_dict)
    if "handed_over_at" in messages_by_field:
        messages_by_field["handed_over_on"] = messages_by_field.pop("handed_over_at")
    form_errors_from(form, ValidationError(messages_by_field))


urlpatterns = [
    path("cases/<uuid:case_id>/material/", material_edit, name="case-material-edit"),
    path(
        "cases/<uuid:case_id>/activist-evidence/",
        activist_evidence_edit,
        name="case-activist-evidence-edit",
    ),
]
