"""A flag names the person it warns about (as well as their part in the case), so
that a person merge (cases.services.person_merge) moves it to the survivor, and its
undo moves it back: registered with cases (cases.person_references, ADR 0004)."""


def register() -> None:
    from cases.person_references import person_reference_register
    from safeguarding.models import Flag

    person_reference_register(name="safeguarding.flag", model=Flag, field="person", label="flag")
