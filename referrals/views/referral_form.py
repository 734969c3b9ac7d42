"""The new-referral form, in two steps: first who to, what for and how soon; then
what to disclose, on what lawful basis and with what consent. The second step
offers only the people the receiver may hold (the disclosure rules decide, person
by person), with each one's details pre-ticked from the purpose's safe defaults and
their current values beside them, so the sender sees exactly what will go.

A draft is changed through the same two steps."""

from typing import Any, cast

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agencies.access import membership_of
from agencies.models import Membership
from agencies.selectors import agency_list
from cases import selectors as case_selectors
from cases.case_tabs import case_section_url
from cases.models import Case
from common.dates import weekday_when_text
from common.errors import InvalidState, PreconditionFailed, ValidationError
from common.pages import capability_required, form_errors_from
from referrals import selectors, services
from referrals.disclosure import disclosure_check
from referrals.forms import FIELD_CHOICES, DisclosureForm, ReceiverForm, share_field_name
from referrals.models import PURPOSES, Referral, ReferralPurpose, ReferralState, default_fields_for
from referrals.selectors.sides import SENDER, referral_side_require
from referrals.views.actions import as_field_errors
from referrals.views.display import field_value

GET_AND_POST = require_http_methods(["GET", "POST"])
_RECEIVER_FIELDS = ("to_agency", "to_team", "purpose", "urgency")


def _error_dict(error: ValidationError) -> dict[str, list[str]]:
    return as_field_errors(error).message_dict


def _receiver_check(receiver: dict) -> dict[str, list[str]]:
    """Does the purpose fit the receiver? The disclosure rules answer, before the
    sender spends time choosing what to share."""
    try:
        disclosure_check(
            to_agency=receiver["to_agency"],
            purpose=receiver["purpose"],
            parties=[],
            shared_fields={},
            suspect_details_reason="",
        )
    except ValidationError as error:
        return {
            field: errors
            for field, errors in _error_dict(error).items()
            if field in _RECEIVER_FIELDS
        }
    return {}


def _party_standing(receiver: dict, party) -> tuple[str, str]:
    """("ok" | "needs_reason" | "refused", why) for sharing this person's name."""
    try:
        disclosure_check(
            to_agency=receiver["to_agency"],
            purpose=receiver["purpose"],
            parties=[party],
            shared_fields={str(party.id): ["first_name"]},
            suspect_details_reason="",
        )
    except ValidationError as error:
        problems = {
            field: errors
            for field, errors in _error_dict(error).items()
            if field not in _RECEIVER_FIELDS
        }
        if not problems:
            return "ok", ""
        why = " ".join(message for errors in problems.values() for message in errors)
        if set(problems) == {"suspect_details_reason"}:
            return "needs_reason", why
        return "refused", why
    return "ok", ""


def _person_value(person, age, name: str):
    if name == "age":
        return age
    return getattr(person, name, None)


def _party_rows(form: DisclosureForm, receiver: dict, parties, ages: dict) -> list[dict]:
    """Each person with whether they may be shared and, if so, their details as
    checkboxes with the value that would go."""
    chosen = set(form["parties"].value() or [])
    rows = []
    for index, party in enumerate(parties):
        standing, why = _party_standing(receiver, party)
        share = form[share_field_name(party.id)]
        ticked = set(share.value() or [])
        rows.append(
            {
                "party": party,
                "checkbox_id": form["parties"].auto_id if index == 0 else f"id_parties-{index}",
                "checked": str(party.id) in chosen,
                "standing": standing,
                "why": why,
                "field": share,
                "fields": [
                    {
                        "name": name,
                        "label": label,
                        "id": share.auto_id if position == 0 else f"{share.auto_id}-{position}",
                        "checked": name in ticked,
                        "value": field_value(
                            name, _person_value(party.person, ages.get(party.pk), name)
                        ),
                    }
                    for position, (name, label) in enumerate(FIELD_CHOICES)
                ],
            }
        )
    return rows


