"""A choice explained where it is made: GOV.UK radios take each item's hint from the
field's `item_hints`, read with its input (the assessment's override levels)."""

from django import forms

from cases.forms import Radios
from common.templatetags.govuk import govuk_radios
from safeguarding.models import SHARED_LEVEL_DEFINITIONS, SharedLevel


class LevelForm(forms.Form):
    level = forms.ChoiceField(
        required=False, choices=[("", "No"), *SharedLevel.choices], widget=Radios, label="Level"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].item_hints = SHARED_LEVEL_DEFINITIONS  # type: ignore[attr-defined]


def test_each_level_carries_its_definition_as_its_item_hint():
    html = str(govuk_radios(LevelForm()["level"]))
    for position, level in enumerate(SharedLevel.values, start=1):
        item_id = "id_level" if position == 1 else f"id_level-{position}"
        assert f'aria-describedby="{item_id}-item-hint"' in html
        hint = f'<div id="{item_id}-item-hint" class="govuk-hint govuk-radios__hint">'
        assert hint + str(SHARED_LEVEL_DEFINITIONS[level]).replace("'", "&#x27;") in html


def test_radios_without_hints_are_unchanged():
    class Plain(forms.Form):
        answer = forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")], widget=Radios)

    html = str(govuk_radios(Plain()["answer"]))
    assert "item-hint" not in html
    assert "aria-describedby" not in html
