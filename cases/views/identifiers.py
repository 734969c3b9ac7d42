"""The page for adding one of a party's identifiers. The identifiers themselves are
shown with each party in the case page's people section."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from agencies.access import can
from cases import selectors
from cases.forms.identifiers import IdentifierForm
from cases.services import identifiers as identifier_services
from common.errors import ValidationError
from common.pages import capability_required, form_errors_from

# The service names the moment `seen_at`; the form asks for it as a date and a time.
_FIELD_NAMES = {"seen_at": "seen_on"}


@capability_required("cases.identifier.add")
@require_http_methods(["GET", "POST"])
def party_identifier_create(request, case_id, party_id):
    case = selectors.case_get_for_actor(
        actor=request.user, case_id=case_id, action="cases.identifier.add", log=False
    )
    if not can(request.user, "cases.identifier.add", case):
        raise Http404()
    party = selectors.party_get_for_actor(actor=request.user, case=case, party_id=party_id)
    case_url = f"{reverse('case-detail', args=[case.id])}#party-{party.id}"
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


urlpatterns = [
    path(
        "cases/<uuid:case_id>/parties/<uuid:party_id>/identifiers/new/",
        party_identifier_create,
        name="case-party-identifier-create",
    ),
]