def _disclosure_initial(receiver: dict, parties, draft: Referral | None) -> dict:
    initial: dict[str, Any]
    if draft is not None:
        initial = {
            "parties": [str(pk) for pk in draft.parties.values_list("pk", flat=True)],
            "summary_for_receiver": draft.summary_for_receiver,
            "share_risk": draft.share_risk,
            "share_flags": draft.share_flags,
            "suspect_details_reason": draft.suspect_details_reason,
            "lawful_basis": draft.lawful_basis,
            "sensitive_condition": draft.sensitive_condition,
            "consent_status": draft.consent_status,
            "consent_given_on": draft.consent_given_on,
            "consent_how": draft.consent_how,
            "consent_given_by": draft.consent_given_by,
            "consent_reason": draft.consent_reason,
            "consent_reason_not_sought": draft.consent_reason,
            "version": draft.version,
        }
        defaults = default_fields_for(receiver["purpose"])
        for party in parties:
            initial[share_field_name(party.id)] = draft.shared_fields.get(str(party.id), defaults)
        return initial
    # Whom a purpose is usually about: pre-ticked when the receiver may hold them.
    purpose = PURPOSES.get(receiver["purpose"])
    usual = purpose.usual_roles if purpose else frozenset()
    defaults = default_fields_for(receiver["purpose"])
    # Someone the referral is not mainly about is named, no more, unless the
    # sender ticks more: a suspect's safe-contact details are no charity's business.
    identify_only = default_fields_for(ReferralPurpose.REQUEST_FOR_INFORMATION)
    initial = {"share_risk": True, "share_flags": True, "parties": []}
    for party in parties:
        is_usual = party.role in usual
        initial[share_field_name(party.id)] = defaults if is_usual else identify_only
        if is_usual and _party_standing(receiver, party)[0] == "ok":
            initial["parties"].append(str(party.id))
    return initial


def _receiver_initial(draft: Referral | None) -> dict:
    if draft is None:
        return {}
    return {
        "to_agency": str(draft.to_agency_id),
        "to_team": str(draft.to_team_id or ""),
        "purpose": draft.purpose,
        "urgency": draft.urgency,
    }


def _back_url(case: Case, draft: Referral | None) -> str:
    if draft is not None:
        return reverse("referral-page", args=[draft.id])
    return case_section_url(case.id, "referrals")


def _render_receiver_step(request, case, draft, form):
    context = {"form": form, "case": case, "draft": draft, "back_url": _back_url(case, draft)}
    return render(request, "referrals/referral_form_receiver.html", context)


def _render_disclosure_step(request, case, draft, receiver_form, form, parties):
    receiver = receiver_form.receiver_fields()
    ages = case_selectors.party_ages(case=case, parties=parties)
    rows = _party_rows(form, receiver, parties, ages)
    needing_reason = [row["party"].pk for row in rows if row["standing"] == "needs_reason"]
    context = {
        "form": form,
        "receiver_form": receiver_form,
        "receiver": receiver,
        "purpose_label": dict(ReferralPurpose.choices)[receiver["purpose"]],
        "party_rows": rows,
        "asks_suspect_reason": bool(needing_reason) or bool(form["suspect_details_reason"].value()),
        # With one such person, the reason is asked under them, shown when ticked.
        "reason_party_id": needing_reason[0] if len(needing_reason) == 1 else None,
        "refused_rows": [row for row in rows if row["standing"] == "refused"],
        "case": case,
        "draft": draft,
        "back_url": _back_url(case, draft),
    }
    return render(request, "referrals/referral_form_disclosure.html", context)


def _save(request, case, draft, receiver_form, form) -> Referral:
    fields = {**receiver_form.receiver_fields(), **form.disclosure_fields()}
    sending = request.POST.get("then") == "send"
    # A referral sent from the form is one act: if sending is refused, no draft is left.
    with transaction.atomic():
        if draft is None:
            referral = services.referral_create(actor=request.user, case=case, **fields)
        else:
            referral = services.referral_update(
                actor=request.user,
                referral=draft,
                expected_version=form.cleaned_data.get("version") or draft.version,
                **fields,
            )
        if sending:
            referral = services.referral_send(actor=request.user, referral=referral)
    return referral


def _saved(request, referral: Referral):
    if referral.state == ReferralState.DRAFT:
        messages.success(
            request,
            f"The draft is saved. It is not sent: nobody at {referral.to_agency.name} "
            "can see it until you send it.",
        )
    else:
        message = f"The referral is sent to {referral.to_agency.name}."
        if referral.decision_due_at:
            due = timezone.localtime(referral.decision_due_at)
            message += f" They are due to accept or decline it by {weekday_when_text(due)}."
        messages.success(request, message)
    return redirect("referral-page", referral_id=referral.id)


