"""What points at a person, for a person merge (issue 19, ADR 0004 and 0016).

A merge moves every row that names the merged person to the survivor, and its undo
moves the same rows back. Cases knows its own rows (a person's parts in cases, and
the identifiers held for the person); the apps above cases register theirs in
their AppConfig.ready() (safeguarding: a flag names its person), so that cases never
imports them. Rows that point at a person's *part* in a case (referrals, duties,
assessments, welfare records, contacts) move with the part and need nothing here.

An explicit registry, not signals: the registrations can be listed and tested.
"""

from dataclasses import dataclass

from django.db.models import Model


@dataclass(frozen=True)
class PersonReference:
    # What a merge record calls these rows: "cases.party", "safeguarding.flag".
    name: str
    model: type[Model]
    # The foreign key to cases.Person on `model`.
    field: str
    # What a page calls one of them: "part in a case", "flag".
    label: str


_references: dict[str, PersonReference] = {}


def person_reference_register(*, name: str, model: type[Model], field: str, label: str) -> None:
    """Register once per name (ready() can run more than once in tests)."""
    _references.setdefault(name, PersonReference(name, model, field, label))


def person_references() -> list[PersonReference]:
    """Cases' own first (parties, then identifiers), then the others', by name."""
    from cases.models import CaseParty, Identifier  # models are ready by the first merge

    own = [
        PersonReference("cases.party", CaseParty, "person", "part in a case"),
        PersonReference("cases.identifier", Identifier, "person", "identifier"),
    ]
    return own + [_references[name] for name in sorted(_references)]


def person_reference(name: str) -> PersonReference | None:
    return next((ref for ref in person_references() if ref.name == name), None)
