"""A date field's hint shows its example as the field shows a date: day and month of
two digits (a field pre-filled 06/12/2026 is not explained by "27/3/2026")."""

import re
from datetime import date

from django import forms

from agencies.filters import AccessLogPageFilter
from cases.forms import DATE_HINT, UKDateField


class OneDate(forms.Form):
    on = UKDateField(required=False)


def _shape(text: str) -> str:
    return re.sub(r"\d", "9", text)


def test_the_hint_has_the_shape_of_the_date_the_field_shows():
    shown = OneDate(initial={"on": date(2026, 12, 6)})["on"].value()
    rendered = str(OneDate(initial={"on": date(2026, 12, 6)})["on"])
    assert 'value="06/12/2026"' in rendered
    assert shown == date(2026, 12, 6)
    example = DATE_HINT.removeprefix("For example, ")
    assert _shape(example) == _shape("06/12/2026")


def test_the_access_log_dates_have_the_same_hint():
    form = AccessLogPageFilter({}).form
    for name in ("date_from", "date_to"):
        assert form.fields[name].help_text == DATE_HINT
