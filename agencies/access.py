"""The access policy: the one place that decides who may see or do what.

Deny by default. Two questions are answered here and nowhere else:

* `can(user, action, obj)`: may this user do this action (on this object)?
* `*_scope(user, queryset)`: which of these objects may this user see? Always a
  filter applied in the database, never in Python after the query has run.

The role decides what a user may do; the agency decides which records. Other
agencies reach a record only through an explicit grant (django-guardian object
permissions held by the agency's grant group; see docs/adr/0002).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.lookups import Exact
from guardian.models import GroupObjectPermissionBase
from guardian.utils import get_group_obj_perms_model
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from agencies.models import Agency, AgencyKind, CharityService, Compartment, Membership, Role
from common.errors import AccessDenied as AccessDenied  # `require` raises it

# Every action a user can attempt, as a namespaced code, with the roles that may
# attempt it. An action that is not listed here is refused for everyone.
POLICE_CASEWORK = frozenset(
    {Role.GENERALIST_OFFICER, Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR}
)
CASEWORK = POLICE_CASEWORK | {Role.MASH_COORDINATOR, Role.SOCIAL_WORKER}
MATERIAL_READERS = frozenset({Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR})
# Who views abuse material and so keeps an exposure record under the agency's limits
# (report recommendation 6): every police casework role, generalists included. A
# generalist officer views material in the course of investigations, in the force's
# grading tools outside Tideline, which holds metadata only. That is why Tideline's
# material records (`cases.material.*`) stay with MATERIAL_READERS: least privilege.
EXPOSURE_REVIEWERS = POLICE_CASEWORK

CAPABILITIES: dict[str, frozenset[Role]] = {
    "agencies.member.view": frozenset({Role.AGENCY_ADMIN}),
    "agencies.member.manage": frozenset({Role.AGENCY_ADMIN}),
    "audit.access_log.view": frozenset({Role.AUDITOR}),
    # Cases. Charities never see a case: only what a referral discloses to them.
    "cases.case.view": CASEWORK,
    "cases.case.create": CASEWORK,
    "cases.case.change": CASEWORK,
    "cases.case.close": CASEWORK,
    # Closing a case whose duties of care are still open ends each of them with a
    # reason: a supervisor's call. So is reopening a closed case.
    "cases.case.close_over_duties": frozenset({Role.POLICE_SUPERVISOR}),
    "cases.case.reopen": frozenset({Role.POLICE_SUPERVISOR}),
    # Transfers between police forces. Asking to hand a case over is the lead
    # officer's, an investigator's or a supervisor's (LEAD_OFFICER_ONLY below), as
    # for grants; accepting or declining is the receiving force's supervisor's
    # (which side the caller is on is the service's check).
    "cases.transfer.view": POLICE_CASEWORK,
    "cases.transfer.request": POLICE_CASEWORK,
    "cases.transfer.decide": frozenset({Role.POLICE_SUPERVISOR}),
    "cases.person.view": CASEWORK,
    "cases.person.create": CASEWORK,
    "cases.person.change": CASEWORK,
    # Person merge (issue 19): two records of one agency found to be the same person
    # are merged, and the merge undone within 20 working days, by a supervisor: the
    # police supervisor, and the hub's MASH coordinator (children's services and the
    # hub have no supervisor role; the coordinator owns the hub's decisions). They
    # alone read a merge's record. Anyone who does casework is warned of duplicates
    # (`cases.person.view`). See docs/adr/0016.
    "cases.person.merge": frozenset({Role.POLICE_SUPERVISOR, Role.MASH_COORDINATOR}),
    "cases.party.add": CASEWORK,
    "cases.offence.add": CASEWORK,
    "cases.contact.add": CASEWORK,
    "cases.decision.add": CASEWORK,
    "cases.document.view": CASEWORK,
    "cases.document.add": CASEWORK,
    "cases.material.view": MATERIAL_READERS,
    "cases.material.change": MATERIAL_READERS,
    "cases.outcome.view": CASEWORK,
    "cases.event.view": CASEWORK,
    "cases.event.add": POLICE_CASEWORK,
    "cases.outcome.add": POLICE_CASEWORK,
    "cases.grant.view": CASEWORK,
    # Investigators and supervisors manage any of their agency's grants; anyone else
    # who does casework only on the cases they lead (LEAD_OFFICER_ONLY below).
    "cases.grant.manage": CASEWORK,
    # An auditor reads a case's history (not the case itself).
    "cases.history.view": CASEWORK | {Role.AUDITOR},
    "cases.report.outcomes": POLICE_CASEWORK | {Role.AUDITOR},
    # Tasks: work on a case that no duty covers, given to a member of the agency.
    "cases.task.view": CASEWORK,
    "cases.task.add": CASEWORK,
    "cases.task.change": CASEWORK,
    # A party's identifiers (emails, usernames, phones, IP addresses...): one index
    # with intake reports, within the party's compartment.
    "cases.identifier.view": CASEWORK,
    "cases.identifier.add": CASEWORK,
    "cases.identifier.remove": CASEWORK,
    # Safeguarding: the shared language of risk.
    "safeguarding.scale.manage": frozenset({Role.AGENCY_ADMIN}),
    "safeguarding.assessment.view": CASEWORK,
    "safeguarding.assessment.add": CASEWORK,
    "safeguarding.assessment.override": frozenset(
        {
            Role.SPECIALIST_INVESTIGATOR,
            Role.POLICE_SUPERVISOR,
            Role.SOCIAL_WORKER,
            Role.MASH_COORDINATOR,
        }
    ),
    "safeguarding.flag.view": CASEWORK,
    "safeguarding.flag.raise": CASEWORK,
    "safeguarding.strategy.view": CASEWORK,
    "safeguarding.strategy.record": frozenset({Role.SOCIAL_WORKER, Role.MASH_COORDINATOR}),
    "safeguarding.queue.view": CASEWORK,
    "safeguarding.case.action": CASEWORK,
    # Referrals: tasked handoffs. Partners work their inbox; they never send.
    "referrals.referral.view": CASEWORK | {Role.PARTNER_CASEWORKER},
    "referrals.referral.create": CASEWORK,
    "referrals.referral.receive": CASEWORK | {Role.PARTNER_CASEWORKER},
    "referrals.threshold.record": frozenset({Role.MASH_COORDINATOR, Role.SOCIAL_WORKER}),
    # Partners raise the alarm: the receiving side of a referral raises an urgent
    # concern on it; the sending side acknowledges it. Both sides write to the
    # referral's message thread. Which side the caller is on is the services' check.
    "referrals.concern.raise": CASEWORK | {Role.PARTNER_CASEWORKER},
    "referrals.concern.acknowledge": CASEWORK,
    "referrals.message.post": CASEWORK | {Role.PARTNER_CASEWORKER},
    "referrals.report.view": CASEWORK | {Role.PARTNER_CASEWORKER, Role.AUDITOR},
    # Duties of care. Victim updates, family support and suspect welfare are police
    # duties: the force that owns the case owes them.
    "welfare.duty.view": POLICE_CASEWORK,
    "welfare.duty.meet": POLICE_CASEWORK,
    "welfare.victim_care.view": POLICE_CASEWORK,
    "welfare.victim_care.change": POLICE_CASEWORK,
    "welfare.family.view": POLICE_CASEWORK,
    "welfare.family.record": POLICE_CASEWORK,
    "welfare.suspect.view": POLICE_CASEWORK,
    "welfare.suspect.record": POLICE_CASEWORK,
    "welfare.report.suspect_welfare": POLICE_CASEWORK | {Role.AUDITOR},
    # The Victims' Right to Review (issue 19, docs/adr/0017): casework reads a case's
    # requests and records one the victim makes (or its withdrawal); a supervisor
    # assigns it to an officer who had no part in the case; that officer, an
    # investigator or a supervisor, decides it (the service checks they were assigned).
    "welfare.right_to_review.view": POLICE_CASEWORK,
    "welfare.right_to_review.request": POLICE_CASEWORK,
    "welfare.right_to_review.assign": frozenset({Role.POLICE_SUPERVISOR}),
    "welfare.right_to_review.decide": frozenset(
        {Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR}
    ),
    # Staff welfare: everyone who views material logs their exposure (generalists
    # too: see EXPOSURE_REVIEWERS); supervisors see their team's compliance (never
    # private notes) and record debriefs and reviews.
    "staff.exposure.log": EXPOSURE_REVIEWERS,
    "staff.exposure.team": frozenset({Role.POLICE_SUPERVISOR}),
    "staff.meeting.record": frozenset({Role.POLICE_SUPERVISOR}),
    # An agency admin sets the agency's rules of good practice (limits, debriefs).
    "staff.rules.manage": frozenset({Role.AGENCY_ADMIN}),
    # Intake: a force's online CSA intake imports referral packages, triages and
    # decides their items. Holding an item for deconfliction ends only when a
    # supervisor records the coordination agreed with the other force.
    "intake.package.import": POLICE_CASEWORK,
    "intake.package.view": POLICE_CASEWORK,
    "intake.item.view": POLICE_CASEWORK,
    "intake.item.decide": POLICE_CASEWORK,
    "intake.preservation.record": POLICE_CASEWORK,
    "intake.deconfliction.view": POLICE_CASEWORK,
    "intake.deconfliction.record": frozenset({Role.POLICE_SUPERVISOR}),
    # Records (issue 19): a case summary printed for a strategy discussion, a child
    # protection conference or the prosecutor's file, by those who do casework, from
    # their own view of the case (a granted agency prints what its grant shows).
    "records.case_summary.print": CASEWORK,
    # Subject access (issue 19): the records manager records a person's request, has
    # the agency's records about them gathered (the export's own selectors, scoped to
    # the agency: their lawful exception to having no compartment clearance), reviews
    # what names other people, and releases it. See docs/adr/0014.
    "subject_access.request.view": frozenset({Role.RECORDS_MANAGER}),
    "subject_access.request.manage": frozenset({Role.RECORDS_MANAGER}),
    "subject_access.request.release": frozenset({Role.RECORDS_MANAGER}),
    # Retention, review and disposal (issue 19, docs/adr/0015): the records manager
    # works the review queue of the agency's closed cases, records each review's
    # decision and disposes of what is due. A legal hold (an inquiry, litigation) may
    # also be placed and lifted by a police supervisor, who learns of it first; the
    # supervisor sees a case's retention record, not the queue.
    "records.retention.view": frozenset({Role.RECORDS_MANAGER, Role.POLICE_SUPERVISOR}),
    "records.retention.queue": frozenset({Role.RECORDS_MANAGER}),
    "records.retention.review": frozenset({Role.RECORDS_MANAGER}),
    "records.retention.dispose": frozenset({Role.RECORDS_MANAGER}),
    "records.retention.hold": frozenset({Role.RECORDS_MANAGER, Role.POLICE_SUPERVISOR}),
}

# What an agency that was granted another agency's record may do with it: read it,
# and add to the shared picture (contacts, decisions). Everything else stays with
# the owner.
GRANTED_ACTIONS = frozenset(
    {
        "cases.case.view",
        "cases.person.view",
        "cases.contact.add",
        "cases.decision.add",
        "cases.document.view",
        "cases.outcome.view",
        "cases.event.view",
        "cases.history.view",
        "cases.identifier.view",
        # Risk is shared: an agency that may see a case sees and raises its flags,
        # reads its assessments, and records the strategy discussions it leads.
        "safeguarding.assessment.view",
        # A partner that accepted a referral assesses the children named in it.
        "safeguarding.assessment.add",
        "safeguarding.flag.view",
        "safeguarding.flag.raise",
        "safeguarding.strategy.view",
        "safeguarding.strategy.record",
        # The hub coordinates: it may refer on the children of a case it was granted.
        "referrals.referral.create",
        # Children's services print what their grant shows for the conference.
        "records.case_summary.print",
    }
)

# What a read-only grant allows (the force that handed a case over keeps reading it
# for a while): the reads, nothing that adds to the case.
READ_ONLY_GRANTED_ACTIONS = frozenset(
    action for action in GRANTED_ACTIONS if action.endswith(".view")
)

# Of what a grant allows, what needs the whole case: a grant scoped to parties does
# not reach the case's documents, which may be about anyone in it.
WHOLE_CASE_ACTIONS = frozenset({"cases.document.view"})

# Actions that the roles named here may take on any of their agency's records, and
# the other roles the capability lists only on a case they lead.
LEAD_OFFICER_ONLY: dict[str, frozenset[Role]] = {
    "cases.grant.manage": frozenset({Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR}),
    "cases.transfer.request": frozenset({Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR}),
}

# Actions that only a police force can ever take, whatever the role table says.
POLICE_ONLY_ACTIONS = frozenset(
    {
        "cases.case.close_over_duties",
        "cases.case.reopen",
        "cases.transfer.view",
        "cases.transfer.request",
        "cases.transfer.decide",
        "cases.material.view",
        "cases.material.change",
        "cases.outcome.add",
        "cases.event.add",
        "welfare.duty.view",
        "welfare.duty.meet",
        "welfare.victim_care.view",
        "welfare.victim_care.change",
        "welfare.family.view",
        "welfare.family.record",
        "welfare.suspect.view",
        "welfare.suspect.record",
        "welfare.report.suspect_welfare",
        "welfare.right_to_review.view",
        "welfare.right_to_review.request",
        "welfare.right_to_review.assign",
        "welfare.right_to_review.decide",
        "staff.exposure.log",
        "staff.exposure.team",
        "staff.meeting.record",
        "staff.rules.manage",
        "intake.package.import",
        "intake.package.view",
        "intake.item.view",
        "intake.item.decide",
        "intake.preservation.record",
        "intake.deconfliction.view",
        "intake.deconfliction.record",
    }
)

# Any signed-in, active member may do these (they concern only themselves).
SIGNED_IN = "signed_in"

# Which compartments each role is cleared for, before the agency's kind narrows it.
# Casework is every compartment but the material, which only specialists and their
# supervisors may read.
_CASEWORK_CLEARANCE = frozenset(
    {
        Compartment.CASE,
        Compartment.VICTIM,
        Compartment.SUSPECT,
        Compartment.FAMILY,
        Compartment.CHILD_SAFEGUARDING,
    }
)
_MATERIAL_CLEARANCE = _CASEWORK_CLEARANCE | {Compartment.MATERIAL}
ROLE_CLEARANCES: dict[Role, frozenset[Compartment]] = {
    Role.GENERALIST_OFFICER: _CASEWORK_CLEARANCE,
    Role.SPECIALIST_INVESTIGATOR: _MATERIAL_CLEARANCE,
    Role.POLICE_SUPERVISOR: _MATERIAL_CLEARANCE,
    Role.MASH_COORDINATOR: _CASEWORK_CLEARANCE,
    Role.SOCIAL_WORKER: _CASEWORK_CLEARANCE,
    Role.PARTNER_CASEWORKER: frozenset(
        {Compartment.VICTIM, Compartment.SUSPECT, Compartment.FAMILY}
    ),
    # Admins manage people; auditors read logs. Neither reads casework.
    Role.AGENCY_ADMIN: frozenset(),
    Role.AUDITOR: frozenset(),
    # A records manager decides what is kept and what is destroyed from the record's
    # dates and group, not from its casework: no compartment.
    Role.RECORDS_MANAGER: frozenset(),
}

# What an agency's kind can ever hold, whatever the role says.
_POLICE_ONLY = frozenset({Compartment.MATERIAL})
_CHARITY_SERVICE_WALLS: dict[str, frozenset[Compartment]] = {
    # Victim-support partners never see suspect or material records.
    CharityService.VICTIM_SUPPORT: frozenset(
        {Compartment.SUSPECT, Compartment.MATERIAL, Compartment.FAMILY}
    ),
    # Family-support partners never see victim records.
    CharityService.FAMILY_SUPPORT: frozenset({Compartment.VICTIM, Compartment.MATERIAL}),
}


def membership_of(user: AbstractBaseUser | AnonymousUser | None) -> Membership | None:
    """The active membership of a signed-in user, or None. Cached on the user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    cached = getattr(user, "_tideline_membership", False)
    if cached is not False:
        return cast("Membership | None", cached)
    try:
        membership = (
            Membership.objects.select_related("agency", "team")
            .annotate(many_case_grants=_many_case_grants())
            .get(user_id=user.pk)
        )
        membership.user = user  # type: ignore[assignment]
    except Membership.DoesNotExist:
        membership = None
    user._tideline_membership = membership  # type: ignore[attr-defined]
    return membership


