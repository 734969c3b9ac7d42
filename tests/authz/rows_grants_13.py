"""Issue #13: the grant pages, renewing a grant through the API, and the agencies
involved in a case. Who may manage a case's grants: its agency's investigators and
supervisors on any of its cases, and any caseworker on a case they lead. Who reads
the agencies involved: every caseworker who may read the case, a granted agency
(the hub, children's services, another force) included. Written out literally,
never imported from the policy."""

import uuid
from datetime import timedelta

from django.utils import timezone

from agencies.models import Role
from tests.authz import EVERY_OWNER, RECORD_TARGETS, Endpoint
from tests.factories import AgencyFactory, CaseFactory, PartyFactory, UserFactory

CASEWORKERS = frozenset(
    {
        Role.GENERALIST_OFFICER,
        Role.SPECIALIST_INVESTIGATOR,
        Role.POLICE_SUPERVISOR,
        Role.MASH_COORDINATOR,
        Role.SOCIAL_WORKER,
    }
)
GRANT_MANAGERS = frozenset({Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR})
# Through the API, the other caseworkers see the case: a grant they may not manage
# is a 403. The pages answer 404 (the page does not exist for them).
NOT_THE_LEAD = {
    Role.GENERALIST_OFFICER: 403,
    Role.MASH_COORDINATOR: 403,
    Role.SOCIAL_WORKER: 403,
}
PARTNER_HUB = "matrix-g13-partner-hub"
SECOND_PARTNER = "matrix-g13-childrens-services"

AGENCIES_FIELDS = frozenset({"case", "reference", "lead_officer", "holders", "referrals"})


def a_case_with_an_expiring_grant(owner, actor) -> dict:
    """A case whose referral grant to a partner hub ends in ten days (renewable)."""
    from cases.models import CaseGrant, GrantSource

    case = CaseFactory(owning_agency=owner)
    PartyFactory(case=case, role="victim")
    child = PartyFactory(case=case, role="child_in_household")
    hub = AgencyFactory(slug=PARTNER_HUB, mash=True)
    # The partner the create page grants to (it holds nothing yet).
    AgencyFactory(slug=SECOND_PARTNER, childrens_services=True)
    grant = CaseGrant.objects.create(
        case=case,
        agency=hub,
        reason="Accepted the safeguarding referral",
        granted_by=UserFactory(),
        granted_at=timezone.now(),
        source_kind=GrantSource.REFERRAL,
        source_id=uuid.uuid4(),
        source_label="Safeguarding referral from the owner",
        party_scoped=True,
        expires_at=timezone.now() + timedelta(days=10),
    )
    grant.parties.set([child])
    return {"case": case.id, "grant": grant.id, "_case": case, "_version": case.version}


def led_by_the_caller(setup):
    def build(owner, actor) -> dict:
        values = setup(owner, actor)
        if owner == actor.agency:
            values["_case"].lead_officer = actor.user
            values["_case"].save(update_fields=["lead_officer"])
        return values

    return build


GRANT_BODY = {"agency": SECOND_PARTNER, "scope": "whole", "reason": "Joint work."}
REASON_BODY = {"reason": "Still needed for the section 47 enquiries."}


def _managed(name, method, path, *, page: bool, ok: int = 200, body=None) -> list[Endpoint]:
    """A grant action twice: by the agency's managers on any case, and by any
    caseworker on a case they lead."""
    common = {
        "ok": ok,
        "body": body,
        "page": page,
        "targets": RECORD_TARGETS,
    }
    return [
        Endpoint(
            name,
            method,
            path,
            GRANT_MANAGERS,
            setup=a_case_with_an_expiring_grant,
            **({} if page else {"denied": NOT_THE_LEAD}),
            **common,
        ),
        Endpoint(
            name,
            method,
            path,
            CASEWORKERS,
            setup=led_by_the_caller(a_case_with_an_expiring_grant),
            per_actor=True,
            **common,
        ),
    ]


ROWS = [
    # The agencies involved: read by every caseworker who may read the case, the
    # granted agency included; never by a charity, an admin or an auditor.
    Endpoint(
        "case-agencies",
        "GET",
        "/api/v1/cases/{case}/agencies/",
        CASEWORKERS,
        targets=EVERY_OWNER,
        granted_ok=True,
        setup=a_case_with_an_expiring_grant,
        fields=AGENCIES_FIELDS,
    ),
    *_managed(
        "case-grant-renew",
        "POST",
        "/api/v1/cases/{case}/grants/{grant}/renew/",
        page=False,
        body=REASON_BODY,
    ),
    # The grant pages: only the owning agency (a granted agency gets 404).
    Endpoint(
        "case-grants-page",
        "GET",
        "/cases/{case}/grants/",
        CASEWORKERS,
        page=True,
        targets=RECORD_TARGETS,
        setup=a_case_with_an_expiring_grant,
    ),
    *_managed("case-grant-create-page", "GET", "/cases/{case}/grants/new/", page=True),
    *_managed(
        "case-grant-create-page",
        "POST",
        "/cases/{case}/grants/new/",
        page=True,
        ok=302,
        body=GRANT_BODY,
    ),
    *_managed("case-grant-revoke-page", "GET", "/cases/{case}/grants/{grant}/revoke/", page=True),
    *_managed(
        "case-grant-revoke-page",
        "POST",
        "/cases/{case}/grants/{grant}/revoke/",
        page=True,
        ok=302,
        body=REASON_BODY,
    ),
    *_managed("case-grant-renew-page", "GET", "/cases/{case}/grants/{grant}/renew/", page=True),
    *_managed(
        "case-grant-renew-page",
        "POST",
        "/cases/{case}/grants/{grant}/renew/",
        page=True,
        ok=302,
        body=REASON_BODY,
    ),
]
