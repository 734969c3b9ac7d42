"""The one audit path: every access-log entry is written by `access_log_record`.

An entry is one INSERT, with no lock: the database numbers it and a sealer chains
it into the hash chain a few seconds later (agencies.audit_chain, ADR 0012), so
readers never queue behind each other.

Reads of personal data (DPA 2018 s.62) and refusals go through
`access_read_record` and `access_denial_record`. Inside a request they are
gathered and written as one entry when the response is ready (`AccessReadLog`,
a middleware): one insert per request, taken after the view and outside any
transaction it opened, so a refusal is kept even when the view's transaction
rolls back.
"""

import ipaddress
import re
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypedDict, Unpack, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from agencies.audit_chain import (
    GENESIS_HASH,
    ChainBreak,
    access_log_verify,
    entry_hash_compute,
    ip_as_stored,
    next_sequence,
)
from agencies.models import AccessLogEntry, AccessOutcome, Membership
from common.request_context import current_origin

__all__ = ["GENESIS_HASH", "ChainBreak", "access_log_verify", "entry_hash_compute"]

# A page holds at most 100 records; a page that shows one record with others beside
# it may hold more. Past this the entry would outgrow any page it could describe.
MAX_RECORD_IDS = 1000


def _ip_for_log(value: str | None) -> str | None:
    # Something that is not an address is logged as no address, rather than losing
    # the entry: PostgreSQL's inet column would refuse it.
    try:
        ipaddress.ip_address(value or "")
    except ValueError:
        return None
    return ip_as_stored(value)


def _actor_names(actor) -> tuple[int | None, str, str]:
    if actor is None or isinstance(actor, AnonymousUser) or not actor.is_authenticated:
        return None, "", ""
    membership = getattr(actor, "membership", None)
    return actor.pk, actor.get_username(), membership.agency.slug if membership else ""


def access_log_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    outcome: str = AccessOutcome.ALLOWED,
    object_type: str = "",
    object_id: object = "",
    object_agency_slug: str = "",
    justification: str = "",
    username: str = "",
    agency_slug: str = "",
    query: str = "",
    record_ids: list[str] | None = None,
    object_agency_slugs: list[str] | None = None,
) -> AccessLogEntry:
    """Append one entry. `action` is a namespaced code such as `cases.case.viewed`.

    `username` and `agency_slug` name the subject when there is no signed-in actor
    (a failed sign-in names the username that was tried). `query` and `record_ids`
    name what a list or search asked for and returned.
    """
    user_id, actor_username, actor_agency = _actor_names(actor)
    origin = current_origin()
    entry = AccessLogEntry(
        # Numbered by the INSERT itself; previous_* and entry_hash wait for the sealer.
        sequence=next_sequence(),
        at=timezone.now(),
        user_id=user_id,
        username=(actor_username or username)[:150],
        agency_slug=actor_agency or agency_slug,
        action=action,
        outcome=outcome,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_agency_slug=object_agency_slug,
        endpoint=origin.endpoint,
        method=origin.method,
        ip_address=_ip_for_log(origin.ip_address),
        justification=justification[:500],
        query=query[:1000],
        record_ids=list(record_ids or [])[:MAX_RECORD_IDS],
        object_agency_slugs=list(object_agency_slugs or []),
    )
    entry.save(force_insert=True)
    ledger = _ledger.get()
    if ledger is not None:
        ledger.changed = True
    return entry


# --- Reads and refusals: one entry per request


# Records whose lists carry no personal data: they are not named in the log.
NOT_PERSONAL_DATA = {
    "agencies.team": "a team's name and its agency",
    "safeguarding.riskscale": "an agency's risk scale and its mapping",
    "common.notification": "a reminder to the reader about their own work",
}

# Where the model's own name is not the word the log uses for it.
_RECORD_TYPE_NAMES = {
    "agencies.membership": "member",
    "agencies.accesslogentry": "access_log_entry",
    "cases.caseparty": "party",
    "cases.contactlog": "contact",
    "cases.keydecision": "decision",
    "cases.investigationevent": "event",
}

# Rows that stand for another record, and are named by it: a queue row is its case.
_NAMED_BY = {
    "safeguarding.casepriority": ("case", "case_id"),
}


def record_type(model_or_record) -> str:
    """The word the log uses for a kind of record: `case`, `party`, `referral`."""
    meta = model_or_record._meta
    name = _RECORD_TYPE_NAMES.get(meta.label_lower)
    if name is None:
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", meta.object_name).lower()
    return name


def is_personal_data(model) -> bool:
    return model._meta.label_lower not in NOT_PERSONAL_DATA


