"""A closed case refuses every write through the API: 409 naming the state
(`closed`), and nothing changes. Reads still work.

The walk takes every API write of the authorization matrix (tests/authz/rows_*.py:
the same rows, with their bodies, so that each request is one the endpoint would
otherwise accept), builds its records for a caller who may make it, closes the
case those records belong to, and makes the request. A write whose records hang
off no case (people, staff welfare, notifications, members) is not about a case.
The few writes that go on after a case is closed are named below, with why.
A new write endpoint on a case fails here until it refuses, or is named."""

import importlib
import pkgutil

import pytest
from django.apps import apps
from django.utils import timezone
from rest_framework.test import APIClient

import tests.authz
from agencies.models import Membership
from cases.models import Case, CaseStatus
from tests.authz import OWN, Column, Endpoint
from tests.factories import AgencyFactory, MembershipFactory, PartyFactory, TeamFactory

_MODULES = [
    importlib.import_module(f"tests.authz.{info.name}")
    for info in pkgutil.iter_modules(tests.authz.__path__)
    if info.name.startswith("rows_")
]
ROWS: list[Endpoint] = [row for module in _MODULES for row in module.ROWS]
WRITES = ("POST", "PUT", "PATCH", "DELETE")
API_WRITES = [row for row in ROWS if not row.page and row.method in WRITES]

# Writes that go on after a case is closed, each for a reason.
GOES_ON_AFTER_CLOSING = {
    # The way back.
    ("case-reopen", "POST"): "a supervisor reopens a closed case",
    # Access only narrows: an owner may still end a grant of a closed case.
    ("case-grant-revoke", "POST"): "revoking narrows access to a closed case",
    # A person is not the case's: they may be in open cases too.
    ("person-detail", "PATCH"): "a person's own record, shared by every case they are in",
    # A referral is a handoff with its own life: the receiver finishes the work and
    # the loop closes back to the sender even after the case is closed; urgent
    # concerns are raised and acknowledged on the clock. What they would add to the
    # case itself (a flag, a contact) is refused by the case's services.
    ("referral-accept", "POST"): "the receiver's move on a referral already sent",
    ("referral-decline", "POST"): "the receiver's move on a referral already sent",
    ("referral-return", "POST"): "the receiver's move on a referral already sent",
    ("referral-start", "POST"): "the receiver's move on a referral already sent",
    ("referral-update", "POST"): "the receiver's move on a referral already sent",
    ("referral-complete", "POST"): "the receiver closes the loop back to the sender",
    ("referral-answer", "POST"): "the sender answers the receiver's question",
    ("referral-withdraw", "POST"): "the sender may take back a referral it sent",
    ("referral-threshold-decision", "POST"): "the hub's decision on a referral it received",
    ("referral-threshold-decisions", "POST"): "the hub's decision for a child it was referred",
    ("referral-concerns", "POST"): "an urgent concern is raised whatever the case's state",
    ("referral-concern-acknowledge", "POST"): "an urgent concern is acknowledged on the clock",
    ("referral-messages", "POST"): "the two sides of a referral go on talking",
    ("referral-documents", "POST"): "a draft's attachment: the draft cannot be sent",
    ("referral-document-detail", "DELETE"): "a draft's attachment: the draft cannot be sent",
    # A transfer cannot wait on a closed case (closing refuses while one waits);
    # saying no to one, or taking it back, writes nothing on the case.
    ("transfer-decline", "POST"): "declining writes nothing on the case",
    ("transfer-withdraw", "POST"): "withdrawing writes nothing on the case",
    # Closing a case leaves its tasks open: their people still clear them from their
    # list. A new task on a closed case is refused like any other write.
    ("task-complete", "POST"): "a task of a closed case is still marked done",
    ("task-cancel", "POST"): "a task of a closed case is still cancelled",
    # An intake item is not on a case: opening a new case, passing it to another force
    # or taking no further action writes nothing on any case. (Attaching it to a
    # closed case is refused, and so stays in the walk.)
    ("intake-item-open-case", "POST"): "opens a new case; writes nothing on an existing one",
    ("intake-item-pass", "POST"): "an intake item passed to another force: no case written",
    ("intake-item-no-further-action", "POST"): "an intake item closed: no case written",
    # Retention (issue 19) begins when a case closes: its review, keep or dispose, and
    # the legal holds that stop it are made on closed cases only.
    ("retention-review", "POST"): "a closed case's retention review",
    ("retention-hold", "POST"): "a legal hold stops a closed case's review and disposal",
    ("retention-hold-lift", "POST"): "a legal hold is lifted with a reason",
}