def holds_role(user: AbstractBaseUser | None, *, agency_id: Any, roles: frozenset[Role]) -> bool:
    """Whether `user` is active and a member of that agency in one of `roles`: someone
    who may lead a case, be given a task, or be told about a case they lead. One query
    (not `membership_of`, which is the signed-in caller's, cached on them)."""
    return (
        user is not None
        and user.is_active
        and Membership.objects.filter(
            user_id=user.pk, agency_id=agency_id, role__in=sorted(roles)
        ).exists()
    )


def role_of(user) -> Role | None:
    membership = membership_of(user)
    return Role(membership.role) if membership else None


def clearances(user) -> frozenset[Compartment]:
    """The compartments this user may read, after the walls of their agency's kind."""
    membership = membership_of(user)
    if membership is None:
        return frozenset()
    cleared = ROLE_CLEARANCES.get(Role(membership.role), frozenset())
    return cleared & compartments_for_agency(membership.agency)


def compartments_for_agency(agency: Agency) -> frozenset[Compartment]:
    """The compartments an agency's kind may ever hold, whatever its people's roles:
    what its staff may be cleared for, and what a referral may disclose to it."""
    held = frozenset(Compartment)
    if agency.kind != AgencyKind.POLICE:
        held = held - _POLICE_ONLY
    if agency.kind == AgencyKind.CHARITY:
        held = held - _CHARITY_SERVICE_WALLS.get(agency.charity_service, frozenset(Compartment))
    return held


