"""Every consultation of personal data is logged (DPA 2018 s.62): a walk over every
GET endpoint in the URL configuration, API and pages, on the seeded demo, as each
demo user. A response that holds personal data must have written exactly one
access-log entry, by that user, naming what it returned.

The walk finds endpoints by itself: a new GET endpoint is walked as soon as it is
in the URLs. One that answers with personal data and writes no entry fails here;
one that no demo user can read fails too, until the world below gives it a record
to show. Endpoints with no personal data are listed literally, with the reason,
and the walk checks that they indeed show none."""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Q
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import AccessLogEntry, Agency, Membership
from cases.models import (
    Case,
    CaseGrant,
    CaseParty,
    Document,
    Outcome,
    PartyRole,
    Person,
)
from cases.selectors import case_scope
from cases.services.documents import document_upload
from common.models import Notification
from referrals.models import Concern, Referral, ReferralDocument
from referrals.services import referral_send
from referrals.services.disclosure_documents import disclosure_document_attach
from safeguarding.models import Assessment, Flag, StrategyDiscussion
from tests.helpers import signed_in_client
from tests.referrals import draft
from welfare.models import Duty, ExposureSession, WelfareIncident, WelfareMeeting

LONDON = ZoneInfo("Europe/London")
SEEDED_AT = datetime(2026, 11, 25, 9, 30, tzinfo=LONDON)

pytestmark = pytest.mark.slow

# Answers that hold no personal data, by URL name, with the reason. The walk checks
# that none of them shows any of the demo's personal data.
NO_PERSONAL_DATA = {
    "healthz": "the service's health",
    "sign-in": "the sign-in form",
    "sign-in-code": "the second step of sign-in",
    "sign-in-enrol": "setting up the caller's own authenticator",
    "api:me": "the caller's own account, which they may always read",
    "api:team-list": "team names",
    "api:schema": "the OpenAPI schema",
    "api:docs": "the API documentation",
    "api:notification-list": "the caller's own reminders: a kind, a sentence and a link",
    "notification-list-page": "the caller's own reminders: a kind, a sentence and a link",
    "api:risk-levels": "the shared risk vocabulary",
    "api:risk-templates": "the assessment templates",
    "api:risk-scales": "agencies' risk scales",
    "api:risk-scale-detail": "an agency's risk scale",
    "api:risk-targets": "an agency's first-action targets",
    "risk-vocabulary": "the shared risk vocabulary and the agencies' scales",
    "risk-scale-edit": "the form for an agency's risk scale",
    "risk-targets-edit": "the form for an agency's first-action targets",
    "api:report-outcomes": "counts, with small numbers suppressed",
    "outcome-report": "counts, with small numbers suppressed",
    "api:report-referrals": "counts, with small numbers suppressed",
    "referral-report": "counts, with small numbers suppressed",
    "api:report-suspect-welfare": "anonymised statistics, with small numbers suppressed",
    "suspect-welfare-report": "anonymised statistics, with small numbers suppressed",
    "outcome-report-csv": "the outcome report's counts, as CSV",
    "referral-report-csv": "the referral report's counts, as CSV",
    "suspect-welfare-report-csv": "anonymised statistics, small numbers withheld, as CSV",
    "api:staff-exposure-rules": "the agency's exposure limits",
    "staff-exposure-rules": "the form for the agency's exposure limits",
    "api:staff-exposure-shift": "the caller's own shift times",
    "staff-shift-change": "the form for the caller's own shift times",
    "member-create": "the form for a new member of staff",
    "enrol": "a new member of staff setting up their own account",
    "common.api.errors.api_not_found": "the API's 404 for a path no endpoint has",
}
# Reads that show more with a query: walked with it too, after the plain GET.
ALSO_ASKED = {
    "api:case-list": ["q=Sample"],
    "case-list": ["q=Sample"],
    "api:person-list": ["q=Sample"],
    "api:referral-list": ["direction=received", "direction=sent"],
    "api:staff-exposure-summary": ["team=true"],
    "staff-exposure-team": ["week=2026-11-16"],
}
# Reads that answer only with a query (without it, 400 naming the parameter): walked
# with it.
ASKED_WITH = {
    "api:case-summary": "purpose=strategy",
    "api:subject-access-people": "q=Sample",
}
# Pages that name colleagues only as people to choose from, with nothing about them:
# staff names there are not a read of anyone's personal data.
COLLEAGUES_TO_CHOOSE_FROM = {
    "case-create": "the colleagues who may lead the new case",
}