def _referral_form(request, *, case: Case, draft: Referral | None):
    actor = request.user
    membership = cast(Membership, membership_of(actor))
    agencies = list(agency_list().exclude(pk=membership.agency_id).prefetch_related("teams"))
    parties = list(case_selectors.party_list(actor=actor, case=case))
    step = request.POST.get("step", "") if request.method == "POST" else ""

    if request.method == "GET" or step == "change":
        # Step 1, empty for a new referral, or filled in from the draft or step 2.
        initial = _receiver_initial(draft)
        if step == "change":
            initial = {name: request.POST.get(name, "") for name in _RECEIVER_FIELDS}
        if request.method == "GET" and draft is not None:
            receiver_form = ReceiverForm(initial, agencies=agencies)
            if receiver_form.is_valid():
                form = DisclosureForm(
                    parties=parties,
                    initial=_disclosure_initial(receiver_form.receiver_fields(), parties, draft),
                )
                return _render_disclosure_step(request, case, draft, receiver_form, form, parties)
        return _render_receiver_step(
            request, case, draft, ReceiverForm(agencies=agencies, initial=initial)
        )

    receiver_form = ReceiverForm(request.POST, agencies=agencies)
    if not receiver_form.is_valid():
        return _render_receiver_step(request, case, draft, receiver_form)
    receiver_problems = _receiver_check(receiver_form.receiver_fields())
    if receiver_problems:
        form_errors_from(receiver_form, ValidationError(receiver_problems))
        return _render_receiver_step(request, case, draft, receiver_form)

    if step != "disclose":
        # Step 1 done: step 2 starts from the purpose's safe defaults (or the draft).
        form = DisclosureForm(
            parties=parties,
            initial=_disclosure_initial(receiver_form.receiver_fields(), parties, draft),
        )
        return _render_disclosure_step(request, case, draft, receiver_form, form, parties)

    form = DisclosureForm(request.POST, parties=parties)
    if form.is_valid():
        try:
            referral = _save(request, case, draft, receiver_form, form)
        except ValidationError as error:
            form_errors_from(form, _on_form_fields(error, form))
        except PreconditionFailed as stale:
            form.add_error(None, stale.message)
        except InvalidState as refused:
            messages.error(request, refused.message)
            return (
                redirect("referral-page", referral_id=draft.id)
                if draft
                else redirect("case-detail", case_id=case.id)
            )
        else:
            return _saved(request, referral)
    return _render_disclosure_step(request, case, draft, receiver_form, form, parties)


def _on_form_fields(error: ValidationError, form: DisclosureForm) -> ValidationError:
    """The service names `shared_fields` (or `shared_fields.<party>`) when a person's
    details may not go: put that on the person's checkboxes when it says which. A
    consent reason goes under the answer it belongs to."""
    renamed: dict[str, list[str]] = {}
    for field, errors in _error_dict(error).items():
        target = field
        if field == "consent_reason":
            target = form.consent_reason_field()
        elif field.startswith("shared_fields.") or field.startswith("shared_fields__"):
            target = share_field_name(field.split(".", 1)[-1].split("__", 1)[-1])
        renamed.setdefault(target, []).extend(errors)
    return ValidationError(renamed)


@capability_required("referrals.referral.create")
@GET_AND_POST
def referral_create_page(request, case_id):
    case = case_selectors.case_get_for_actor(
        actor=request.user,
        case_id=case_id,
        action="referrals.referral.create",
        log=request.method == "GET",
    )
    if not case.is_open:
        messages.error(request, f"{case.reference} is closed: nothing new can be referred.")
        return redirect(case_section_url(case.id, "referrals"))
    return _referral_form(request, case=case, draft=None)


@capability_required("referrals.referral.create")
@GET_AND_POST
def referral_edit_page(request, referral_id):
    referral = selectors.referral_get_for_actor(actor=request.user, referral_id=referral_id)
    if referral_side_require(request.user, referral) != SENDER:
        messages.error(request, "Only the referring agency can change a referral.")
        return redirect("referral-page", referral_id=referral.id)
    if referral.state != ReferralState.DRAFT:
        state = dict(ReferralState.choices)[referral.state].lower()
        messages.error(request, f"Only a draft can be changed. This referral is {state}.")
        return redirect("referral-page", referral_id=referral.id)
    case = case_selectors.case_get_for_actor(
        actor=request.user, case_id=referral.case_id, action="referrals.referral.create", log=False
    )
    return _referral_form(request, case=case, draft=referral)


urlpatterns = [
    path("cases/<uuid:case_id>/referrals/new/", referral_create_page, name="referral-create-page"),
    path("referrals/<uuid:referral_id>/edit/", referral_edit_page, name="referral-edit-page"),
]