def is_cleared_for(user, compartment: Compartment | str) -> bool:
    return Compartment(compartment) in clearances(user)


def _object_agency_id(obj: Model):
    if hasattr(obj, "owning_agency_id"):
        return obj.owning_agency_id
    if hasattr(obj, "agency_id"):
        return obj.agency_id
    return None


def _direct_grant_model(model) -> Any:
    """guardian's direct group-object-permission table for `model`, found from the
    model's relations alone: guardian's own lookup compares content types, a query
    whenever its cache is cold."""
    for relation in model._meta.related_objects:
        table: Any = relation.related_model
        if (
            isinstance(table, type)
            and issubclass(table, GroupObjectPermissionBase)
            and cast(Any, table)._meta.get_field("content_object").related_model is model
        ):
            return table
    return get_group_obj_perms_model(model)


def _grant_exists_query(agency_group_id: Any, model, perm: str = "view"):
    """The guardian direct foreign-key rows that grant `model` records to an agency."""
    permission_model = _direct_grant_model(model)
    return permission_model.objects.filter(
        group_id=agency_group_id,
        permission__codename=f"{perm}_{model._meta.model_name}",
        permission__content_type__app_label=model._meta.app_label,
    )


# Bumped whenever a grant row is written or deleted in this process (signals connected
# in AgenciesConfig.ready), so that a grant cache read before the change is not used.
_grant_changes = itertools.count()
_grants_generation = next(_grant_changes)


