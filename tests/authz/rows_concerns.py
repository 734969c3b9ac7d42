"""Partners raise the alarm: urgent concerns, the message thread and the documents
shared with a disclosure, in the API and the pages. As for the other referral rows
the targets are which side of the referral the caller's agency is on
(tests/authz/__init__.py): ``own`` is the side the row is about, ``other-side`` the
other side of the same referral, ``other`` a referral between two other agencies
and ``granted`` one about a case granted to the caller's agency (both 404: a grant
of the case is not a side of its referrals).

* A concern is raised by the receiving side (the sending side gets 409), read by
  both sides, and acknowledged, flagged and turned into a contact by the sending
  side (the receiving side gets 409; its partner caseworkers may not at all: 404).
* The thread is read and written by both sides.
* Disclosure documents are shared with a draft by the sending side only (a draft
  does not exist for the receiver: 404), and downloaded by both sides once sent.

The records are written straight to the database to keep the matrix fast; the
tests in tests/referrals go through the services.
"""

import hashlib
import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from agencies.models import Role
from cases.models import Document
from referrals.models import (
    Concern,
    ConcernState,
    ReferralDocument,
    ReferralDocumentPurpose,
    ReferralMessage,
    ReferralState,
)
from tests.authz import (
    FAMILY_SUPPORT_PARTNER,
    OWN,
    REFERRAL_TARGETS,
    VICTIM_SUPPORT_PARTNER,
    Endpoint,
)
from tests.authz.rows_referrals import a_referral
from tests.factories import UserFactory

# Who may use each, written out.
BOTH_SIDES = frozenset(
    {
        Role.GENERALIST_OFFICER,
        Role.SPECIALIST_INVESTIGATOR,
        Role.POLICE_SUPERVISOR,
        Role.MASH_COORDINATOR,
        Role.SOCIAL_WORKER,
        VICTIM_SUPPORT_PARTNER,
        FAMILY_SUPPORT_PARTNER,
    }
)
RAISERS = BOTH_SIDES
POSTERS = BOTH_SIDES
ACKNOWLEDGERS = frozenset(
    {
        Role.GENERALIST_OFFICER,
        Role.SPECIALIST_INVESTIGATOR,
        Role.POLICE_SUPERVISOR,
        Role.MASH_COORDINATOR,
        Role.SOCIAL_WORKER,
    }
)
DOCUMENT_SHARERS = ACKNOWLEDGERS

CONCERN_FIELDS = frozenset(
    {
        "id",
        "referral",
        "kind",
        "kind_label",
        "compartment",
        "subject",
        "heard",
        "heard_at",
        "heard_from",
        "document",
        "raised_by",
        "raised_by_agency",
        "raised_at",
        "state",
        "urgent",
        "acknowledge_due_at",
        "escalated_at",
        "escalated_to_all_at",
        "acknowledged_by",
        "acknowledged_at",
        "action_taken",
        "flag_raised",
        "contact_logged",
        "version",
    }
)
MESSAGE_FIELDS = frozenset({"id", "side", "author", "author_agency", "body", "posted_at"})
DOCUMENT_FIELDS = frozenset(
    {
        "id",
        "title",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "download_url",
    }
)
TEXT = b"Notes of a call, typed up.\n"


def _stored() -> str:
    return default_storage.save(f"documents/{uuid.uuid4().hex}", ContentFile(TEXT))


def _file_fields() -> dict:
    return {
        "stored_name": _stored(),
        "content_type": "text/plain; charset=utf-8",
        "size": len(TEXT),
        "sha256": hashlib.sha256(TEXT).hexdigest(),
        "uploaded_by": UserFactory(),
    }


def with_concern(state: str = ReferralState.ACCEPTED, *, acknowledged: bool = False):
    """An accepted referral with one urgent concern its receiver raised about the
    person it names (acknowledged by the sender, for the flag and the contact)."""
    build = a_referral(state)

    def setup(sender, receiver, actor) -> dict:
        values = build(sender, receiver, actor)
        referral = values["_referral"]
        subject = referral.parties.get()
        kind, compartment = "new_disclosure", subject.compartment
        if sender.charity_service == "family_support":
            # A charity never sends a referral, but the matrix has it send one: its
            # side reads the concern only in a compartment a family-support charity
            # may hold (never a victim's), so this one names the offender's account.
            kind, compartment, subject = "offender_account", "suspect", None
        now = timezone.now()
        concern = Concern.objects.create(
            referral=referral,
            case=referral.case,
            kind=kind,
            compartment=compartment,
            subject=subject,
            heard="Something new was said.",
            heard_at=now,
            heard_from="The person named",
            raised_by=UserFactory(),
            raised_by_agency=receiver,
            raised_at=now,
            acknowledge_due_at=now + timedelta(hours=2),
            **(
                {
                    "state": ConcernState.ACKNOWLEDGED,
                    "acknowledged_by": UserFactory(),
                    "acknowledged_at": now,
                    "action_taken": "Called the family.",
                }
                if acknowledged
                else {}
            ),
        )
        return {**values, "concern": concern.id, "_concern": concern}

    return setup


