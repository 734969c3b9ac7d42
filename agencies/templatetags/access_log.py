"""The access log's entries in plain words: labelled actions and record types, the
names of agencies and people instead of their slugs and usernames."""

from dataclasses import dataclass

from django import template

from agencies.audit_labels import action_label, record_type_label
from agencies.models import AccessLogEntry
from agencies.selectors.access_log import access_log_names

register = template.Library()


@dataclass(frozen=True)
class LogRow:
    entry: AccessLogEntry
    action: str
    record_type: str
    who: str
    agency: str
    record_agencies: list[str]


def _named(agencies: dict[str, str], slug: str) -> str:
    return agencies.get(slug, slug)


@register.simple_tag(takes_context=True)
def access_log_rows(context, entries) -> list[LogRow]:
    """`{% access_log_rows entries as rows %}`: the page's entries with their words
    (the names read once for the whole page)."""
    request = context.get("request")
    entries = list(entries or ())
    agencies, people = access_log_names(actor=request.user, entries=entries)
    rows = []
    for entry in entries:
        owners = (
            [entry.object_agency_slug] if entry.object_agency_slug else entry.object_agency_slugs
        )
        rows.append(
            LogRow(
                entry=entry,
                action=action_label(entry.action),
                record_type=record_type_label(entry.object_type) if entry.object_type else "",
                who=people.get(entry.user_id, entry.username) if entry.user_id else entry.username,
                agency=_named(agencies, entry.agency_slug) if entry.agency_slug else "",
                record_agencies=[_named(agencies, slug) for slug in owners or ()],
            )
        )
    return rows


@register.filter
def log_record_ref(record: str) -> str:
    """A "type:id" of a list's records, its type in words."""
    kind, _, key = record.partition(":")
    return f"{record_type_label(kind)} {key}"