# Who walks: every demo user, in this order, until two have read an endpoint; the
# receivers come early so that both sides of a referral are read.
USERNAMES = [
    "officer.north",
    "caseworker.harbour",
    "coordinator.mash",
    "caseworker.lighthouse",
    "social.worker",
    "investigator.north",
    "supervisor.north",
    "admin.north",
    "auditor.north",
    "officer.south",
    "investigator.south",
    "records.north",
]


@pytest.fixture
def world(db, settings):
    """The demo, and what it lacks: a document on a case, shared with a referral's
    disclosure (the demo attaches none)."""
    settings.DEBUG = True
    with time_machine.travel(SEEDED_AT, tick=False):
        call_command("seed_demo")
        case = Case.objects.get(reference="NP-2026-000002")
        lead = Membership.objects.get(user=case.lead_officer)
        victims = list(case.parties.filter(role=PartyRole.VICTIM).select_related("person"))
        # A file that names the victim, so that a download shows personal data.
        statement = f"The statement of {victims[0].person.full_name}, in words only.\n"
        document = document_upload(
            actor=lead.user,
            case=case,
            uploaded_file=SimpleUploadedFile("statement.txt", statement.encode(), "text/plain"),
            title="Witness statement",
        )
        referral = draft(lead, case, Agency.objects.get(slug="harbour-victim-support"), victims)
        disclosure_document_attach(actor=lead.user, referral=referral, case_document=document)
        referral_send(actor=lead.user, referral=referral)
    return SEEDED_AT


def _personal_data(viewer: User) -> tuple[list[str], list[str]]:
    """What in a response shows personal data: the people's names and dates of
    birth, case references, what referrals disclose; and, apart, staff members'
    names (but the viewer's own) and the ids of their exposure records."""
    markers = set(Case.objects.values_list("reference", flat=True))
    for person in Person.objects.all():
        markers.add(str(person.pk))
        if person.first_name and person.last_name:
            markers.add(f"{person.first_name} {person.last_name}")
        if person.date_of_birth:
            born = person.date_of_birth
            markers.add(born.isoformat())
            markers.add(f"{born.day} {born:%B %Y}")
    for summary in Referral.objects.values_list("summary_for_receiver", flat=True):
        if len(summary) > 20:
            markers.add(summary[:40])
    staff = set()
    for user in User.objects.exclude(pk=viewer.pk):
        if user.first_name and user.last_name:
            staff.add(f"{user.first_name} {user.last_name}")
    staff.update(str(pk) for pk in ExposureSession.objects.values_list("pk", flat=True))
    staff.update(str(pk) for pk in WelfareMeeting.objects.values_list("pk", flat=True))
    return sorted(markers), sorted(staff)


def _first(queryset, count: int = 3) -> list:
    return list(queryset[:count])


