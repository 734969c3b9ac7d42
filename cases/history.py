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


def _changed_fields(row, previous) -> list[str]:
    if previous is None:
        return []
    names = [f.attname for f in row._meta.concrete_fields if f.attname not in _NOT_COMPARED]
    return [
        name.removesuffix("_id") for name in names if getattr(row, name) != getattr(previous, name)
    ]


def _entries(history_qs, record_type: str):
    # Read in time order so each row is compared with the one before it in memory,
    # rather than one query per row.
    rows = list(history_qs.select_related("history_user").order_by("-history_date")[:_LIMIT])
    rows.reverse()
    last_of_record: dict = {}
    for row in rows:
        changed_fields = _changed_fields(row, last_of_record.get(row.id))
        last_of_record[row.id] = row
        yield {
            "at": row.history_date,
            "record_type": record_type,
            "record_id": str(row.id),
            "change": {"+": "created", "~": "changed", "-": "deleted"}[row.history_type],
            "changed_by": row.history_user.get_username() if row.history_user else None,
            "reason": row.history_change_reason,
            "fields": changed_fields,
        }


def case_history(*, actor: User, case: Case) -> list[dict]:
    visible_parties = access.compartment_scope(actor, CaseParty.objects.filter(case=case))
    sources = [
        _entries(Case.history.filter(id=case.pk), "case"),
        _entries(CaseParty.history.filter(case_id=case.pk, id__in=visible_parties), "party"),
        _entries(Offence.history.filter(case_id=case.pk), "offence"),
        _entries(
            Outcome.history.filter(case_id=case.pk, suspect_id__in=visible_parties), "outcome"
        ),
    ]
    if access.can(actor, "cases.material.view", case) and access.is_cleared_for(actor, "material"):
        sources.append(_entries(MaterialSummary.history.filter(case_id=case.pk), "material"))
    entries = sorted(chain.from_iterable(sources), key=lambda e: e["at"], reverse=True)
    return entries[:_LIMIT]
