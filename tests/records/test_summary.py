"""The case summary to print (issue 19): built from the reader's own view, so that a
compartment they may not see never appears, with the protective marking, the
printed-by line and "Page N of M" on every page; each print logged with its purpose.
The PDF's text is read back with pypdf."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm
from pypdf import PdfReader

from agencies.models import AccessLogEntry, Role
from cases.models import (
    CaseGrant,
    KeyDecision,
    MaterialSummary,
    Offence,
)
from safeguarding.models import Flag
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TOTPDeviceFactory,
    UserFactory,
)
from tests.helpers import api_client, signed_in_client

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]

MATERIAL_FIGURES = ("Material summary", "Category A", "987654321", "CAID-TEST-1204", "NCA-PKG-77")


def _member(agency, role, username, first="Test", last="Member"):
    membership = MembershipFactory(
        agency=agency,
        role=role,
        user__username=username,
        user__first_name=first,
        user__last_name=last,
    )
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def investigator(north):
    return _member(north, Role.SPECIALIST_INVESTIGATOR, "investigator.north", "Isaac", "Norwood")


@pytest.fixture
def officer(north):
    return _member(north, Role.GENERALIST_OFFICER, "officer.north", "Olivia", "Northam")


@pytest.fixture
def childrens(db):
    return AgencyFactory(
        slug="northshire-childrens", name="Northshire Children's Services", childrens_services=True
    )


@pytest.fixture
def social_worker(childrens):
    return _member(childrens, Role.SOCIAL_WORKER, "social.worker", "Samir", "Walker")


@pytest.fixture
def ncmec(north, investigator):
    """An NCMEC-like case: a suspect, his partner and their child in the household,
    a victim, an offence, a key decision, a flag on the suspect and the material
    summary (metadata only)."""
    lead = investigator.user
    case = CaseFactory(
        owning_agency=north,
        reference="NP-2026-000111",
        title="Operation Bramble: NCMEC report",
        source="nca_industry_report",
        lead_officer=lead,
        created_by=lead,
    )
    parties = {
        "suspect": ("Dale", "Suspectson", "suspect"),
        "partner": ("Erin", "Partnerly", "family_member"),
        "child": ("Finn", "Childers", "child_in_household"),
        "victim": ("Vera", "Victimson", "victim"),
    }
    made = {
        key: PartyFactory(
            case=case,
            role=role,
            person__first_name=first,
            person__last_name=last,
            person__date_of_birth=date(2014, 5, 1) if role != "suspect" else date(1985, 1, 1),
            created_by=lead,
        )
        for key, (first, last, role) in parties.items()
    }
    offence = Offence.objects.create(
        case=case,
        offence_type="iioc_distributing",
        committed_from=date(2026, 10, 1),
        created_by=lead,
    )
    offence.parties.set([made["suspect"], made["victim"]])
    KeyDecision.objects.create(
        case=case,
        decision="Apply for a search warrant",
        rationale="Children live at the address.",
        decided_by=lead,
        decided_at=NOW - timedelta(days=3),
    )
    Flag.objects.create(
        case=case,
        party=made["suspect"],
        person=made["suspect"].person,
        kind="suicide_self_harm",
        reason="Said so in custody.",
        raised_by=lead,
        raised_at=NOW - timedelta(days=2),
        review_on=date(2026, 12, 9),
    )
    material = MaterialSummary(
        case=case,
        category_a_count=4,
        category_b_count=27,
        category_c_count=183,
        caid_reference="CAID-TEST-1204",
        ncmec_report_id="987654321",
        nca_package_reference="NCA-PKG-77",
        updated_by=lead,
    )
    material._history_user = lead  # type: ignore[attr-defined]
    material.save()
    case.made = made  # type: ignore[attr-defined]
    return case


def _grant_parties(case, agency, parties):
    """A grant of some parties only, as accepting a referral leaves it."""
    grant = CaseGrant.objects.create(
        case=case,
        agency=agency,
        reason="Accepted referral",
        granted_by=UserFactory(),
        granted_at=timezone.now(),
        party_scoped=True,
    )
    grant.parties.set(parties)
    assign_perm("view_case", agency.grant_group, case)
    for party in parties:
        assign_perm("view_caseparty", agency.grant_group, party)


def _print(member, case, purpose: str):
    return api_client(member).get(f"/api/v1/cases/{case.pk}/summary/", {"purpose": purpose})


def _pages(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    # Words as they read, whatever the line breaks of the layout.
    return [
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    ]


def _text(response) -> str:
    return "\n".join(_pages(response))


def test_the_generalist_officer_s_prosecution_file_lacks_the_material_the_investigator_s_has(
    ncmec, officer, investigator
):
    specialist = _text(_print(investigator, ncmec, "prosecution"))
    generalist = _text(_print(officer, ncmec, "prosecution"))

    for figure in MATERIAL_FIGURES:
        assert figure in specialist
        assert figure not in generalist
    # The rest of the prosecutor's file is the same for both.
    for shared in ("Offences", "Dale Suspectson", "Key decisions", "Apply for a search warrant"):
        assert shared in specialist and shared in generalist


def test_a_generalist_officer_s_chronology_lists_no_material_either(ncmec, officer, investigator):
    """The material's own entries in the chronology carry its figures."""
    for purpose in ("strategy", "prosecution"):
        generalist = _text(_print(officer, ncmec, purpose))
        assert "Chronology" in generalist
        assert "Material summary" not in generalist
        assert "A 4, B 27" not in generalist

    # nor among the kinds the chronology says it lists
    def listed_kinds(text: str) -> str:
        return " ".join(text.split()).split("of these kinds:")[1].split("; only what")[0]

    assert "material" not in listed_kinds(_text(_print(officer, ncmec, "prosecution")))
    specialist = _text(_print(investigator, ncmec, "prosecution"))
    assert "A 4, B 27, C 183" in specialist
    assert "material" in listed_kinds(specialist)