def _candidates(names: set[str], member: Membership) -> list[dict]:
    """Values for a URL's arguments that this user may well be able to read: first
    from what their scope holds, then anything at all (answered 404)."""
    user = member.user
    cases = case_scope(user)
    if "referral_id" in names:
        referrals = Referral.objects.filter(
            Q(from_agency=member.agency) | Q(to_agency=member.agency)
        ).order_by("state", "created_at")
        if "child_id" in names:
            # A child's threshold decision still owed, of a referral to the reader's agency.
            decisions = apps.get_model("referrals", "ThresholdDecision").objects
            rows = _first(
                decisions.filter(referral__in=referrals, decided_at__isnull=True)
            ) or _first(decisions.all(), 1)
            return [{"referral_id": row.referral_id, "child_id": row.child_id} for row in rows]
        under_referral = {"concern_id": Concern, "document_id": ReferralDocument}
        child = next((name for name in under_referral if name in names), None)
        if child is not None:
            model = under_referral[child]
            rows = _first(model.objects.filter(referral__in=referrals)) or _first(
                model.objects.all(), 1
            )
            return [{"referral_id": row.referral_id, child: row.pk} for row in rows]
        rows = _first(referrals, 4) or _first(Referral.objects.all(), 1)
        return [
            {"referral_id": row.pk, **({"action": "accept"} if "action" in names else {})}
            for row in rows
        ]
    if "item_id" in names:
        # The force's most urgent intake items awaiting a decision (a decision page
        # answers 409 for a held one), then the held one (its hits and coordination).
        items = apps.get_model("intake", "IntakeItem").objects
        own = items.filter(agency=member.agency)
        rows = _first(
            own.filter(state="awaiting_decision").order_by("band", "action_due_at")
        ) + _first(own.filter(state="held"), 1)
        return [{"item_id": row.pk} for row in rows or _first(items.all(), 1)]
    if "package_id" in names:
        packages = apps.get_model("intake", "IntakePackage").objects
        rows = _first(packages.filter(agency=member.agency)) or _first(packages.all(), 1)
        return [{"package_id": row.pk} for row in rows]
    if "identifier_id" in names:
        identifiers = apps.get_model("cases", "Identifier").objects.filter(party__isnull=False)
        rows = _first(identifiers.filter(case__in=cases)) or _first(identifiers.all(), 1)
        return [
            {"case_id": row.case_id, "party_id": row.party_id, "identifier_id": row.pk}
            for row in rows
        ]
    under_case = {
        "party_id": CaseParty.objects.filter(case__in=cases).order_by("role", "created_at"),
        "document_id": Document.objects.filter(case__in=cases),
        "outcome_id": Outcome.objects.filter(case__in=cases),
        "discussion_id": StrategyDiscussion.objects.filter(case__in=cases),
        "flag_id": Flag.objects.filter(case__in=cases),
        "assessment_id": Assessment.objects.filter(case__in=cases),
        "grant_id": CaseGrant.objects.filter(case__in=cases),
    }
    child = next((name for name in under_case if name in names), None)
    if child is not None:
        model = under_case[child].model
        rows = _first(under_case[child]) or _first(model.objects.all(), 1)
        return [{"case_id": row.case_id, child: row.pk} for row in rows]
    if "case_id" in names:
        # The first few, and those with a record only some cases have.
        rows = _first(cases.order_by("reference")) + _first(
            cases.filter(Q(activist_evidence__isnull=False) | Q(material_summary__isnull=False))
        )
        return [{"case_id": row.pk} for row in rows or _first(Case.objects.all(), 1)]
    if "person_id" in names:
        people = Person.objects.filter(parts__case__in=cases).distinct().order_by("last_name")
        rows = _first(people) or _first(Person.objects.all(), 1)
        return [{"person_id": row.pk} for row in rows]
    if "duty_id" in names:
        # One of each kind: some pages are for one kind of duty only.
        duties = {}
        for row in Duty.objects.filter(case__in=cases).order_by("kind", "due_at"):
            duties.setdefault(row.kind, row)
        return [{"duty_id": row.pk} for row in duties.values() or _first(Duty.objects.all(), 1)]
    if "secret" in names:
        # The reader's own calendar feed, its secret made for the walk.
        from calendars.services import calendar_feed_reset

        return [{"secret": calendar_feed_reset(actor=user)[1]}]
    if "merge_id" in names:
        # The agency's person merges (issue 19): the demo's, made and undone.
        merges = apps.get_model("cases", "PersonMerge").objects
        rows = _first(merges.filter(agency=member.agency)) or _first(merges.all(), 1)
        return [{"merge_id": row.pk} for row in rows]
    if "request_id" in names:
        # The agency's subject access requests (issue 19): the demo's, in review.
        requests = apps.get_model("subject_access", "SubjectAccessRequest").objects
        rows = _first(requests.filter(agency=member.agency)) or _first(requests.all(), 1)
        return [
            {"request_id": row.pk, **({"move": "refuse"} if "move" in names else {})}
            for row in rows
        ]
    if "task_id" in names:
        tasks = apps.get_model("cases", "Task").objects
        rows = _first(tasks.filter(agency=member.agency)) or _first(tasks.all(), 1)
        return [{"task_id": row.pk} for row in rows]
    if "transfer_id" in names:
        transfers = apps.get_model("cases", "CaseTransfer").objects
        rows = _first(
            transfers.filter(Q(from_agency=member.agency) | Q(to_agency=member.agency))
        ) or _first(transfers.all(), 1)
        return [{"transfer_id": row.pk} for row in rows]
    if "incident_id" in names:
        return [{"incident_id": row.pk} for row in _first(WelfareIncident.objects.all())]
    if "member_id" in names:
        rows = _first(Membership.objects.filter(agency=member.agency).order_by("user__username"))
        return [
            {"member_id": row.pk, **({"action": "deactivate"} if "action" in names else {})}
            for row in rows
        ]
    if "notification_id" in names:
        rows = _first(Notification.objects.filter(user=user)) or _first(Notification.objects.all())
        return [{"notification_id": row.pk} for row in rows]
    if "agency_slug" in names:
        return [{"agency_slug": member.agency.slug}]
    if "token" in names:
        return [{"token": "not-a-link-anyone-was-given"}]
    if not names:
        return [{}]
    raise AssertionError(f"The walk does not know what to put in {sorted(names)}: teach it.")