def grants_changed(**kwargs: Any) -> None:
    """A grant row was written or deleted: the grants cached on users are stale."""
    global _grants_generation
    _grants_generation = next(_grant_changes)


def _grants_held(user, membership: Membership, obj: Model) -> frozenset[str]:
    """The permissions (codenames) the user's agency holds on `obj` through a grant.

    One query per record, kept on the user object for as long as it lives: a request.
    A page asks `can()` of the same granted case for each of its panels and actions,
    and each asked the permission tables again (issue 15: 25 of the MASH coordinator's
    59 queries on a case page). Any grant written or deleted since empties the cache."""
    cache: tuple[int, dict[tuple[str, Any], frozenset[str]]] | None = getattr(
        user, "_tideline_grants", None
    )
    if cache is None or cache[0] != _grants_generation:
        cache = (_grants_generation, {})
        user._tideline_grants = cache
    key = (obj._meta.label, obj.pk)
    held = cache[1].get(key)
    if held is None:
        held = frozenset(
            _direct_grant_model(type(obj))
            .objects.filter(group_id=membership.agency.grant_group_id, content_object=obj)
            .values_list("permission__codename", flat=True)
        )
        cache[1][key] = held
    return held


def _holds_grant(user, obj: Model, perm: str) -> bool:
    membership = membership_of(user)
    if membership is None or membership.agency.grant_group_id is None:
        return False
    return f"{perm}_{obj._meta.model_name}" in _grants_held(user, membership, obj)


