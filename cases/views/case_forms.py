"""The case forms: open and change a case (closing and reopening:
cases.views.lifecycle); log a contact; add a party, an offence or a key decision.
Each parses the form, calls one service and goes back to the case page, or shows
the service's errors on the form's fields."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agencies.access import can
from agencies.selectors import member_list_for_casework, team_list
from cases import selectors
from cases.case_tabs import case_section_url
from cases.events import PARTY_UPDATES_OWED, event_collect
from cases.forms import (
    CaseChangeForm,
    CaseForm,
    ContactForm,
    DecisionForm,
    NewPersonPartForm,
    OffenceForm,
    PartForm,
    PersonSearchForm,
)
from cases.models import PartyRole
from cases.services import cases as case_services
from cases.services import people as people_services
from cases.services import records as record_services
from cases.views.person_merge import duplicates_of_new_person, duplicates_of_search
from common.errors import InvalidState, NotFound, PreconditionFailed, ValidationError
from common.pages import capability_required, form_errors_from

GET_AND_POST = require_http_methods(["GET", "POST"])


def _case(request, case_id, action: str):
    """The case, scoped by what the form is about to do. Opening a form that shows
    the case's details is a read of the case, and is logged as one. A case the reader
    may see but not do this on (one its force handed over and still reads) has no
    such form."""
    case = selectors.case_get_for_actor(
        actor=request.user, case_id=case_id, action=action, log=request.method == "GET"
    )
    if not can(request.user, action, case):
        raise Http404()
    return case


def _to_case(case, section: str):
    return redirect(case_section_url(case.id, f"{section}"))


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service's field name, put on the form field that asked for it."""
    return ValidationError(
        {names.get(field, field): messages_ for field, messages_ in error.message_dict.items()}
    )


def _closed_case(request, case):
    messages.error(request, f"{case.reference} is closed: it cannot be changed.")
    return _to_case(case, "summary")


# --- Opening, changing and closing a case