@dataclass
class Endpoint:
    name: str
    route: str
    api: bool
    names: set[str] = field(default_factory=set)


def _endpoints(patterns=None, prefix: str = "", namespace: str = "") -> list[Endpoint]:
    found = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            found += _endpoints(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                pattern.namespace or namespace,
            )
        elif isinstance(pattern, URLPattern):
            # An unnamed pattern goes by its view.
            name = pattern.name or f"{pattern.callback.__module__}.{pattern.callback.__name__}"
            name = f"{namespace}:{name}" if namespace and pattern.name else name
            found.append(
                Endpoint(
                    name=name,
                    route=prefix + str(pattern.pattern),
                    api=namespace == "api",
                    names=set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex),
                )
            )
    return found


def _path(endpoint: Endpoint, values: dict) -> str:
    path = "/" + endpoint.route
    for name, value in values.items():
        for converter in ("uuid", "slug", "str", "int", "path"):
            path = path.replace(f"<{converter}:{name}>", str(value))
    return path


def _client(member: Membership, api: bool):
    if api:
        client = APIClient()
        client.force_authenticate(member.user)
        return client
    return signed_in_client(member)


@dataclass
class Walk:
    read: dict[str, set[str]] = field(default_factory=dict)  # endpoint -> who got 200
    answers: dict[str, set[int]] = field(default_factory=dict)  # endpoint -> status codes
    problems: list[str] = field(default_factory=list)


def _check(
    walk: Walk,
    endpoint: Endpoint,
    member: Membership,
    markers: tuple[list[str], list[str]],
    response,
    path: str,
    last: int,
) -> None:
    """A 200: if it shows personal data, exactly one entry by the reader names it."""
    username = member.user.username
    walk.read.setdefault(endpoint.name, set()).add(username)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode(errors="replace")
    people, staff = markers
    if endpoint.name in COLLEAGUES_TO_CHOOSE_FROM:
        staff = []
    shown = [marker for marker in people + staff if marker in text]
    written = list(AccessLogEntry.objects.filter(pk__gt=last))
    where = f"{endpoint.name} {path} as {username}"
    if endpoint.name in NO_PERSONAL_DATA:
        if shown:
            walk.problems.append(f"{where} is listed as holding no personal data: {shown[:3]}")
        return
    if not shown:
        return
    if len(written) != 1:
        walk.problems.append(f"{where} shows {shown[:3]}; wrote {len(written)} entries, not 1")
        return
    entry = written[0]
    endpoint_path, _, query = path.partition("?")
    if endpoint.name == "calendar-feed":
        # The log names the feed's endpoint, never its live secret: auditors read it.
        endpoint_path = "/calendar/feed/<secret>.ics"
    if (entry.username, entry.outcome, entry.endpoint, entry.query) != (
        username,
        "allowed",
        endpoint_path,
        query,
    ):
        walk.problems.append(f"{where}: {entry} ({entry.endpoint}?{entry.query})")
    if not (entry.object_id or entry.record_ids):
        walk.problems.append(f"{where}: the entry names no record")


