"""Pages for flags: raise one on a person's part in a case, and clear one (with a
reason). The case page shows the live flags with `safeguarding/includes/flags.html`,
whose context `flags_section(actor, case)` builds."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agencies import access
from cases import selectors as case_selectors
from cases.case_tabs import case_section_url
from cases.forms import UKDateField
from cases.models import Case
from common.errors import InvalidState, ValidationError
from common.pages import capability_required, form_errors_from
from safeguarding import selectors
from safeguarding.forms import party_choices, radio_choice, text_answer
from safeguarding.models import FlagKind
from safeguarding.models.flag import REASON_MAX_LENGTH
from safeguarding.selectors.flags import flags_for_display
from safeguarding.services import flags as flag_services
from safeguarding.views.common import case_for_page, case_form_page

GET_AND_POST = require_http_methods(["GET", "POST"])


def flags_section(actor, case: Case) -> dict:
    """The context of `safeguarding/includes/flags.html`: the live flags of everyone
    the reader may see in this case, wherever each was raised."""
    if not access.can(actor, "safeguarding.flag.view", case):
        return {"flags": [], "may_view_flags": False, "may_raise_flags": False}
    flags = list(selectors.flag_list(actor=actor, case=case))
    return {
        "flags": flags_for_display(actor=actor, case=case, flags=flags),
        "may_view_flags": True,
        "may_raise_flags": access.can(actor, "safeguarding.flag.raise", case),
    }


def _reason(label: str, *, required: str, **kwargs) -> forms.CharField:
    too_long = f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer."
    return text_answer(
        label, max_length=REASON_MAX_LENGTH, rows=4, required=required, too_long=too_long, **kwargs
    )


class FlagRaiseForm(forms.Form):
    party = radio_choice(
        "Who is the flag about?",
        required="Select who the flag is about.",
        invalid="Select a person in this case.",
    )
    kind = radio_choice(
        "What is the risk?",
        choices=FlagKind.choices,
        required="Select the kind of flag.",
        invalid="Select one of the kinds of flag.",
    )
    reason = _reason(
        "Why is the flag raised?",
        required="Give the reason for the flag.",
        help_text=(
            "Everyone who may see this person, in any case and any agency, will read it. "
            "Write what they need to know to keep people safe."
        ),
    )
    review_on = UKDateField(
        label="Review the flag by",
        error_messages={"required": "Enter the date to review the flag by."},
    )

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {str(p.id): p for p in parties}
        self.fields["party"].choices = party_choices(parties)

    def flag_fields(self) -> dict:
        """The service's arguments: the form's answers, the party chosen by its id."""
        return {**self.cleaned_data, "party": self.parties[self.cleaned_data["party"]]}


class FlagClearForm(forms.Form):
    reason = _reason("Why is the flag cleared?", required="Give the reason for clearing the flag.")


def _to_flags(case: Case):
    return redirect(case_section_url(case.id, "flags"))


@capability_required("safeguarding.flag.raise")
@GET_AND_POST
def flag_create(request, case_id):
    case = case_for_page(request, case_id, "safeguarding.flag.raise")
    parties = list(case_selectors.party_list(actor=request.user, case=case))
    chosen = request.GET.get("party", "")
    if not any(str(p.id) == chosen for p in parties):
        chosen = str(parties[0].id) if len(parties) == 1 else ""
    initial = {"party": chosen}
    form = FlagRaiseForm(
        request.POST if request.method == "POST" else None, parties=parties, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            flag = flag_services.flag_raise(actor=request.user, case=case, **form.flag_fields())
        except ValidationError as error:
            form_errors_from(form, error)
        except InvalidState as error:
            form.add_error("kind", error.message)
        else:
            messages.success(
                request, f"{flag.get_kind_display()} flag raised on {flag.party.person.full_name}."
            )
            return _to_flags(case)
    return case_form_page(
        request,
        "safeguarding/flag_form.html",
        form=form,
        case=case,
        section="flags",
        heading="Raise a flag",
        has_parties=bool(parties),
        today=timezone.localdate(),
        **flags_section(request.user, case),
    )


@capability_required("safeguarding.flag.raise")
@GET_AND_POST
def flag_clear(request, case_id, flag_id):
    case = case_for_page(request, case_id, "safeguarding.flag.raise")
    flag = selectors.flag_get_for_actor(actor=request.user, case=case, flag_id=flag_id)
    if not flag.is_live:
        messages.info(request, f"This flag was already cleared on {flag.cleared_at:%d/%m/%Y}.")
        return _to_flags(case)
    form = FlagClearForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            flag_services.flag_clear(
                actor=request.user, flag=flag, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_errors_from(form, error)
        except InvalidState as error:
            messages.info(request, error.message)
            return _to_flags(case)
        else:
            messages.success(
                request, f"{flag.get_kind_display()} flag on {flag.person.full_name} cleared."
            )
            return _to_flags(case)
    return case_form_page(
        request,
        "safeguarding/flag_clear.html",
        form=form,
        case=case,
        section="flags",
        heading="Clear a flag",
        flag=flag,
    )


urlpatterns = [
    path("cases/<uuid:case_id>/flags/new/", flag_create, name="case-flag-create"),
    path(
        "cases/<uuid:case_id>/flags/<uuid:flag_id>/clear/",
        flag_clear,
        name="case-flag-clear",
    ),
]
