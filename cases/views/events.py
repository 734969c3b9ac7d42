"""The page for recording an investigation event on a case. The events themselves,
and each suspect's pre-charge bail, are shown in the case page's events section."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases import selectors
from cases.case_tabs import case_section_url
from cases.forms.events import EventForm
from cases.models import PartyRole
from cases.services import events as event_services
from common.errors import ValidationError
from common.pages import capability_required, form_errors_from

# The service names the moment `occurred_at`; the form asks for it as a date and a time.
_FIELD_NAMES = {"occurred_at": "occurred_on"}


def _events_url(case) -> str:
    return case_section_url(case.id, "events")


@capability_required("cases.event.add")
@require_http_methods(["GET", "POST"])
def event_create(request, case_id):
    case = selectors.case_get_for_actor(
        actor=request.user, case_id=case_id, action="cases.event.add", log=False
    )
    suspects = list(
        selectors.party_list(actor=request.user, case=case).filter(role=PartyRole.SUSPECT)
    )
    now = timezone.localtime()
    initial = {"occurred_on": now.date(), "occurred_time": now.strftime("%H:%M")}
    if len(suspects) == 1:
        initial["suspect"] = str(suspects[0].pk)
    form = EventForm(request.POST or None, suspects=suspects, initial=initial)
    if request.method == "POST" and suspects and form.is_valid():
        try:
            event_services.investigation_event_record(
                actor=request.user, case=case, **form.event_fields()
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
            messages.success(request, "Event recorded.")
            return redirect(_events_url(case))
    context = {
        "case": case,
        "form": form,
        "suspects": suspects,
        "case_url": reverse("case-detail", args=[case.id]),
    }
    return render(request, "cases/event_form.html", context)


urlpatterns = [
    path("cases/<uuid:case_id>/events/new/", event_create, name="event-create"),
]