# The matrix world's agencies, by the same slugs: the rows' bodies name some of them.
_AGENCIES = {
    "police": ("matrix-home-police", {}),
    "hub": ("matrix-mash", {"mash": True}),
    "childrens": ("matrix-childrens", {"childrens_services": True}),
    "victim_support": ("matrix-victim-support", {"victim_support": True}),
    "family_support": ("matrix-family-support", {"family_support": True}),
    "other": ("matrix-other-police", {}),
    "other_hub": ("matrix-other-hub", {"mash": True}),
    "other_charity": ("matrix-other-charity", {"victim_support": True}),
    "referral_sender": ("matrix-referral-sender", {"name": "Matrix Referral Sender"}),
    "referral_receiver": ("matrix-referral-receiver", {"name": "Matrix Referral Receiver"}),
    "third": ("matrix-third-force", {}),
}


def _snapshot(case: Case) -> dict:
    """Every row count of the apps that hold case records (their history tables
    included, so an update shows too), and the case itself."""
    counts = {
        model._meta.label: model.objects.count()
        for app in ("cases", "safeguarding", "welfare", "referrals")
        for model in apps.get_app_config(app).get_models()
    }
    counts["common.Notification"] = apps.get_model("common", "Notification").objects.count()
    case.refresh_from_db()
    return {"counts": counts, "case": (case.status, case.version, case.owning_agency_id)}


def _allowed_column(row: Endpoint) -> Column | None:
    from tests.authz import COLUMNS

    for column in COLUMNS:
        if row.allows(column) and 200 <= row.expected(column, OWN) < 300:
            return column
    return None


class _World:
    def __init__(self):
        self.agencies = {
            key: AgencyFactory(slug=slug, **traits) for key, (slug, traits) in _AGENCIES.items()
        }
        for agency in self.agencies.values():
            TeamFactory(agency=agency)
        self.members: dict = {}

    def member(self, column: Column) -> Membership:
        if column not in self.members:
            self.members[column] = MembershipFactory(
                agency=self.agencies[column.agency], role=column.role
            )
        return Membership.objects.select_related("user", "agency", "team").get(
            pk=self.members[column].pk
        )

    def build(self, row: Endpoint, column: Column) -> dict:
        actor = self.member(column)
        if row.side is None:
            return row.setup(actor.agency, actor) if row.setup else {}
        if row.side == "receiver":
            return row.setup(self.agencies["referral_sender"], actor.agency, actor)
        return row.setup(actor.agency, self.agencies["referral_receiver"], actor)


def _close(case: Case) -> None:
    # Straight to the database: the walk is about what a closed case refuses, however
    # it came to be closed (duties and all).
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closing_reason="no_crime", closed_on=timezone.localdate()
    )
    case.refresh_from_db()


def _call(client: APIClient, row: Endpoint, values: dict, column: Column):
    path = row.path.format(**{k: v for k, v in values.items() if not k.startswith("_")})
    body = row.body({**values, "_column": column}) if callable(row.body) else row.body
    headers = dict(row.headers)
    if row.needs_version:
        headers["HTTP_IF_MATCH"] = f'"{values.get("_version", 1)}"'
    method = getattr(client, row.method.lower())
    if body is None:
        return method(path, **headers)
    return method(path, body, format="multipart" if row.multipart else "json", **headers)


def test_every_write_the_walk_names_going_on_is_still_an_api_write():
    # A name left behind by a renamed or removed endpoint hides nothing.
    names = {(row.name, row.method) for row in API_WRITES}
    assert set(GOES_ON_AFTER_CLOSING) <= names, set(GOES_ON_AFTER_CLOSING) - names


