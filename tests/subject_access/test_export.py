"""The export: what is gathered (the person's records across the agency's cases,
never another agency's), third parties marked for review, the ZIP (a PDF read back
with pypdf, a JSON file parsed), release refused until reviewed, and each export
logged (built, downloaded, released)."""

import io
import json
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from agencies.models import AccessLogEntry
from subject_access.models import ItemDecision, RequestState
from subject_access.services import requests as services
from subject_access.services.export import sar_export_zip
from tests.factories_subject_access import a_request
from tests.subject_access.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


def _built(manager, world):
    request = a_request(manager, [world.person], received_on=date(2026, 5, 1))
    return services.sar_export_build(actor=manager.user, request=request)


def _built_about(manager, people):
    request = a_request(manager, people, received_on=date(2026, 5, 1))
    return services.sar_export_build(actor=manager.user, request=request)


def _items(request):
    return {(item.source_type, item.source_id): item for item in request.items.all()}


def test_the_gather_holds_the_persons_records_across_the_agencys_cases(manager, world):
    request = _built(manager, world)
    items = _items(request)
    assert ("person", str(world.person.pk)) in items
    assert ("party", str(world.victim_part.pk)) in items
    assert ("party", str(world.witness_part.pk)) in items
    assert ("contact", str(world.contact.pk)) in items
    assert ("decision", str(world.decision.pk)) in items
    assert ("flag", str(world.flag.pk)) in items
    assert ("identifier", str(world.identifier.pk)) in items


def test_the_gather_leaves_out_another_agencys_records(manager, world):
    request = _built(manager, world)
    items = _items(request)
    assert ("contact", str(world.south_contact.pk)) not in items
    assert not [i for i in items.values() if "Southshire" in json.dumps(i.content)]
    # Nor does the suspect's own record of the case appear as an item.
    assert ("person", str(world.suspect.pk)) not in items


def test_third_parties_are_marked_for_review(manager, world):
    items = _items(_built(manager, world))
    named = items[("contact", str(world.contact.pk))]
    assert named.third_parties == ["Morgan Blakeley"]
    assert named.needs_review is True
    assert named.decision == ItemDecision.PENDING
    plain = items[("contact", str(world.plain_contact.pk))]
    assert plain.third_parties == []
    assert plain.needs_review is False
    assert plain.decision == ItemDecision.RELEASE
    # A decision is about the whole case, which names someone else: reviewed.
    assert items[("decision", str(world.decision.pk))].needs_review is True


def test_release_without_the_review_is_refused_naming_review(manager, world):
    request = _built(manager, world)
    with pytest.raises(ValidationError) as refused:
        services.sar_release(actor=manager.user, request=request)
    assert list(refused.value.message_dict) == ["review"]
    request.refresh_from_db()
    assert request.state == RequestState.IN_REVIEW
    assert request.closed_at is None
    assert not AccessLogEntry.objects.filter(action="subject_access.export.released").exists()


def test_a_review_that_leaves_an_item_undecided_is_refused_naming_it(manager, world):
    request = _built(manager, world)
    marked = list(request.items.filter(needs_review=True).order_by("position"))
    reviews = {str(marked[0].pk): services.ItemReview("withhold", "third_party", "")}
    with pytest.raises(ValidationError) as refused:
        services.sar_review_record(actor=manager.user, request=request, reviews=reviews)
    fields = set(refused.value.message_dict)
    assert f"item_{marked[0].position}_reason" in fields
    assert {f"item_{item.position}_decision" for item in marked[1:]} <= fields
    assert request.items.filter(decision="withhold").count() == 0


def _review_and_release(manager, world):
    request = _built(manager, world)
    reviews = {}
    for item in request.items.filter(needs_review=True):
        if item.source_id == str(world.contact.pk):
            reviews[str(item.pk)] = services.ItemReview(
                "withhold", "third_party", "Names the suspect."
            )
        else:
            reviews[str(item.pk)] = services.ItemReview("release")
    request = services.sar_review_record(actor=manager.user, request=request, reviews=reviews)
    return services.sar_release(actor=manager.user, request=request)


def _zip(manager, request):
    name, content = sar_export_zip(actor=manager.user, request=request)
    archive = zipfile.ZipFile(io.BytesIO(content))
    pdf_text = "\n".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(archive.read("subject-access-export.pdf"))).pages
    )
    return name, archive, pdf_text, json.loads(archive.read("subject-access-export.json"))


