"""The wording of dates in templates, the same as in Python (`common.dates`):
`{% load dates %}`, then `{{ moment|day_text }}` (`6 December 2026`) or
`{{ moment|when_text }}` (`14:05 on 6 December 2026`). Nothing (an empty string)
for no date, as Django's `date` filter answers."""

from datetime import date, datetime

from django import template

from common import dates

register = template.Library()


@register.filter
def day_text(value: date | None) -> str:
    return dates.day_text(value) if value else ""


@register.filter
def when_text(value: datetime | None) -> str:
    return dates.when_text(value) if value else ""
