"""Form fields and widgets for the GOV.UK Design System: dates typed the British way,
times on the 24-hour clock, and radios and checkboxes whose first input carries the
field's id (so that the error summary's link lands on it)."""

from django import forms

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
# Written as the field shows a date it holds (06/12/2026): day and month of two digits.
DATE_HINT = "For example, 27/03/2026"
TIME_HINT = "24-hour clock, for example 14:30"


class Radios(forms.RadioSelect):
    """GOV.UK radios: the field's own id is the first radio's, so that a link from the
    error summary lands on it (Django leaves a radio group without one)."""

    def id_for_label(self, id_, index=None):
        return id_ if index is None else f"{id_}-{index}"


class Checkboxes(forms.CheckboxSelectMultiple):
    def id_for_label(self, id_, index=None):
        return id_ if index is None else f"{id_}-{index}"


class UKDateField(forms.DateField):
    widget = forms.DateInput(format="%d/%m/%Y", attrs={"spellcheck": "false"})
    default_error_messages = {"invalid": "Enter a real date, for example 27/03/2026."}

    def __init__(self, *, help_text: str = DATE_HINT, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(help_text=help_text, **kwargs)


class TimeField(forms.TimeField):
    widget = forms.TimeInput(format="%H:%M", attrs={"spellcheck": "false", "inputmode": "numeric"})
    default_error_messages = {"invalid": "Enter a time on the 24-hour clock, for example 14:30."}

    def __init__(self, *, help_text: str = TIME_HINT, **kwargs):
        kwargs.setdefault("input_formats", ["%H:%M", "%H.%M"])
        super().__init__(help_text=help_text, **kwargs)