@pytest.mark.django_db
def test_a_closed_case_refuses_every_write_on_it_and_nothing_changes():
    world = _World()
    problems, walked = [], []
    for row in API_WRITES:
        if (row.name, row.method) in GOES_ON_AFTER_CLOSING:
            continue
        column = _allowed_column(row)
        if column is None:
            continue
        values = world.build(row, column)
        case = values.get("_case")
        if case is None:
            continue  # not a record of a case
        # given: the case closed
        _close(case)
        before = _snapshot(case)
        client = APIClient()
        client.force_authenticate(user=world.member(column).user)
        # when
        response = _call(client, row, values, column)
        # then
        walked.append(row.label)
        body = (
            response.json()
            if response.get("Content-Type", "").startswith("application/json")
            else {}
        )
        if response.status_code != 409 or body.get("state") != CaseStatus.CLOSED:
            problems.append(f"{row.label} as {column}: {response.status_code} {body}")
        elif _snapshot(case) != before:
            problems.append(f"{row.label} as {column}: refused, but something changed")
    assert not problems, "\n".join(problems)
    # The walk reached the writes of every app that records on a case.
    for path in (
        "/api/v1/cases/{case}/contacts/",
        "/api/v1/cases/{case}/parties/",
        "/api/v1/cases/{case}/documents/",
        "/api/v1/cases/{case}/flags/",
        "/api/v1/cases/{case}/strategy-discussions/",
        "/api/v1/cases/{case}/suspect-welfare/screenings/",
        "/api/v1/duties/{duty}/log-contact/",
        "/api/v1/cases/{case}/transfers/",
    ):
        assert f"api POST {path}" in walked, path


@pytest.mark.django_db
def test_a_closed_case_still_reads(officer_north, north, api_for):
    # given
    case = Case.objects.create(
        owning_agency=north,
        reference="NP-2026-000901",
        title="Closed but readable",
        source="school",
        received_on=timezone.localdate(),
        opened_on=timezone.localdate(),
        status=CaseStatus.CLOSED,
        closing_reason="no_crime",
        closed_on=timezone.localdate(),
        created_by=officer_north.user,
    )
    client = api_for(officer_north)
    # when / then
    for path in ("", "contacts/", "parties/", "history/"):
        assert client.get(f"/api/v1/cases/{case.id}/{path}").status_code == 200, path


@pytest.mark.django_db
def test_logging_a_contact_on_a_closed_case_is_refused_with_409(officer_north, north, api_for):
    """The issue's own example: it answered 201."""
    # given
    case = Case.objects.create(
        owning_agency=north,
        reference="NP-2026-000902",
        title="Closed",
        source="school",
        received_on=timezone.localdate(),
        opened_on=timezone.localdate(),
        status=CaseStatus.CLOSED,
        closing_reason="no_crime",
        closed_on=timezone.localdate(),
        created_by=officer_north.user,
        lead_officer=officer_north.user,
    )
    victim = PartyFactory(case=case, role="victim")
    # when
    response = api_for(officer_north).post(
        f"/api/v1/cases/{case.id}/contacts/",
        {"party": str(victim.id), "channel": "phone", "summary": "Rang."},
        format="json",
    )
    # then
    assert response.status_code == 409
    assert response.json() == {
        "detail": "NP-2026-000902 is closed: reopen it before recording anything on it.",
        "state": "closed",
    }
    assert not case.contacts.exists()


@pytest.mark.django_db
def test_the_pages_refuse_a_write_on_a_closed_case_too(officer_north, north, browser_for):
    # given: a contact form opened before the case was closed
    case = Case.objects.create(
        owning_agency=north,
        reference="NP-2026-000903",
        title="Closed while the form was open",
        source="school",
        received_on=timezone.localdate(),
        opened_on=timezone.localdate(),
        created_by=officer_north.user,
        lead_officer=officer_north.user,
    )
    victim = PartyFactory(case=case, role="victim")
    browser = browser_for(officer_north)
    assert browser.get(f"/cases/{case.id}/contacts/new/").status_code == 200
    _close(case)
    # when
    response = browser.post(
        f"/cases/{case.id}/contacts/new/",
        {
            "party": str(victim.id),
            "channel": "phone",
            "summary": "Rang.",
            "direction": "outbound",
            "contacted_on": timezone.localdate().strftime("%d/%m/%Y"),
            "contacted_time": "09:00",
        },
    )
    # then
    assert response.status_code == 409
    text = response.content.decode()
    assert "This cannot be done now" in text
    assert "NP-2026-000903 is closed: reopen it before recording anything on it." in text
    assert not case.contacts.exists()
    # and the case page offers nothing to add
    page = browser.get(f"/cases/{case.id}/").content.decode()
    assert f"/cases/{case.id}/contacts/new/" not in page