def _last() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _walk_one(
    walk: Walk, endpoint: Endpoint, member: Membership, markers: tuple[list[str], list[str]]
) -> bool:
    """True when this user read something there."""
    client = _client(member, endpoint.api)
    candidates = _candidates(endpoint.names, member)
    if endpoint.name.startswith(("retention-", "api:retention-")):
        # A closed case's retention pages (issue 19): the agency's cases due for review
        # and not held first; an open case has no review to read (409).
        due = apps.get_model("records", "CaseRetention").objects.filter(
            agency=member.agency, state="scheduled", on_hold=False
        )
        rows = _first(due.filter(next_review_on__lte=timezone.localdate()).order_by("reference"))
        candidates = [{"case_id": row.case_id} for row in rows] + candidates
    if endpoint.name.startswith(("review-request-", "api:review-request-")):
        # A victim's request for a review (issue 19) shares the name `request_id` with
        # subject access requests: the agency's own reviews, on cases the user may see,
        # and their cases (a case without a decision not to charge has none).
        reviews = _first(
            apps.get_model("welfare", "ReviewRequest").objects.filter(
                case__in=case_scope(member.user)
            )
        )
        if "request_id" in endpoint.names:
            move = {"move": "withdraw"} if "move" in endpoint.names else {}
            candidates = [{"request_id": row.pk, **move} for row in reviews]
        else:
            candidates = [{"case_id": row.case_id} for row in reviews] + candidates
    for values in candidates:
        path = _path(endpoint, values)
        if endpoint.name in ASKED_WITH:
            path = f"{path}?{ASKED_WITH[endpoint.name]}"
        last = _last()
        response = client.get(path)
        walk.answers.setdefault(endpoint.name, set()).add(response.status_code)
        if response.status_code in (302, 400, 403, 404, 405):
            continue
        if response.status_code != 200:
            walk.problems.append(
                f"{endpoint.name} {path} as {member.user.username}: {response.status_code}"
            )
            return False
        _check(walk, endpoint, member, markers, response, path, last)
        for query in ALSO_ASKED.get(endpoint.name, ()):
            last = _last()
            asked = client.get(f"{path}?{query}")
            if asked.status_code == 200:
                _check(walk, endpoint, member, markers, asked, f"{path}?{query}", last)
        return True
    return False


def test_every_get_endpoint_that_shows_personal_data_logs_it(world):
    endpoints = _endpoints()
    members = {
        username: Membership.objects.select_related("user", "agency").get(user__username=username)
        for username in USERNAMES
    }
    markers = {username: _personal_data(member.user) for username, member in members.items()}
    walk = Walk()
    with time_machine.travel(world, tick=False):
        for endpoint in endpoints:
            readers = 0
            for username, member in members.items():
                readers += _walk_one(walk, endpoint, member, markers[username])
                if readers == 2:
                    break
    # Answered 405 to whoever may use it: not a GET endpoint.
    unread = [
        f"{endpoint.name} {sorted(walk.answers.get(endpoint.name, []))}"
        for endpoint in endpoints
        if endpoint.name not in walk.read
        and endpoint.name not in NO_PERSONAL_DATA
        and 405 not in walk.answers.get(endpoint.name, set())
    ]
    assert not walk.problems, "\n".join(walk.problems)
    assert not unread, "no demo user could read these:\n" + "\n".join(unread)
