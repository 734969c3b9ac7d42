"""Field makers for API bodies: the optional fields that every body declares the
same way."""

from typing import Any

from rest_framework import serializers


def optional_text(**kwargs: Any) -> serializers.CharField:
    """Text that may be left out or blank: empty when left out."""
    return serializers.CharField(required=False, allow_blank=True, default="", **kwargs)


def optional_date(**kwargs: Any) -> serializers.DateField:
    """A date that may be left out or null: None when left out."""
    return serializers.DateField(required=False, allow_null=True, default=None, **kwargs)
