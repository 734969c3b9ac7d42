"""`{{ n|count_text }}`: a count read by `common.counts.capped_counts`, as a badge
says it ("99+" past the cap)."""

from django import template

from common import counts

register = template.Library()


@register.filter
def count_text(count: int) -> str:
    # Looked up on the module each time, so that a test may lower the cap.
    return counts.count_text(count)