def _loaded(record, name: str):
    """A related record only if it is already loaded: naming a page's owners must
    not cost a query per row."""
    try:
        relation = record._meta.get_field(name)
    except (FieldDoesNotExist, AttributeError):  # not a field, or not a model at all
        return None
    if not (relation.many_to_one or relation.one_to_one) or not relation.is_cached(record):
        return None
    return getattr(record, name)


def record_owner_slug(record) -> str:
    """The agency a record belongs to, when the query already loaded it: a case's
    owning agency, or that of the case a record hangs off, or a member's agency; or
    the slug a list's query read as `owner_agency_slug`, without joining the case."""
    annotated = getattr(record, "owner_agency_slug", None)
    if annotated is not None:
        return annotated
    for path in (("owning_agency",), ("case", "owning_agency"), ("agency",)):
        target = record
        for name in path:
            target = _loaded(target, name)
            if target is None:
                break
        else:
            return getattr(target, "slug", "")
    return ""


@dataclass
class _Read:
    action: str
    object_type: str
    object_id: str
    object_agency_slug: str
    justification: str
    # A list or search, rather than one record. A list under a record (the parties
    # of a case) carries that record's id.
    listing: bool = False
    # Named by the paginator from the model alone: a view's own name for the list
    # ("cases.person.searched") says more.
    generic: bool = False


@dataclass
class ReadLedger:
    """What one request read and whether it was refused, until the response is ready."""

    actor: object = None
    reads: list[_Read] = field(default_factory=list)
    records: dict[str, None] = field(default_factory=dict)  # "type:id", in order
    owners: dict[str, None] = field(default_factory=dict)
    context: _Read | None = None
    context_actor: object = None
    context_justify: Callable[[], str] | None = None
    denial: dict | None = None
    # A change was logged, by its service, naming the record it changed.
    changed: bool = False

    def note_owner(self, slug: str) -> None:
        if slug:
            self.owners[slug] = None

    def note_records(self, records: Iterable, object_type: str = "") -> str:
        kind = object_type
        for record in records:
            if not hasattr(record, "_meta"):
                continue  # not a stored record (a computed row): nothing to name
            named_by = _NAMED_BY.get(record._meta.label_lower)
            if named_by is not None:
                kind, key = named_by[0], getattr(record, named_by[1])
            else:
                kind, key = object_type or record_type(record), record.pk
            self.records[f"{kind}:{key}"] = None
            self.note_owner(record_owner_slug(record))
        return kind

    def context_shown(self) -> None:
        """The response showed the record the request hangs off: a read of it, when
        nothing else was read."""
        if self.reads or self.context is None or not self.context.action:
            return
        justification = self.context_justify() if self.context_justify else ""
        self.actor = self.context_actor
        self.reads.append(
            _Read(
                self.context.action,
                self.context.object_type,
                self.context.object_id,
                self.context.object_agency_slug,
                justification,
            )
        )

    def entry(self, *, query: str = "") -> dict | None:
        """The one entry this request's reads make, or None when it read nothing.

        It is about the first record read on its own (the case of the case page),
        with every other record named in `record_ids`; else about the first list,
        named by the record it hangs off, if any (the case whose parties these are).
        """
        if not self.reads:
            return None
        detail = next((read for read in self.reads if not read.listing), None)
        records = dict(self.records)
        for read in self.reads:
            if not read.listing and read is not detail:
                records[f"{read.object_type}:{read.object_id}"] = None
        if detail is not None:
            action, object_type = detail.action, detail.object_type
            object_id, owner = detail.object_id, detail.object_agency_slug
            records.pop(f"{object_type}:{object_id}", None)
        else:
            listing = next((read for read in self.reads if not read.generic), self.reads[0])
            context = self.context or _Read("", "", "", "", "")
            action, object_type = listing.action, listing.object_type
            object_id = listing.object_id or context.object_id
            owner = listing.object_agency_slug or context.object_agency_slug
        owners = list(self.owners)
        justifications = dict.fromkeys(read.justification for read in self.reads)
        justifications.pop("", None)
        return {
            "actor": self.actor,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "object_agency_slug": owner or (owners[0] if len(owners) == 1 else ""),
            "justification": "; ".join(justifications),
            "query": query,
            "record_ids": list(records),
            "object_agency_slugs": sorted(owners) if len(owners) > 1 else [],
        }


_ledger: ContextVar[ReadLedger | None] = ContextVar("access_read_ledger", default=None)


