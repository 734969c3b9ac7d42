"""The glossary: every term of art has its one line, and a template that names a term
it does not know fails instead of showing jargon unexplained."""

import pytest
from django.template import Context, Template

from common.glossary import TERMS


@pytest.mark.parametrize("key", sorted(TERMS))
def test_every_term_has_one_plain_line(key):
    explanation = TERMS[key].explanation
    assert explanation.endswith(".")
    assert "\n" not in explanation
    assert len(explanation) < 220


def test_term_hint_renders_the_explanation_as_hint_text():
    html = Template('{% load glossary %}{% term_hint "section_47" %}').render(Context())
    assert html == (
        '<p class="govuk-hint app-term-hint">An enquiry by children&#x27;s services under '
        "section 47 of the Children Act 1989, made when a child may be suffering, or "
        "likely to suffer, significant harm.</p>"
    )


def test_an_unknown_term_fails_loudly():
    with pytest.raises(KeyError):
        Template('{% load glossary %}{% term_hint "outcome_22" %}').render(Context())
