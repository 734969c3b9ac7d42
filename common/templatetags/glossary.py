"""`{% term_hint "outcome_21" %}`: a term of art's one-line explanation, as GOV.UK hint
text beside the term (common/glossary.py keeps the words)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from common import glossary

register = template.Library()


@register.simple_tag
def term_explanation(key: str) -> str:
    return glossary.term_explanation(key)


@register.simple_tag
def term_hint(key: str) -> SafeString:
    return format_html('<p class="govuk-hint app-term-hint">{}</p>', glossary.term_explanation(key))
