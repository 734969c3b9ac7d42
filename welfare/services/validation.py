"""The record's own rules beside the service's: a service builds the record, asks
`clean_errors` what its model refuses (its fields and its `clean()`), adds the
rules that span records (the case, the suspect, other duties), and raises them
together, so that one answer names every field that is wrong, as before."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Model


def clean_errors(instance: Model, *, exclude: Iterable[str] = ()) -> dict[str, list[str]]:
    """`instance.full_clean(exclude=...)`'s refusals by field; empty when it keeps
    every rule of its model."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as refused:
        return refused.message_dict
    return {}