def is_granted(user, obj: Model, *, whole: bool = False) -> bool:
    """Has the user's agency been granted this record of another agency? With
    `whole`: granted all of it, not only some of its parties."""
    return _holds_grant(user, obj, "view_whole" if whole else "view")


def can(user, action: str, obj: Model | None = None) -> bool:
    """May `user` do `action` (on `obj`)? Deny by default."""
    membership = membership_of(user)
    if membership is None:
        return False
    if action == SIGNED_IN:
        return True
    allowed_roles = CAPABILITIES.get(action)
    if not allowed_roles or membership.role not in allowed_roles:
        return False
    if action in POLICE_ONLY_ACTIONS and membership.agency.kind != AgencyKind.POLICE:
        return False
    if obj is None:
        return True
    if _object_agency_id(obj) == membership.agency_id:
        managers = LEAD_OFFICER_ONLY.get(action)
        if managers is not None and membership.role not in managers:
            return getattr(obj, "lead_officer_id", None) == user.pk
        return True
    if action not in GRANTED_ACTIONS:
        return False
    if not is_granted(user, obj, whole=action in WHOLE_CASE_ACTIONS):
        return False
    return action in READ_ONLY_GRANTED_ACTIONS or not _granted_read_only(user, obj)


def _granted_read_only(user, obj: Model) -> bool:
    return _holds_grant(user, obj, "read_only")