def access_read_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    object_type: str = "",
    object_id: object = "",
    object_agency_slug: str = "",
    justification: str = "",
    records: Iterable | None = None,
    generic: bool = False,
) -> None:
    """Log a read of personal data: one record (`object_type`, `object_id`), or a
    list or search (`records`: the model instances it returned, perhaps none; then
    `object_id` names the record the list hangs off, if any).

    Inside a request the reads are written together, as one entry, once the
    response is ready; elsewhere (a task, a shell) at once."""
    ledger = _ledger.get()
    immediate = ledger is None
    if ledger is None:
        ledger = ReadLedger()
    if ledger.actor is None:
        ledger.actor = actor
    listing = records is not None
    kind = ledger.note_records(records or (), object_type if listing else "")
    ledger.note_owner(object_agency_slug)
    ledger.reads.append(
        _Read(
            action=action,
            object_type=object_type or kind,
            object_id=str(object_id or ""),
            object_agency_slug=object_agency_slug,
            justification=justification,
            listing=listing,
            generic=generic,
        )
    )
    if immediate:
        access_log_record(**cast(dict[str, Any], ledger.entry()))


def access_member_record(
    *, actor: AbstractBaseUser | None, action: str, membership: Membership, justification: str = ""
) -> AccessLogEntry:
    """Log a change to a person's account, named as the member of their agency, whose
    auditor sees it."""
    return access_log_record(
        actor=actor,
        action=action,
        object_type="member",
        object_id=membership.id,
        object_agency_slug=membership.agency.slug,
        justification=justification,
    )


def access_list_record(*, actor: AbstractBaseUser | None, records: Iterable, model=None) -> None:
    """Log a page of a list by what it holds: for the API's paginator, which knows
    the records but not what the endpoint calls them. `model` is the list's model,
    when it is a queryset; a page of computed rows names nothing."""
    records = list(records or ())
    if model is None and records and hasattr(records[0], "_meta"):
        model = type(records[0])
    if model is None or not is_personal_data(model):
        return
    kind = record_type(model)
    access_read_record(
        actor=actor,
        action=f"{model._meta.app_label}.{kind}.listed",
        object_type=kind,
        records=records,
        generic=True,
    )


def access_read_context(
    *,
    actor: AbstractBaseUser | None,
    object_type: str,
    object_id: object,
    object_agency_slug: str,
    action: str = "",
    justify: Callable[[], str] | None = None,
) -> None:
    """The record a request hangs off (the case of `/cases/{id}/parties/`, or of a
    form under it): what the entry for its lists is about. A page that shows only
    this record (a form headed by the case) is logged as reading it, by `action`,
    with `justify()` as the reason; the reason is only worked out then."""
    ledger = _ledger.get()
    if ledger is not None and ledger.context is None:
        ledger.context = _Read(action, object_type, str(object_id), object_agency_slug, "")
        ledger.context_actor = actor
        ledger.context_justify = justify
        ledger.note_owner(object_agency_slug)


class RefusedRecord(TypedDict, total=False):
    """What a refusal was about, each part as `access_log_record` takes it (empty
    when left out)."""

    object_type: str
    object_id: object
    object_agency_slug: str
    justification: str


def access_denial_record(
    *, actor: AbstractBaseUser | None, action: str, **about: Unpack[RefusedRecord]
) -> None:
    """Log a refused request. `object_agency_slug` names the agency that owns the
    record, so that its auditor sees who tried; the caller is never told it.
    Inside a request the first refusal is the request's one entry."""
    denial: dict[str, Any] = {
        "actor": actor,
        "action": action,
        "outcome": AccessOutcome.DENIED,
        **about,
    }
    ledger = _ledger.get()
    if ledger is None:
        access_log_record(**denial)
    elif ledger.denial is None:
        ledger.denial = denial


def _carries_records(status_code: int) -> bool:
    # A refusal, a redirect or an error carries no record: what the view read to
    # decide it was not given to anyone. A form shown again with its errors is 200.
    return 200 <= status_code < 300


def access_reads_begin():
    return _ledger.set(ReadLedger())


def access_reads_end(
    token, *, status_code: int, method: str = "GET", query: str = ""
) -> AccessLogEntry | None:
    """Write the request's one entry: its refusal if it was refused, else its reads
    if the response carries what was read."""
    ledger = _ledger.get()
    _ledger.reset(token)
    if ledger is None:
        return None
    if ledger.denial is not None:
        return access_log_record(**ledger.denial, query=query)
    if method not in ("GET", "HEAD") and ledger.changed:
        # A change answers with what it changed, which its service has logged: the
        # reads it took to make it are not a second consultation.
        return None
    if _carries_records(status_code):
        if method in ("GET", "HEAD"):
            # A page under a record shows it (a form headed by the case).
            ledger.context_shown()
        entry = ledger.entry(query=query)
        if entry is not None:
            return access_log_record(**entry)
    return None


class AccessReadLog:
    """Middleware: gathers the reads and refusals of a request and writes them as one
    access-log entry once the response is ready."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = access_reads_begin()
        response = None
        try:
            response = self.get_response(request)
        finally:
            access_reads_end(
                token,
                status_code=response.status_code if response is not None else 500,
                method=request.method,
                query=request.META.get("QUERY_STRING", ""),
            )
        return response