def test_each_purpose_prints_its_own_sections(ncmec, investigator):
    conference = _text(_print(investigator, ncmec, "conference"))
    prosecution = _text(_print(investigator, ncmec, "prosecution"))
    strategy = _text(_print(investigator, ncmec, "strategy"))

    assert "Case summary for a child protection conference" in conference
    assert "Children in the case" in conference and "Finn Childers" in conference
    assert "Risk" in conference and "Suicide or self-harm risk" in conference
    # Not the evidence: no offences, no material, no decisions.
    for absent in ("Offences", "Material summary", "Key decisions", "987654321"):
        assert absent not in conference
    assert "Case summary for the prosecutor's file" in prosecution
    for absent in ("Strategy discussions", "Flags", "Referrals"):
        assert absent not in prosecution
    assert "Case summary for a strategy discussion" in strategy
    for present in ("People in the case", "Referrals", "Strategy discussions", "Actions open"):
        assert present in strategy
    assert "Offences" not in strategy


def test_a_victim_support_caseworker_cannot_print_at_all(ncmec, caseworker_harbour):
    """Charities never hold a case: no page, no PDF, nothing printed in the log."""
    browser = signed_in_client(caseworker_harbour)
    page = f"/cases/{ncmec.pk}/summary/print/"

    assert browser.get(page).status_code == 404
    assert browser.post(page, {"purpose": "strategy"}).status_code == 404
    assert _print(caseworker_harbour, ncmec, "strategy").status_code == 404
    assert not AccessLogEntry.objects.filter(action="records.case_summary.printed").exists()


def test_another_force_finds_no_case_to_print(ncmec, officer_south):
    assert _print(officer_south, ncmec, "strategy").status_code == 404
    assert signed_in_client(officer_south).get(f"/cases/{ncmec.pk}/summary/print/").status_code == (
        404
    )
    refusals = AccessLogEntry.objects.filter(username="officer.south")
    assert [(entry.outcome, entry.object_id) for entry in refusals] == [
        ("denied", str(ncmec.pk)),
        ("denied", str(ncmec.pk)),
    ]


def test_a_grant_of_the_victim_only_prints_no_suspect_and_no_family(
    ncmec, childrens, social_worker
):
    """Children's services, granted the victim only, print what they may see: the
    suspect, his family and the flag on him never appear, not even by their role."""
    _grant_parties(ncmec, childrens, [ncmec.made["victim"]])

    for purpose in ("strategy", "conference"):
        text = _text(_print(social_worker, ncmec, purpose))
        assert "Vera Victimson" in text
        for hidden in (
            "Dale Suspectson",
            "Erin Partnerly",
            "Finn Childers",
            "Suspect",
            "Family member",
            "household",
            "Said so in custody",
            "Material summary",
        ):
            assert hidden not in text, (purpose, hidden)


def test_every_page_carries_the_marking_who_printed_it_when_and_its_number(ncmec, investigator):
    # Enough decisions to run over several pages.
    for number in range(40):
        KeyDecision.objects.create(
            case=ncmec,
            decision=f"Decision number {number} of a long investigation",
            rationale="Recorded so that the file runs over several pages. " * 3,
            decided_by=investigator.user,
            decided_at=NOW - timedelta(hours=number + 1),
        )

    pages = _pages(_print(investigator, ncmec, "prosecution"))

    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, number  # at its head and its foot
        assert "NP-2026-000111" in text
        assert "Printed by Isaac Norwood, Northshire Police, on 25 Nov 2026 at 10:00" in text
        assert f"Page {number} of {len(pages)}" in text
    # The printed-by line keeps to one line at the foot.
    assert (
        "Printed by Isaac Norwood, Northshire Police, on 25 Nov 2026 at 10:00 OFFICIAL"
        in (pages[-1])
    )


def test_the_download_is_an_attachment_named_for_the_case_and_purpose(ncmec, investigator):
    response = _print(investigator, ncmec, "conference")

    assert response["Content-Disposition"] == (
        'attachment; filename="NP-2026-000111-summary-conference.pdf"'
    )
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF-")