def require(user, action: str, obj: Model | None = None) -> Membership:
    """`can`, or raise. Returns the actor's membership, which services need anyway."""
    if not can(user, action, obj):
        raise AccessDenied(action)
    return cast(Membership, membership_of(user))


def justification_for(user, obj: Model | None = None) -> str:
    """The relation that gave access, for the access log (DPA 2018 s.62)."""
    membership = membership_of(user)
    if membership is None:
        return ""
    if obj is None:
        return f"role {membership.role}"
    if getattr(obj, "lead_officer_id", None) == user.pk:
        return "lead officer"
    if _object_agency_id(obj) == membership.agency_id:
        team_id = getattr(obj, "team_id", None)
        if team_id is not None and team_id == membership.team_id:
            return "own team"
        return f"own agency ({membership.agency.slug})"
    if is_granted(user, obj):
        return f"agency grant to {membership.agency.slug}"
    return f"role {membership.role}"


# --- Scopes: which records a user may see, as a database filter.

# An agency holding more grants of cases than this sees enough of the country's cases
# that the case list finds a page soonest by reading every case newest first and
# keeping its own and its granted ones (index case_received). One holding fewer is
# better served by fetching its granted cases by id beside its own (a BitmapOr).
# Which one only shapes the query: either returns the same cases.
MANY_GRANTS = 1000


def _many_case_grants() -> Exists:
    """For the membership's one query: does the member's agency hold more than
    MANY_GRANTS grants of cases? An index-only count that stops at MANY_GRANTS + 1."""
    case_model = Agency._meta.get_field("cases").related_model
    grants = _grant_exists_query(OuterRef("agency__grant_group_id"), case_model)
    return Exists(grants.order_by().values("pk")[MANY_GRANTS : MANY_GRANTS + 1])