def with_thread(sender, receiver, actor) -> dict:
    values = a_referral(ReferralState.ACCEPTED)(sender, receiver, actor)
    ReferralMessage.objects.create(
        referral=values["_referral"],
        author=UserFactory(),
        author_agency=receiver,
        side="receiver",
        body="Can we call after 4pm?",
        posted_at=timezone.now(),
    )
    return values


def with_shared_document(state: str):
    """A referral in `state` with one document shared with its disclosure, and a
    document of its case that could be shared."""
    build = a_referral(state)

    def setup(sender, receiver, actor) -> dict:
        values = build(sender, receiver, actor)
        referral = values["_referral"]
        case_document = Document.objects.create(
            case=referral.case, title="Statement", original_name="statement.txt", **_file_fields()
        )
        shared = ReferralDocument.objects.create(
            referral=referral,
            purpose=ReferralDocumentPurpose.DISCLOSURE,
            title="Safety plan",
            original_name="plan.txt",
            uploaded_at=timezone.now(),
            **_file_fields(),
        )
        return {
            **values,
            "document": shared.id,
            "_document": shared,
            "_case_document": case_document,
        }

    return setup


def concern_state_unchanged_unless(moved_to: str, movers):
    def then(values, column, target) -> str | None:
        state = Concern.objects.values_list("state", flat=True).get(pk=values["concern"])
        made = target == OWN and (column in movers or column.role in movers)
        wanted = moved_to if made else ConcernState.RAISED
        return None if state == wanted else f"the concern is {state}, not {wanted}"

    return then


def concerns_raised_only_by(movers):
    def then(values, column, target) -> str | None:
        count = Concern.objects.filter(referral_id=values["referral"]).count()
        made = target == OWN and (column in movers or column.role in movers)
        wanted = 1 if made else 0
        return None if count == wanted else f"{count} concern(s), not {wanted}"

    return then


def _row(name, method, path, allowed, side, setup, **extra) -> Endpoint:
    return Endpoint(
        name, method, path, allowed, targets=REFERRAL_TARGETS, side=side, setup=setup, **extra
    )


A_CONCERN = {
    "kind": "new_disclosure",
    "heard": "She said he has a second account.",
    "heard_at": "2026-03-01T10:00:00Z",
    "heard_from": "The person named, by phone",
}
A_CONCERN_FORM = {
    "kind": "new_disclosure",
    "subject": "",
    "heard": "She said he has a second account.",
    "heard_on": "1/3/2026",
    "heard_time": "10:00",
    "heard_from": "The person named, by phone",
}
CONCERN = "/api/v1/referrals/{referral}/concerns/{concern}/"
CONCERN_PAGE = "/referrals/{referral}/concerns/{concern}/"

