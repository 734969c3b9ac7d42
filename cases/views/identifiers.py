"""The pages for adding one of a party's identifiers and removing one. The
identifiers themselves are shown with each party in the case page's people section."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from agencies.access import can
from cases import selectors
from cases.case_tabs import case_section_url
from cases.forms.identifiers import IdentifierForm, IdentifierRemoveForm
from cases.selectors import identifiers as identifier_selectors
from cases.services import identifiers as identifier_services
from common.errors import InvalidState, ValidationError
from common.pages import capability_required, form_errors_from

# The service names the moment `seen_at`; the form asks for it as a date and a time.
_FIELD_NAMES = {"seen_at": "seen_on"}


def _case_and_party(request, case_id, party_id, action: str):
    """The case, scoped by what the page is about to do, and its party the reader may
    see (404 otherwise), with the case page's address at the party."""
    case = selectors.case_get_for_actor(
        actor=request.user, case_id=case_id, action=action, log=False
    )
    if not can(request.user, action, case):
        raise Http404()
    party = selectors.party_get_for_actor(actor=request.user, case=case, party_id=party_id)
    return case, party, case_section_url(case.id, f"party-{party.id}")


@capability_required("cases.identifier.add")
@require_http_methods(["GET", "POST"])
def party_identifier_create(request, case_id, party_id):
    case, party, case_url = _case_and_party(request, case_id, party_id, "cases.identifier.add")
    if not case.is_open:
        messages.error(request, f"{case.reference} is closed: it cannot be changed.")
        return redirect(case_url)
    form = IdentifierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            identifier_services.party_identifier_add(
                actor=request.user, party=party, **form.identifier_fields()
            )
        except ValidationError as error:
            form_errors_from(
                form,
                ValidationError(
                    {
                        _FIELD_NAMES.get(field, field): field_messages
                        for field, field_messages in error.message_dict.items()
                    }
                ),
            )
        else:
            messages.success(request, f"Identifier added for {party.person.full_name}.")
            return redirect(case_url)
    context = {"case": case, "party": party, "form": form, "case_url": case_url}
    return render(request, "cases/identifier_form.html", context)


@capability_required("cases.identifier.remove")
@require_http_methods(["GET", "POST"])
def party_identifier_remove(request, case_id, party_id, identifier_id):
    case, party, case_url = _case_and_party(request, case_id, party_id, "cases.identifier.remove")
    identifier = identifier_selectors.party_identifier_get_for_actor(
        actor=request.user, party=party, identifier_id=identifier_id
    )
    if not case.is_open:
        messages.error(request, f"{case.reference} is closed: it cannot be changed.")
        return redirect(case_url)
    form = IdentifierRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            identifier_services.party_identifier_remove(
                actor=request.user, identifier=identifier, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_errors_from(form, error)
        except InvalidState as error:
            messages.error(request, error.message)
            return redirect(case_url)
        else:
            messages.success(request, f"Identifier removed from {party.person.full_name}.")
            return redirect(case_url)
    context = {
        "case": case,
        "party": party,
        "identifier": identifier,
        "form": form,
        "case_url": case_url,
    }
    return render(request, "cases/identifier_remove_form.html", context)


urlpatterns = [
    path(
        "cases/<uuid:case_id>/parties/<uuid:party_id>/identifiers/new/",
        party_identifier_create,
        name="case-party-identifier-create",
    ),
    path(
        "cases/<uuid:case_id>/parties/<uuid:party_id>/identifiers/<uuid:identifier_id>/remove/",
        party_identifier_remove,
        name="case-party-identifier-remove-page",
    ),
]