def test_the_released_zip_holds_a_readable_pdf_and_json_without_what_was_withheld(manager, world):
    request = _review_and_release(manager, world)
    assert request.state == RequestState.RELEASED
    name, archive, pdf_text, data = _zip(manager, request)
    assert name.startswith(f"{request.reference}-released-")
    assert sorted(archive.namelist()) == [
        "subject-access-export.json",
        "subject-access-export.pdf",
    ]
    assert "OFFICIAL-SENSITIVE" in pdf_text
    assert "Jordan Ashdown" in pdf_text
    assert "Sent the leaflet about support." in pdf_text
    assert "Morgan Blakeley was arrested" not in pdf_text
    assert "Page 1 of" in pdf_text
    assert data["about"] == ["Jordan Ashdown"]
    assert data["status"] == "released"
    summaries = [r["fields"].get("Summary") for r in data["records"]]
    assert "Sent the leaflet about support." in summaries
    assert "Told Jordan that Morgan Blakeley was arrested." not in summaries
    assert [w["section"] for w in data["withheld"]] == ["Contact"]
    assert "Names the suspect." not in json.dumps(data)


def test_the_draft_zip_shows_the_reviewer_every_item_and_its_marks(manager, world):
    request = _built(manager, world)
    _, _, pdf_text, data = _zip(manager, request)
    assert "Draft for review" in pdf_text
    assert "Morgan Blakeley" in pdf_text
    contact = next(r for r in data["records"] if r["fields"].get("Summary", "").startswith("Told"))
    assert contact["names_other_people"] == ["Morgan Blakeley"]
    assert contact["decision"] == "Not yet reviewed"


def test_each_export_is_logged(manager, world):
    request = _review_and_release(manager, world)
    _zip(manager, request)
    actions = list(
        AccessLogEntry.objects.filter(object_id=str(request.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [
        "subject_access.request.created",
        "subject_access.export.built",
        "subject_access.export.reviewed",
        "subject_access.export.released",
        "subject_access.export.downloaded",
    ]
    built = AccessLogEntry.objects.get(action="subject_access.export.built")
    assert built.record_ids == [f"person:{world.person.pk}"]
    assert built.object_agency_slug == "northshire-police"


def test_someone_described_but_not_named_is_marked_for_review(manager, world):
    # given a contact that speaks of the person's mother, unnamed
    from cases.models import ContactLog

    described = ContactLog.objects.create(
        case=world.victim_part.case,
        party=world.victim_part,
        contacted_at=world.contact.contacted_at,
        channel="visit",
        made_by=world.contact.made_by,
        summary="Statement taken with her mother present.",
    )
    item = _items(_built(manager, world))[("contact", str(described.pk))]
    assert item.third_parties == ["someone described as 'mother'"]
    assert item.needs_review is True


def test_a_person_known_only_from_a_referral_received_is_not_exported_as_their_record(
    manager, world, north, south
):
    from tests.authz.rows_referrals import make_referral

    # given: Southshire's referral to Northshire about a person of Southshire's
    referral = make_referral(from_agency=south, to_agency=north, party_role="victim")
    theirs = referral.parties.get().person
    theirs.address = "1 Referrer's Own Road"
    theirs.save(update_fields=["address"])
    # when
    items = _items(_built_about(manager, [theirs]))
    # then: the live record is the referrer's; what the referral disclosed is its item
    assert ("person", str(theirs.pk)) not in items
    assert ("referral", str(referral.pk)) in items
    assert "1 Referrer's Own Road" not in json.dumps([i.content for i in items.values()])


def test_access_log_entries_by_another_agency_or_with_a_reason_are_marked_for_review(
    manager, world
):
    from agencies.audit import access_log_record

    # given: a read by Southshire, and one of Northshire's with a reason in words
    for agency_slug, reason in (("southshire-police", ""), ("", "Asked by Morgan's solicitor")):
        access_log_record(
            actor=None,
            action="cases.person.viewed",
            object_type="person",
            object_id=world.person.pk,
            object_agency_slug="northshire-police",
            username="someone",
            agency_slug=agency_slug or "northshire-police",
            justification=reason,
        )
    # when
    logged = [
        i for i in _items(_built(manager, world)).values() if i.source_type == "access_log_entry"
    ]
    # then
    marked = [item for item in logged if item.needs_review]
    assert len(marked) >= 2
    assert all(item.decision == ItemDecision.PENDING for item in marked)
