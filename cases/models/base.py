"""What many records keep the same way, written once: who did something, and the
moment and version of a record that is changed against the version last read."""

from typing import Any

from django.conf import settings
from django.db import models


def user_ref() -> "models.ForeignKey[Any, Any]":
    """The user who did something to a record: kept while any record names them
    (PROTECT), with no way back from the user to the records."""
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class Versioned(models.Model):
    """A record made once and then changed against the version its editor last read."""

    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