def test_each_print_is_logged_with_its_purpose_and_the_records_it_read(ncmec, investigator):
    before = AccessLogEntry.objects.count()

    _print(investigator, ncmec, "conference")

    assert AccessLogEntry.objects.count() == before + 1  # one entry per request (ADR 0007)
    entry = AccessLogEntry.objects.get(action="records.case_summary.printed")
    assert (entry.username, entry.outcome, entry.object_type, entry.object_id) == (
        "investigator.north",
        "allowed",
        "case",
        str(ncmec.pk),
    )
    assert "purpose: conference" in entry.justification
    assert entry.query == "purpose=conference"
    # The people it names, as the tabs log the people they show.
    assert f"party:{ncmec.made['child'].pk}" in entry.record_ids
    assert entry.object_agency_slug == "northshire-police"


def test_the_page_s_print_is_logged_with_its_purpose_too(ncmec, investigator):
    response = signed_in_client(investigator).post(
        f"/cases/{ncmec.pk}/summary/print/", {"purpose": "prosecution"}
    )

    assert response["Content-Disposition"] == (
        'attachment; filename="NP-2026-000111-summary-prosecution.pdf"'
    )
    entry = AccessLogEntry.objects.get(action="records.case_summary.printed")
    assert "purpose: prosecution" in entry.justification
    # The material summary it read is named in the same entry.
    assert f"material_summary:{ncmec.material_summary.pk}" in entry.record_ids


@pytest.mark.parametrize("query", [{}, {"purpose": "gossip"}, {"purpose": ""}])
def test_a_missing_or_unknown_purpose_is_refused_naming_it(ncmec, investigator, query):
    response = api_client(investigator).get(f"/api/v1/cases/{ncmec.pk}/summary/", query)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["purpose"]
    assert not AccessLogEntry.objects.filter(action="records.case_summary.printed").exists()


def test_the_page_refuses_a_missing_purpose_naming_it(ncmec, investigator):
    response = signed_in_client(investigator).post(f"/cases/{ncmec.pk}/summary/print/", {})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_purpose"' in body
    assert "Select what the summary is for." in body
    assert not AccessLogEntry.objects.filter(action="records.case_summary.printed").exists()


def test_the_page_offers_the_three_purposes_as_radios(ncmec, officer):
    response = signed_in_client(officer).get(f"/cases/{ncmec.pk}/summary/print/")

    body = response.content.decode()
    assert response.status_code == 200
    for value in ("strategy", "conference", "prosecution"):
        assert f'type="radio" value="{value}"' in body.replace('name="purpose" ', "")
    assert 'method="post"' in body
    # Showing the form is a read of the case, logged as one.
    entry = AccessLogEntry.objects.get(username="officer.north")
    assert (entry.action, entry.object_id) == ("cases.case.viewed", str(ncmec.pk))


def test_the_case_page_links_to_the_summary_for_those_who_may_print(ncmec, officer):
    body = signed_in_client(officer).get(f"/cases/{ncmec.pk}/").content.decode()

    assert f'href="/cases/{ncmec.pk}/summary/print/"' in body
    assert "Print a summary" in body


def test_a_read_only_grant_reads_the_case_but_may_not_print_it(ncmec, south, officer_south):
    """A force that handed a case over keeps reading it a while, and prints nothing."""
    CaseGrant.objects.create(
        case=ncmec,
        agency=south,
        reason="Handed over",
        granted_by=UserFactory(),
        granted_at=timezone.now(),
    )
    for perm in ("view_case", "view_whole_case", "read_only_case"):
        assign_perm(perm, south.grant_group, ncmec)

    assert _print(officer_south, ncmec, "strategy").status_code == 403
    body = signed_in_client(officer_south).get(f"/cases/{ncmec.pk}/").content.decode()
    assert "Print a summary" not in body


@pytest.mark.parametrize("purpose", ["strategy", "conference", "prosecution"])
def test_a_print_runs_in_a_fixed_number_of_queries(
    ncmec, investigator, purpose, django_assert_max_num_queries
):
    client = api_client(investigator)
    client.get(f"/api/v1/cases/{ncmec.pk}/summary/", {"purpose": purpose})  # warm caches
    for number in range(15):
        PartyFactory(case=ncmec, role="victim", created_by=investigator.user)
        KeyDecision.objects.create(
            case=ncmec,
            decision=f"Decision {number}",
            rationale="Why.",
            decided_by=investigator.user,
            decided_at=NOW - timedelta(hours=number + 1),
        )

    with django_assert_max_num_queries(CEILING[purpose]):
        response = client.get(f"/api/v1/cases/{ncmec.pk}/summary/", {"purpose": purpose})
    assert response.status_code == 200


# As measured with 4 or 19 parties and 1 or 16 decisions alike: each section's reads
# are a fixed number of queries (the chronology reads each of its sources once), and
# the print's log entry is one insert.
CEILING = {"strategy": 34, "conference": 21, "prosecution": 19}
