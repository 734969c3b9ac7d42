"""The length every free text of a referral is kept to (a rationale, a message, what
was heard), and the rule that words it, for the models' `clean()` (ADR 0010)."""

from cases.models.rules import Errors

TEXT_MAX_LENGTH = 5000


def written_text(value: str | None, field: str, *, missing: str, errors: Errors) -> str:
    """The text given, stripped; `missing` when there is none, or too long."""
    text = (value or "").strip()
    if not text:
        errors[field] = [missing]
    elif len(text) > TEXT_MAX_LENGTH:
        errors[field] = [f"Keep it to {TEXT_MAX_LENGTH} characters or fewer."]
    return text