class AmongIds(Expression):
    """`column IN (subquery)`, written on PostgreSQL as `column = ANY(ARRAY(subquery))`:
    the subquery runs once, before the scan, and the test is one an index can serve,
    so that an OR of it with other indexed tests can be a BitmapOr (an IN subquery
    or an EXISTS under an OR can only be tested row by row)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, subquery: QuerySet[Any]) -> None:
        super().__init__()
        self.column: Any = F(column)
        self.subquery: Any = Subquery(subquery)

    def get_source_expressions(self) -> list[Any]:
        return [self.column, self.subquery]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.column, self.subquery = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        column, column_params = compiler.compile(self.column)
        subquery, subquery_params = compiler.compile(self.subquery)
        template = "%s = ANY(ARRAY%s)" if connection.vendor == "postgresql" else "%s IN %s"
        return template % (column, subquery), (*column_params, *subquery_params)


def member_scope(user, queryset: QuerySet[Membership]) -> QuerySet[Membership]:
    membership = membership_of(user)
    if membership is None or not can(user, "agencies.member.view"):
        return queryset.none()
    return queryset.filter(agency_id=membership.agency_id)


def owned_or_granted_scope(
    user,
    queryset: QuerySet,
    *,
    action: str,
    owner_field: str = "owning_agency",
    listed: bool = False,
) -> QuerySet:
    """Records of the user's own agency, plus those granted to it, for a role that
    may take `action`. One query: the grants are guardian's direct table's rows.

    The grant is an EXISTS, tested on each record as it is read: the cheapest way
    to ask of a few records, and of a list that reads all records newest first when
    the agency's own and granted ones are many of them. `listed`, for the list
    itself: an agency that holds few grants (MANY_GRANTS) has its granted ids
    fetched once and looked up beside its own instead, so that a small scope is
    gathered by its indexes rather than found by reading every record. Both are the
    same set of records."""
    membership = membership_of(user)
    if membership is None or not can(user, action):
        return queryset.none()
    own = Q(**{f"{owner_field}_id": membership.agency_id})
    if action not in GRANTED_ACTIONS or membership.agency.grant_group_id is None:
        return queryset.filter(own)
    grants = _grant_exists_query(membership.agency.grant_group_id, queryset.model)
    if not listed or getattr(membership, "many_case_grants", True):
        return queryset.filter(own | Exists(grants.filter(content_object=OuterRef("pk"))))
    return queryset.filter(own | AmongIds("pk", grants.order_by().values("content_object_id")))


def compartment_scope(user, queryset: QuerySet, *, field: str = "compartment") -> QuerySet:
    """Only the records in compartments the user is cleared for."""
    return queryset.filter(**{f"{field}__in": sorted(clearances(user))})


def party_scope(user, queryset: QuerySet, *, case_owner: OuterRef | None = None) -> QuerySet:
    """The parties (of cases) the user may see: in compartments they are cleared for,
    and of a case of their own agency, or of a case granted to their agency whole, or
    named in a grant scoped to parties. One query: each grant is an EXISTS on
    guardian's direct tables. A case grant without either kind of party permission
    shows nobody: the policy fails closed.

    `case_owner`, for a subquery of the parties of the case an outer query reads: its
    owning agency (`OuterRef("owning_agency_id")`), so that the test reads the outer
    row instead of joining the case again. It also keeps the subquery tied to that row,
    so PostgreSQL tests it case by case as a list walks its order, instead of first
    gathering the matching parties of every case."""
    membership = membership_of(user)
    if membership is None:
        return queryset.none()
    queryset = compartment_scope(user, queryset)
    own = (
        Q(case__owning_agency_id=membership.agency_id)
        if case_owner is None
        else Q(Exact(case_owner, Value(membership.agency_id)))
    )
    group_id = membership.agency.grant_group_id
    if group_id is None:
        return queryset.filter(own)
    case_model = queryset.model._meta.get_field("case").related_model
    whole = Exists(
        _grant_exists_query(group_id, case_model, "view_whole").filter(
            content_object=OuterRef("case_id")
        )
    )
    named = Exists(
        _grant_exists_query(group_id, queryset.model).filter(content_object=OuterRef("pk"))
    )
    return queryset.filter(own | whole | named)


def party_visible(user, party: Model) -> bool:
    """May the user see (and so record about) this party? The same rule as
    `party_scope`, asked of one party."""
    same_party = type(party).objects.filter(pk=party.pk)  # type: ignore[attr-defined]
    return party_scope(user, same_party).exists()


def referral_scope(user, queryset: QuerySet) -> QuerySet:
    """Referrals the user's agency sent (drafts included), and those sent to it
    (never its drafts). Whether the receiver sees the live case is not decided
    here: it never does; it sees the referral's disclosure."""
    membership = membership_of(user)
    if membership is None or not can(user, "referrals.referral.view"):
        return queryset.none()
    sent = Q(from_agency_id=membership.agency_id)
    received = Q(to_agency_id=membership.agency_id) & ~Q(state="draft")
    return queryset.filter(sent | received)


