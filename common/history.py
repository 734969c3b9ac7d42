"""The one way to say who changed a historical record and why (simple-history)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model


def history_note(instance: Model, *, actor: AbstractBaseUser | None, reason: str) -> None:
    """Call before `save()`: the history row written by that save carries both."""
    # simple-history reads these two attributes from any model it records.
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = reason[:100]  # type: ignore[attr-defined]
