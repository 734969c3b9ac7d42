"""Pages for a person (issue 19): the person's page with their possible duplicates;
the merge page (both records side by side, the one to keep, the reason); the merge's
record, with its undo while it may be undone."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies import access
from agencies.audit import access_read_record
from cases import selectors
from cases.models import Person, PersonMerge
from cases.models.merge import MERGE_UNDO_WORKING_DAYS, REASON_MAX_LENGTH
from cases.selectors.duplicates import (
    Duplicate,
    PersonDetails,
    duplicate_candidates,
    person_duplicates,
)
from cases.selectors.person_merges import (
    person_merge_get_for_actor,
    person_merge_is_undoable,
    person_merge_list_for_person,
    person_merge_moves_summary,
)
from cases.services import person_merge as merge_services
from common.errors import InvalidState, NotFound, ValidationError
from common.pages import capability_required, form_errors_from, form_save

MERGE = "cases.person.merge"


def _person(request, person_id, *, log: bool = True) -> Person:
    return selectors.person_get_for_actor(
        actor=request.user, person_id=person_id, log=log, include_merged=True
    )


def _log_duplicates(request, found) -> None:
    access_read_record(
        actor=request.user,
        action="cases.person.duplicates_listed",
        object_type="person",
        justification="possible duplicates",
        records=[duplicate.person for duplicate in found],
    )


# --- Warnings where a person is searched for or recorded (cases.views.case_forms)


def duplicates_of_search(request, search) -> list[Duplicate]:
    """The possible duplicates of the person a search describes, before recording
    them: "Jess Taylor" and a date of birth."""
    words = search.cleaned_data["name"].split()
    details = PersonDetails(
        first_name=" ".join(words[:-1]) if len(words) > 1 else "",
        last_name=words[-1] if words else "",
        date_of_birth=search.cleaned_data["date_of_birth"],
    )
    found = duplicate_candidates(actor=request.user, details=details)
    if found:
        _log_duplicates(request, found)
    return found


def duplicates_of_new_person(request, person: Person) -> None:
    """A warning, after a person is recorded, naming the records that may be them."""
    found = person_duplicates(actor=request.user, person=person)
    if not found:
        return
    _log_duplicates(request, found)
    named = "; ".join(
        f"{d.person.full_name} (score {d.score}: {', '.join(d.reasons)})" for d in found[:3]
    )
    messages.warning(
        request,
        f"Possible duplicates of {person.full_name}: {named}. A supervisor can compare and "
        "merge them from the person's page.",
    )


# --- The person's page


@capability_required("cases.person.view")
@require_GET
def person_page(request, person_id):
    person = _person(request, person_id)
    may_merge = access.can(request.user, MERGE)
    parts = list(
        selectors.visible_parties(request.user)
        .filter(person=person, case__in=selectors.case_scope(request.user))
        .select_related("case")
        .order_by("-case__received_on", "case_id", "role")
    )
    duplicates = (
        [] if person.merged_into_id else person_duplicates(actor=request.user, person=person)
    )
    if duplicates:
        _log_duplicates(request, duplicates)
    context = {
        "person": person,
        "parts": parts,
        "duplicates": duplicates,
        "may_merge": may_merge,
        "merges": list(person_merge_list_for_person(actor=request.user, person=person))
        if may_merge
        else [],
    }
    return render(request, "cases/people/person_detail.html", context)


# --- The merge


class MergeForm(forms.Form):
    survivor = forms.ChoiceField(
        required=False,
        label="Which record do you keep?",
        help_text="The other record's parts in cases, identifiers, flags and referrals "
        "move to it. The other record is kept, hidden, so the merge can be undone.",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX_LENGTH,
        label="Why are these records the same person?",
        help_text="Kept in the history of both records and of each part that moves.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"Keep the reason to {REASON_MAX_LENGTH} characters."},
    )

    def __init__(self, *args, people: tuple[Person, Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        self.fields["survivor"].choices = [  # type: ignore[attr-defined]
            (str(p.pk), f"{p.full_name}, recorded {p.created_at:%-d %b %Y}") for p in people
        ]
        self.fields["survivor"].error_messages["invalid_choice"] = (
            "Choose which of the two records to keep."
        )

    def clean_survivor(self):
        chosen = self.cleaned_data.get("survivor")
        if not chosen:
            raise forms.ValidationError("Choose which of the two records to keep.")
        return chosen


@capability_required(MERGE)
@require_http_methods(["GET", "POST"])
def person_merge_page(request, person_id):
    """GET: both records side by side (`?other=` the other one, else the person's
    possible duplicates to choose from); POST: the merge."""
    person = _person(request, person_id, log=request.method == "GET")
    other_id = request.POST.get("other") or request.GET.get("other")
    if not other_id:
        duplicates = person_duplicates(actor=request.user, person=person)
        _log_duplicates(request, duplicates)
        return render(
            request,
            "cases/people/person_merge_choose.html",
            {"person": person, "duplicates": duplicates},
        )
    try:
        other = _person(request, other_id, log=request.method == "GET")
    except NotFound as exc:
        raise Http404() from exc
    form = MergeForm(request.POST or None, people=(person, other))
    if request.method == "POST" and form.is_valid():
        try:
            merge = merge_services.person_merge(
                actor=request.user,
                person=person,
                other_person=other,
                survivor=form.people[form.cleaned_data["survivor"]],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as refused:
            form_errors_from(form, _on_the_form(refused))
        else:
            messages.success(
                request,
                f"{merge.merged.full_name} is merged into {merge.survivor.full_name}. "
                f"The merge can be undone until {merge.undo_until:%-d %B %Y}.",
            )
            return redirect("person-merge-detail-page", merge_id=merge.pk)
    context = {
        "person": person,
        "other": other,
        "form": form,
        "comparison": _comparison(request, person, other),
    }
    return render(request, "cases/people/person_merge_form.html", context)


def _on_the_form(refused: ValidationError) -> ValidationError:
    """The service names the two records `person` and `other_person`: on this page
    neither is a field, so their refusals go at the top, above the comparison."""
    return ValidationError(
        {
            ("__all__" if name in {"person", "other_person"} else name): texts
            for name, texts in refused.message_dict.items()
        }
    )


def _comparison(request, person: Person, other: Person) -> list[tuple[str, str, str]]:
    """The two records' details side by side, with the number of parts each holds in
    cases the reader may see."""

    def born(p: Person) -> str:
        if p.date_of_birth:
            return f"{p.date_of_birth:%-d %b %Y}"
        if p.estimated_age is not None:
            return f"Not known (about {p.estimated_age})"
        return "Not known"

    def parts(p: Person) -> str:
        visible = selectors.visible_parties(request.user).filter(
            person=p, case__in=selectors.case_scope(request.user)
        )
        refs = [
            f"{part.get_role_display()} in {part.case.reference}"
            for part in visible.select_related("case")
        ]
        return "; ".join(refs) or "None you may see"

    rows = [
        ("Name", person.full_name, other.full_name),
        ("Other names", person.aliases or "None", other.aliases or "None"),
        ("Date of birth", born(person), born(other)),
        ("Gender", person.get_gender_display(), other.get_gender_display()),
        ("Phone", person.phone or "None", other.phone or "None"),
        ("Email", person.email or "None", other.email or "None"),
        ("Address", person.address or "None", other.address or "None"),
        ("Parts in cases", parts(person), parts(other)),
        (
            "Recorded",
            f"{person.created_at:%-d %b %Y}",
            f"{other.created_at:%-d %b %Y}",
        ),
    ]
    return rows


# --- The merge's record, and its undo


class UndoForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX_LENGTH,
        label="Why is the merge undone?",
        help_text="Kept in the history of both records.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Keep the reason to {REASON_MAX_LENGTH} characters."},
    )


def _merge_page(request, merge: PersonMerge, form: UndoForm, status: int = 200):
    context = {
        "merge": merge,
        "moves": person_merge_moves_summary(merge),
        "undoable": person_merge_is_undoable(merge),
        "undo_days": MERGE_UNDO_WORKING_DAYS,
        "form": form,
        "history": merge.history.select_related("history_user").order_by("history_date"),
    }
    return render(request, "cases/people/person_merge_detail.html", context, status=status)


@capability_required(MERGE)
@require_GET
def person_merge_detail_page(request, merge_id):
    merge = person_merge_get_for_actor(actor=request.user, merge_id=merge_id)
    return _merge_page(request, merge, UndoForm())


@capability_required(MERGE)
@require_POST
def person_merge_undo_page(request, merge_id):
    merge = person_merge_get_for_actor(actor=request.user, merge_id=merge_id, log=False)
    form = UndoForm(request.POST)
    if form.is_valid():
        try:
            saved = form_save(
                form,
                merge_services.person_merge_undo,
                actor=request.user,
                merge=merge,
                reason=form.cleaned_data["reason"],
            )
        except InvalidState as refused:
            form.add_error(None, refused.message)
            merge.refresh_from_db()
            return _merge_page(request, merge, form, status=409)
        if saved:
            messages.success(
                request,
                f"The merge is undone: {merge.merged.full_name} is a record of their own again.",
            )
            return redirect("person-merge-detail-page", merge_id=merge.pk)
    return _merge_page(request, merge, form)


urlpatterns = [
    path("persons/<uuid:person_id>/", person_page, name="person-page"),
    path("persons/<uuid:person_id>/merge/", person_merge_page, name="person-merge-page"),
    path(
        "person-merges/<uuid:merge_id>/",
        person_merge_detail_page,
        name="person-merge-detail-page",
    ),
    path(
        "person-merges/<uuid:merge_id>/undo/",
        person_merge_undo_page,
        name="person-merge-undo-page",
    ),
]
