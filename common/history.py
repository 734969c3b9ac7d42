"""The one way to say who changed a historical record and why (simple-history)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model


def history_note(instance: Model, *, actor: AbstractBaseUser | None, reason: str) -> None:
    """Call before `save()`: the history row written by that save carries both."""
    instance._history_user = actor
    instance._change_reason = reason[:100]