@capability_required("cases.case.create")
@GET_AND_POST
def case_create(request):
    members = list(member_list_for_casework(actor=request.user))
    teams = list(team_list(actor=request.user))
    form = CaseForm(
        request.POST or None,
        members=members,
        teams=teams,
        initial={"lead_officer": str(request.user.pk)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = case_services.case_create(actor=request.user, **form.case_fields())
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, f"Case {case.reference} is open.")
            return redirect("case-detail", case_id=case.id)
    return render(request, "cases/case_form.html", {"form": form, "creating": True})


@capability_required("cases.case.change")
@GET_AND_POST
def case_change(request, case_id):
    case = _case(request, case_id, "cases.case.change")
    if not case.is_open:
        return _closed_case(request, case)
    members = list(member_list_for_casework(actor=request.user))
    teams = list(team_list(actor=request.user))
    current = {
        "title": case.title,
        "source": case.source,
        "source_reference": case.source_reference,
        "received_on": case.received_on,
        "summary": case.summary,
        "lead_officer": case.lead_officer_id,
        "team": case.team,
    }
    initial = {
        **current,
        "lead_officer": str(case.lead_officer_id or ""),
        "team": str(case.team_id or ""),
        "version": case.version,
    }
    form = CaseChangeForm(request.POST or None, members=members, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.case_fields()
        comparable = {**fields, "lead_officer": getattr(fields["lead_officer"], "pk", None)}
        changes = {name: fields[name] for name in fields if comparable[name] != current[name]}
        if not changes:
            messages.info(request, "Nothing was changed.")
            return _to_case(case, "summary")
        try:
            case_services.case_update(
                actor=request.user,
                case=case,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                **changes,
            )
        except ValidationError as error:
            form_errors_from(form, error)
        except PreconditionFailed as stale:
            form.add_error(None, stale.message)
        except InvalidState:
            return _closed_case(request, case)
        else:
            messages.success(request, "The changes are saved.")
            return _to_case(case, "summary")
    return render(request, "cases/case_form.html", {"form": form, "case": case})


# --- Logging a contact


def _victims_first(parties: list) -> list:
    return sorted(parties, key=lambda party: party.role != PartyRole.VICTIM)


def _updates_owed(actor, victims: list) -> list:
    # Asked of the apps above cases (welfare answers the victim updates owed); each
    # answer read is logged by the app that reads it.
    return [
        (victim, update)
        for victim in victims
        for update in event_collect(PARTY_UPDATES_OWED, actor=actor, party=victim)
    ]


@capability_required("cases.contact.add")
@GET_AND_POST
def contact_create(request, case_id):
    case = _case(request, case_id, "cases.contact.add")
    parties = _victims_first(list(selectors.party_list(actor=request.user, case=case)))
    victims = [p for p in parties if p.role == PartyRole.VICTIM]
    chosen = request.GET.get("party", "")
    if not any(str(p.id) == chosen for p in parties):
        chosen = str(victims[0].id) if len(victims) == 1 else ""
    now = timezone.localtime()
    initial = {"party": chosen, "contacted_on": now.date(), "contacted_time": now.strftime("%H:%M")}
    owed = _updates_owed(request.user, victims)
    form = ContactForm(request.POST or None, parties=parties, owed=owed, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contact = record_services.contact_log(
                actor=request.user, case=case, **form.contact_fields()
            )
        except ValidationError as error:
            form_errors_from(form, _renamed(error, {"contacted_at": "contacted_on"}))
        else:
            told = "; ".join(update.told_about for update in contact.updates_met)
            messages.success(
                request,
                f"Contact with {contact.party.person.full_name} logged on {case.reference}."
                + (f" Told about: {told}." if told else ""),
            )
            return _to_case(case, "contacts")
    # The optional details stay open when one of them needs correcting.
    more_open = bool(
        {"contacted_on", "contacted_time", "direction", "next_contact_on", "next_contact_note"}
        & set(form.errors)
    )
    context = {
        "form": form,
        "case": case,
        "has_parties": bool(parties),
        "more_open": more_open,
        "may_add_party": can(request.user, "cases.party.add", case),
    }
    return render(request, "cases/contact_form.html", context)


# --- Adding a party: search first, so that nobody is recorded twice


def _party_added(request, case, party):
    messages.success(
        request,
        f"{party.person.full_name} is added to {case.reference} "
        f"as {party.get_role_display().lower()}.",
    )
    return _to_case(case, "parties")


def _existing_person(request, person_id):
    try:
        return selectors.person_get_for_actor(
            actor=request.user, person_id=person_id, log=request.method == "GET"
        )
    except NotFound as exc:
        raise Http404() from exc


@capability_required("cases.party.add")
@GET_AND_POST
def party_create(request, case_id):
    case = _case(request, case_id, "cases.party.add")
    parties = list(selectors.party_list(actor=request.user, case=case))
    suspects = [p for p in parties if p.role == PartyRole.SUSPECT]
    person_id = request.POST.get("person") or request.GET.get("person")
    if person_id:
        return _party_for_existing_person(request, case, person_id, suspects)
    search = PersonSearchForm(request.GET if "name" in request.GET else None)
    found = None
    duplicates: list = []
    if search.is_bound and search.is_valid():
        found = list(
            selectors.person_search(
                actor=request.user,
                text=search.cleaned_data["name"],
                date_of_birth=search.cleaned_data["date_of_birth"],
            )[:20]
        )
        # Issue 19: the agency's records that may be this person, scored and why.
        duplicates = duplicates_of_search(request, search)
    form = NewPersonPartForm(
        request.POST or None,
        suspects=suspects,
        initial=_new_person_initial(search),
    )
    if request.method == "POST" and form.is_valid():
        try:
            party = people_services.party_add_for_person(
                actor=request.user,
                case=case,
                person=None,
                new_person=form.person_fields(),
                **form.part_fields(),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            duplicates_of_new_person(request, party.person)
            return _party_added(request, case, party)
    context = {
        "case": case,
        "search": search,
        "found": found,
        "duplicates": duplicates,
        "already_in_case": {p.person_id for p in parties},
        "form": form,
    }
    return render(request, "cases/party_form.html", context)


def _new_person_initial(search: PersonSearchForm) -> dict:
    """What was searched for starts the new person's record."""
    if not (search.is_bound and search.is_valid()):
        return {}
    words = search.cleaned_data["name"].split()
    initial = {"date_of_birth": search.cleaned_data["date_of_birth"]}
    if words:
        initial["first_name"] = words[0]
        initial["last_name"] = " ".join(words[1:])
    return initial


def _party_for_existing_person(request, case, person_id, suspects):
    person = _existing_person(request, person_id)
    form = PartForm(request.POST or None, suspects=suspects)
    if request.method == "POST" and form.is_valid():
        try:
            party = people_services.party_add_for_person(
                actor=request.user, case=case, person=person, new_person=None, **form.part_fields()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return _party_added(request, case, party)
    context = {"case": case, "person": person, "form": form}
    return render(request, "cases/party_form.html", context)


# --- Offences and key decisions


@capability_required("cases.offence.add")
@GET_AND_POST
def offence_create(request, case_id):
    case = _case(request, case_id, "cases.offence.add")
    parties = list(selectors.party_list(actor=request.user, case=case))
    form = OffenceForm(request.POST or None, parties=parties)
    if request.method == "POST" and form.is_valid():
        try:
            offence = record_services.offence_add(
                actor=request.user, case=case, **form.offence_fields()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, f"{offence.get_offence_type_display()} recorded.")
            return _to_case(case, "offences")
    return render(request, "cases/offence_form.html", {"form": form, "case": case})


def _decision_corrected(request, case, decision_id):
    if not decision_id:
        return None
    try:
        return selectors.decision_get_for_actor(
            actor=request.user, case=case, decision_id=decision_id
        )
    except NotFound as exc:
        raise Http404() from exc


@capability_required("cases.decision.add")
@GET_AND_POST
def decision_create(request, case_id):
    case = _case(request, case_id, "cases.decision.add")
    corrects = _decision_corrected(
        request, case, request.POST.get("corrects") or request.GET.get("corrects")
    )
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            record_services.decision_record(
                actor=request.user, case=case, corrects=corrects, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_from(form, error)
        except InvalidState as error:
            messages.error(request, error.message)
            status = 409
        else:
            messages.success(
                request, "The correction is recorded." if corrects else "The decision is recorded."
            )
            return _to_case(case, "decisions")
    context = {"form": form, "case": case, "corrects": corrects}
    return render(request, "cases/decision_form.html", context, status=status)