def case_referral_scope(user, queryset: QuerySet) -> QuerySet:
    """Referrals as the case's metadata (purpose, receiver, state, deadlines, outcome
    summary; never the disclosure, which `referral_scope` guards): those the user's
    agency sent or received, and every other sent referral about a case it holds.
    The owner sees all of them, whoever sent them; an agency holding the case by a
    grant sees those about people it may see (`party_scope`). One query."""
    membership = membership_of(user)
    if membership is None or not can(user, "cases.case.view"):
        return queryset.none()
    agency_id = membership.agency_id
    own_side = Q(from_agency_id=agency_id) | (Q(to_agency_id=agency_id) & ~Q(state="draft"))
    case_model = queryset.model._meta.get_field("case").related_model
    held = owned_or_granted_scope(user, case_model.objects.all(), action="cases.case.view")
    parties = queryset.model._meta.get_field("parties")
    party_model = parties.related_model
    # Each test is asked of the referral's own case and parties (correlated, by
    # primary key), never as a set of every case or party the agency may see: that
    # set is millions of rows at national scale, and its estimate alone sends the
    # planner to JIT compilation.
    seen = Exists(
        party_scope(
            user,
            party_model.objects.filter(pk=OuterRef(f"{parties.m2m_reverse_field_name()}_id")),
        )
    )
    someone_unseen = Exists(
        parties.remote_field.through.objects.filter(
            ~seen, **{f"{parties.m2m_field_name()}_id": OuterRef("pk")}
        )
    )
    about_a_held_case = (
        ~Q(state="draft")
        & Exists(held.filter(pk=OuterRef("case_id")))
        & (Q(case__owning_agency_id=agency_id) | ~someone_unseen)
    )
    return queryset.filter(own_side | about_a_held_case)


def transfer_scope(user, queryset: QuerySet) -> QuerySet:
    """Transfers the user's force asked for, and those asked of it. The receiving
    force learns of the case only what the transfer shows (its reference, title and
    the reason) until it accepts: the case itself stays out of its scope."""
    membership = membership_of(user)
    if membership is None or not can(user, "cases.transfer.view"):
        return queryset.none()
    agency_id = membership.agency_id
    return queryset.filter(Q(from_agency_id=agency_id) | Q(to_agency_id=agency_id))


def access_log_scope(user, queryset: QuerySet) -> QuerySet:
    """An auditor sees what their agency's people did, and who touched their agency's records."""
    membership = membership_of(user)
    if membership is None or not can(user, "audit.access_log.view"):
        return queryset.none()
    slug = membership.agency.slug
    # A list whose records belong to several agencies names each of them.
    return queryset.filter(
        Q(agency_slug=slug)
        | Q(object_agency_slug=slug)
        | Q(object_agency_slugs__icontains=f'"{slug}"')
    )


# --- The REST framework's side of the policy.


class PolicyPermission(BasePermission):
    """Each API view declares `policy = {"GET": action, "POST": action, ...}`.

    A method without an entry is refused. A refused request for one object
    answers 404, so that its existence does not leak; for a collection, 403.
    """

    def has_permission(self, request, view) -> bool:
        from agencies.audit import access_denial_record  # the audit module imports models only

        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not hasattr(view, request.method.lower()):
            return True  # the view answers 405 Method Not Allowed
        method = "GET" if request.method == "HEAD" else request.method
        action = getattr(view, "policy", {}).get(method)
        if action is not None and can(user, action):
            return True
        access_denial_record(
            actor=user,
            action=action or f"api.{method.lower()}",
            justification="role not permitted",
        )
        if view.kwargs:
            raise NotFound()
        return False


class SignInEndpoint(BasePermission):
    """For the two endpoints that must answer before anyone is signed in: the
    token exchange and the health check. Nothing else may use it."""

    def has_permission(self, request, view) -> bool:
        return True