ROWS = [
    # --- The API: concerns
    _row(
        "referral-concerns",
        "GET",
        "/api/v1/referrals/{referral}/concerns/",
        BOTH_SIDES,
        "receiver",
        with_concern(),
        other_side=200,
        listing=True,
        fields=CONCERN_FIELDS,
    ),
    _row(
        "referral-concerns",
        "POST",
        "/api/v1/referrals/{referral}/concerns/",
        RAISERS,
        "receiver",
        a_referral(ReferralState.ACCEPTED),
        ok=201,
        body=A_CONCERN,
        then=concerns_raised_only_by(RAISERS),
    ),
    _row(
        "referral-concern-detail",
        "GET",
        CONCERN,
        BOTH_SIDES,
        "receiver",
        with_concern(),
        other_side=200,
        fields=CONCERN_FIELDS,
    ),
    _row(
        "referral-concern-acknowledge",
        "POST",
        f"{CONCERN}acknowledge/",
        ACKNOWLEDGERS,
        "sender",
        with_concern(),
        body={"action_taken": "Visited the family tonight."},
        then=concern_state_unchanged_unless(ConcernState.ACKNOWLEDGED, ACKNOWLEDGERS),
    ),
    _row(
        "referral-concern-flag",
        "POST",
        f"{CONCERN}flag/",
        ACKNOWLEDGERS,
        "sender",
        with_concern(acknowledged=True),
        body={"kind": "safe_contact_only", "reason": "Call only.", "review_on": "2030-01-01"},
    ),
    _row(
        "referral-concern-contact",
        "POST",
        f"{CONCERN}contact/",
        ACKNOWLEDGERS,
        "sender",
        with_concern(acknowledged=True),
        body={"channel": "phone", "summary": "Called her mother."},
    ),
    # --- The API: the thread
    _row(
        "referral-messages",
        "GET",
        "/api/v1/referrals/{referral}/messages/",
        BOTH_SIDES,
        "receiver",
        with_thread,
        other_side=200,
        listing=True,
        fields=MESSAGE_FIELDS,
    ),
    _row(
        "referral-messages",
        "POST",
        "/api/v1/referrals/{referral}/messages/",
        POSTERS,
        "receiver",
        a_referral(ReferralState.ACCEPTED),
        ok=201,
        other_side=201,
        body={"body": "Can we call after 4pm?"},
    ),
    # --- The API: documents shared with the disclosure
    _row(
        "referral-documents",
        "GET",
        "/api/v1/referrals/{referral}/documents/",
        BOTH_SIDES,
        "receiver",
        with_shared_document(ReferralState.SENT),
        other_side=200,
        listing=True,
        fields=DOCUMENT_FIELDS,
    ),
    _row(
        "referral-documents",
        "POST",
        "/api/v1/referrals/{referral}/documents/",
        DOCUMENT_SHARERS,
        "sender",
        with_shared_document(ReferralState.DRAFT),
        ok=201,
        other_side=404,
        body=lambda values: {"case_document": str(values["_case_document"].pk)},
    ),
    _row(
        "referral-document-detail",
        "DELETE",
        "/api/v1/referrals/{referral}/documents/{document}/",
        DOCUMENT_SHARERS,
        "sender",
        with_shared_document(ReferralState.DRAFT),
        ok=204,
        other_side=404,
    ),
    _row(
        "referral-document-download",
        "GET",
        "/api/v1/referrals/{referral}/documents/{document}/download/",
        BOTH_SIDES,
        "receiver",
        with_shared_document(ReferralState.SENT),
        other_side=200,
        fields=frozenset(),
    ),
    # --- The pages
    *[
        _row(
            "referral-concern-create",
            method,
            "/referrals/{referral}/concerns/new/",
            RAISERS,
            "receiver",
            a_referral(ReferralState.ACCEPTED),
            page=True,
            ok=200 if method == "GET" else 302,
            other_side=404,
            body=A_CONCERN_FORM,
        )
        for method in ("GET", "POST")
    ],
    _row(
        "referral-concern-page",
        "GET",
        CONCERN_PAGE,
        BOTH_SIDES,
        "receiver",
        with_concern(),
        page=True,
        other_side=200,
    ),
    # An action from the concern's page goes back to it (302): made by the sending
    # side; refused, with a banner naming the state, for the receiving side.
    _row(
        "referral-concern-acknowledge-page",
        "POST",
        f"{CONCERN_PAGE}acknowledge/",
        ACKNOWLEDGERS,
        "sender",
        with_concern(),
        page=True,
        ok=302,
        other_side=302,
        body={"acknowledge-action_taken": "Visited the family tonight."},
        then=concern_state_unchanged_unless(ConcernState.ACKNOWLEDGED, ACKNOWLEDGERS),
    ),
    _row(
        "referral-concern-flag-page",
        "POST",
        f"{CONCERN_PAGE}flag/",
        ACKNOWLEDGERS,
        "sender",
        with_concern(acknowledged=True),
        page=True,
        ok=302,
        other_side=302,
        body=lambda values: {
            "flag-party": str(values["_concern"].subject_id),
            "flag-kind": "safe_contact_only",
            "flag-reason": "Call only.",
            "flag-review_on": "1/1/2030",
        },
    ),
    _row(
        "referral-concern-contact-page",
        "POST",
        f"{CONCERN_PAGE}contact/",
        ACKNOWLEDGERS,
        "sender",
        with_concern(acknowledged=True),
        page=True,
        ok=302,
        other_side=302,
        body=lambda values: {
            "contact-party": str(values["_concern"].subject_id),
            "contact-channel": "phone",
            "contact-direction": "outbound",
            "contact-summary": "Called her mother.",
        },
    ),
    _row(
        "referral-message-post-page",
        "POST",
        "/referrals/{referral}/messages/",
        POSTERS,
        "receiver",
        a_referral(ReferralState.ACCEPTED),
        page=True,
        ok=302,
        other_side=302,
        body={"message-body": "Can we call after 4pm?"},
    ),
    _row(
        "referral-document-attach-page",
        "POST",
        "/referrals/{referral}/documents/",
        DOCUMENT_SHARERS,
        "sender",
        with_shared_document(ReferralState.DRAFT),
        page=True,
        ok=302,
        other_side=404,
        body=lambda values: {"document-case_document": str(values["_case_document"].pk)},
    ),
    _row(
        "referral-document-remove-page",
        "POST",
        "/referrals/{referral}/documents/{document}/remove/",
        DOCUMENT_SHARERS,
        "sender",
        with_shared_document(ReferralState.DRAFT),
        page=True,
        ok=302,
        other_side=404,
    ),
    _row(
        "referral-document-download-page",
        "GET",
        "/referrals/{referral}/documents/{document}/download/",
        BOTH_SIDES,
        "receiver",
        with_shared_document(ReferralState.SENT),
        page=True,
        other_side=200,
    ),
]
