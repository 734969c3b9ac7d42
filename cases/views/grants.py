"""The grant pages: who else holds a case and why, granting it to a statutory
partner or another force with a reason, and revoking or renewing a grant. Only
the owning agency sees them; its lead officer, investigators and supervisors act
on them (agencies.access: cases.grant.manage)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from agencies.access import can, membership_of
from agencies.models import AgencyKind
from agencies.selectors import agency_list
from cases import selectors
from cases.forms.grants import GrantForm, GrantReasonForm
from cases.models import CaseGrant, GrantSource
from cases.services import grants as grant_services
from cases.services.common import log_case_read
from cases.views.case_tab_reads import url_or_none
from common.errors import InvalidState, NotFound, ValidationError
from common.pages import capability_required, form_errors_from

GET_AND_POST = require_http_methods(["GET", "POST"])


def _case(request, case_id, action: str):
    case = selectors.case_get_for_actor(
        actor=request.user, case_id=case_id, action=action, log=False
    )
    if action == "cases.grant.manage" and not can(request.user, action, case):
        # Another officer's case: the page does not exist for them.
        raise Http404()
    return case


def _to_grants(case):
    return redirect(reverse("case-grants-page", args=[case.id]))


def _grant_rows(actor, case, grants: list[CaseGrant], may_manage: bool) -> list[dict]:
    now = timezone.now()
    rows = []
    for grant in grants:
        live = grant.revoked_at is None
        if grant.source_kind == GrantSource.REFERRAL and grant.source_id:
            source_url = url_or_none("referral-page", grant.source_id)
        else:
            source_url = None
        rows.append(
            {
                "grant": grant,
                "live": live,
                "source_url": source_url,
                "scope": getattr(grant, "scope_parties", []),
                "ends_soon": live
                and grant.expires_at is not None
                and (grant.expires_at - now).days < 5,
                "revoke_url": reverse("case-grant-revoke-page", args=[case.id, grant.id])
                if live and may_manage
                else None,
                "renew_url": reverse("case-grant-renew-page", args=[case.id, grant.id])
                if live and may_manage and grant.expires_at is not None
                else None,
            }
        )
    return rows


@capability_required("cases.grant.view")
@require_GET
def grant_list_page(request, case_id):
    actor = request.user
    case = _case(request, case_id, "cases.grant.view")
    grants = list(selectors.grant_list(actor=actor, case=case).order_by("-granted_at", "-id"))
    log_case_read(actor=actor, action="cases.grant.listed", case=case, object_type="case_grant")
    may_manage = case.is_open and can(actor, "cases.grant.manage", case)
    rows = _grant_rows(actor, case, grants, may_manage)
    return render(
        request,
        "cases/grant_list.html",
        {
            "case": case,
            "live_rows": [row for row in rows if row["live"]],
            "ended_rows": [row for row in rows if not row["live"]],
            "create_url": reverse("case-grant-create-page", args=[case.id]) if may_manage else None,
        },
    )


@capability_required("cases.grant.manage")
@GET_AND_POST
def grant_create_page(request, case_id):
    actor = request.user
    case = _case(request, case_id, "cases.grant.manage")
    if not case.is_open:
        messages.error(request, f"{case.reference} is closed: it cannot be granted.")
        return _to_grants(case)
    own = membership_of(actor).agency_id
    agencies = list(agency_list())
    offered = [a for a in agencies if a.pk != own and a.kind != AgencyKind.CHARITY]
    parties = list(selectors.party_list(actor=actor, case=case))
    form = GrantForm(
        request.POST or None,
        agencies=offered,
        known={a.slug for a in agencies},
        parties=parties,
        initial={"scope": "whole"},
    )
    if request.method == "POST" and form.is_valid():
        by_slug = {a.slug: a for a in agencies}
        try:
            grant = grant_services.case_grant(
                actor=actor,
                case=case,
                agency=by_slug[form.cleaned_data["agency"]],
                reason=form.cleaned_data["reason"],
                parties=form.chosen_parties(),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        except InvalidState as error:
            form.add_error("agency", error.message)
        else:
            messages.success(request, f"{grant.agency.name} can now work {case.reference}.")
            return _to_grants(case)
    return render(request, "cases/grant_form.html", {"case": case, "form": form})


def _grant_action_page(request, case_id, grant_id, *, renew: bool):
    actor = request.user
    case = _case(request, case_id, "cases.grant.manage")
    try:
        grant = selectors.grant_get_for_actor(actor=actor, case=case, grant_id=grant_id)
    except NotFound as exc:
        raise Http404() from exc
    if grant.revoked_at is not None:
        messages.error(request, f"The grant to {grant.agency.name} has already ended.")
        return _to_grants(case)
    if renew:
        form = GrantReasonForm(
            request.POST or None,
            label="Why do they still need the case?",
            missing="Give the reason the agency still needs the case.",
        )
    else:
        form = GrantReasonForm(
            request.POST or None,
            label="Why does the grant end?",
            missing="Give the reason the grant ends.",
        )
    if request.method == "POST" and form.is_valid():
        service = grant_services.case_grant_renew if renew else grant_services.case_grant_revoke
        try:
            service(actor=actor, grant=grant, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form_errors_from(form, error)
        except InvalidState as error:
            messages.error(request, error.message)
            return _to_grants(case)
        else:
            messages.success(
                request,
                f"The grant to {grant.agency.name} is renewed."
                if renew
                else f"{grant.agency.name} no longer holds {case.reference}.",
            )
            return _to_grants(case)
    return render(
        request,
        "cases/grant_reason_form.html",
        {"case": case, "grant": grant, "form": form, "renew": renew},
    )


@capability_required("cases.grant.manage")
@GET_AND_POST
def grant_revoke_page(request, case_id, grant_id):
    return _grant_action_page(request, case_id, grant_id, renew=False)


@capability_required("cases.grant.manage")
@GET_AND_POST
def grant_renew_page(request, case_id, grant_id):
    return _grant_action_page(request, case_id, grant_id, renew=True)


urlpatterns = [
    path("cases/<uuid:case_id>/grants/", grant_list_page, name="case-grants-page"),
    path("cases/<uuid:case_id>/grants/new/", grant_create_page, name="case-grant-create-page"),
    path(
        "cases/<uuid:case_id>/grants/<uuid:grant_id>/revoke/",
        grant_revoke_page,
        name="case-grant-revoke-page",
    ),
    path(
        "cases/<uuid:case_id>/grants/<uuid:grant_id>/renew/",
        grant_renew_page,
        name="case-grant-renew-page",
    ),
]
