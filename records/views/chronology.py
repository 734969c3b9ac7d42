"""The case's Chronology tab (issue 19): everything on the case, newest first, as the
reader may see it, filtered by kind and by person, with Newer and Older links. A case
tab like the others (cases.views.case_tabs): the key facts, the tabs, then the list."""

from django import forms
from django.views.decorators.http import require_GET

from cases.models import CaseParty
from cases.views.case_tabs import _open, _render
from common.pages import capability_required
from records.selectors.chronology import (
    InvalidCursor,
    case_chronology,
    chronology_kinds,
)

TAB = "chronology"


class ChronologyFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label="What to show",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave every box clear to show everything.",
    )
    party = forms.ChoiceField(label="About", required=False)

    def __init__(self, *args, kinds, parties: list[CaseParty], **kwargs):
        super().__init__(*args, **kwargs)
        kind_field: forms.MultipleChoiceField = self.fields["kind"]  # type: ignore[assignment]
        party_field: forms.ChoiceField = self.fields["party"]  # type: ignore[assignment]
        kind_field.choices = [(kind.value, kind.label) for kind in kinds]
        party_field.choices = [("", "Everyone")] + [
            (str(party.pk), f"{party.person.full_name} ({party.get_role_display()})")
            for party in parties
        ]


@capability_required("cases.case.view")
@require_GET
def case_chronology_page(request, case_id):
    case, reads = _open(request, case_id, TAB)
    actor = request.user
    parties = reads.parties
    form = ChronologyFilterForm(
        request.GET if ("kind" in request.GET or "party" in request.GET) else None,
        kinds=chronology_kinds(actor=actor, case=case),
        parties=parties,
    )
    kinds, party = [], None
    if form.is_bound and form.is_valid():
        kinds, party = form.cleaned_data["kind"], form.cleaned_data["party"] or None
    filtering = {"kinds": kinds, "party": party, "parties": parties}
    try:
        page = case_chronology(
            actor=actor, case=case, cursor=request.GET.get("cursor") or None, **filtering
        )
    except InvalidCursor:
        # A link cut short when copied, or from before a key rotation: the first page,
        # as every other list does (common.keyset.keyset_page_for_request).
        page = case_chronology(actor=actor, case=case, **filtering)
    context = {"chronology": page, "form": form, "filtered": bool(kinds or party), "panels": []}
    return _render(request, case, reads, context)
