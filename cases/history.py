"""A case's history: every recorded change to the case and the records hanging
off it that the reader may see, newest first, with who made it and why."""

from itertools import chain

from django.contrib.auth.models import User

from agencies import access
from cases.models import Case, CaseParty, MaterialSummary, Offence, Outcome

# Enough for any screen; a case with more changes than this is read through the API's
# own record endpoints.
_LIMIT = 500


_NOT_COMPARED = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
    "history_user_id",
    "version",
    "updated_at",
    "created_at",
}


def _linked_ids(row, m2m: dict) -> dict[str, set]:
    """For each many-to-many field: the ids it held in this history row (read from
    the prefetched rows of simple-history's m2m history table)."""
    return {
        name: {getattr(link, target_attname) for link in getattr(row, accessor).all()}
        for name, (accessor, target_attname) in m2m.items()
    }


def _changed_fields(row, previous, m2m: dict) -> list[str]:
    if previous is None:
        return []
    names = [f.attname for f in row._meta.concrete_fields if f.attname not in _NOT_COMPARED]
    changed = [
        name.removesuffix("_id") for name in names if getattr(row, name) != getattr(previous, name)
    ]
    now, before = _linked_ids(row, m2m), _linked_ids(previous, m2m)
    return changed + [name for name in m2m if now[name] != before[name]]


def _completes_creation(row, previous, changed_fields: list[str], m2m: dict) -> bool:
    """A record's many-to-many links can only be set after it is first saved, and
    simple-history writes a second row when they are. That row is part of the
    creation (same person, same reason, only links changed), not a change of its own."""
    return (
        previous is not None
        and previous.history_type == "+"
        and row.history_type == "~"
        and row.history_user_id == previous.history_user_id
        and row.history_change_reason == previous.history_change_reason
        and set(changed_fields) <= set(m2m)
    )


def _entries(history_qs, record_type: str, m2m: dict | None = None):
    """`m2m` names each tracked many-to-many field with the accessor of its history
    rows and the attribute that holds the linked id."""
    m2m = m2m or {}
    # Read in time order so each row is compared with the one before it in memory,
    # rather than one query per row.
    rows = list(
        history_qs.select_related("history_user")
        .prefetch_related(*(accessor for accessor, _ in m2m.values()))
        .order_by("-history_date", "-history_id")[:_LIMIT]
    )
    rows.reverse()
    last_of_record: dict = {}
    for row in rows:
        previous = last_of_record.get(row.id)
        changed_fields = _changed_fields(row, previous, m2m)
        last_of_record[row.id] = row
        if _completes_creation(row, previous, changed_fields, m2m):
            continue
        yield {
            "at": row.history_date,
            "record_type": record_type,
            "record_id": str(row.id),
            "change": {"+": "created", "~": "changed", "-": "deleted"}[row.history_type],
            "changed_by": row.history_user.get_username() if row.history_user else None,
            # What a page shows: a person's name, never a username (issue 18).
            "changed_by_name": (row.history_user.get_full_name() or row.history_user.get_username())
            if row.history_user
            else None,
            "reason": row.history_change_reason,
            "fields": changed_fields,
        }


def case_history(*, actor: User, case: Case) -> list[dict]:
    # The parties the actor may see, as the policy scopes them (grants to parties too).
    visible_parties = access.party_scope(actor, CaseParty.objects.filter(case=case))
    sources = [
        _entries(Case.history.filter(id=case.pk), "case"),
        _entries(CaseParty.history.filter(case_id=case.pk, id__in=visible_parties), "party"),
        _entries(
            Offence.history.filter(case_id=case.pk),
            "offence",
            m2m={"parties": ("historicaloffence_parties_set", "caseparty_id")},
        ),
        _entries(
            Outcome.history.filter(case_id=case.pk, suspect_id__in=visible_parties), "outcome"
        ),
    ]
    if access.can(actor, "cases.material.view", case) and access.is_cleared_for(actor, "material"):
        sources.append(_entries(MaterialSummary.history.filter(case_id=case.pk), "material"))
    entries = sorted(chain.from_iterable(sources), key=lambda e: e["at"], reverse=True)
    return entries[:_LIMIT]
