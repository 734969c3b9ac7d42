"""A JSON body is taken at the types the schema gives it.

DRF converts quietly: a text field takes `0` as "0", a number field takes "5", a
yes/no field takes "yes" or 1, a choice field whose values are "1" and "2" takes the
number 1, an id field takes an integer. The schema says "string", "integer",
"boolean", so a client sending the wrong type has a bug that the API would hide, and
the API would answer differently from its own contract (Schemathesis reports each as
"schema-violating request accepted"). Every field of every serializer is checked here,
once, rather than in each of the hundred-odd input serializers: `install()` runs from
`CommonConfig.ready()`.

Query strings and multipart forms carry only text, so there the conversions stay:
a serializer fed a QueryDict, or one that says `json_types = False` (the query
parameter serializers), is not checked.
"""

from django.http import QueryDict
from rest_framework import fields

_installed = False


def _from_json(field: fields.Field) -> bool:
    root = field.root
    if not getattr(root, "json_types", True):
        return False
    return not isinstance(getattr(root, "initial_data", None), QueryDict)


def _check_type(field: fields.Field, data) -> None:
    """Raises the field's own error when `data` has the wrong JSON type."""
    if data is None or data is fields.empty or not _from_json(field):
        return
    if isinstance(field, fields.ChoiceField) and not isinstance(field, fields.MultipleChoiceField):
        if not isinstance(data, str) and all(isinstance(key, str) for key in field.choices):
            field.fail("invalid_choice", input=data)
        return
    if isinstance(field, fields.CharField | fields.UUIDField):
        wrong = not isinstance(data, str)
    elif isinstance(field, fields.BooleanField):
        wrong = not isinstance(data, bool)
    elif isinstance(field, fields.IntegerField):
        wrong = isinstance(data, bool) or not (
            isinstance(data, int) or (isinstance(data, float) and data.is_integer())
        )
    elif isinstance(field, fields.FloatField):
        wrong = isinstance(data, bool) or not isinstance(data, int | float)
    else:
        wrong = False
    if wrong:
        field.fail("invalid")


def install() -> None:
    """Wraps `Field.run_validation`, which every field's validation passes through."""
    global _installed
    if _installed:
        return
    run_validation = fields.Field.run_validation

    def run_validation_with_json_types(self, data=fields.empty):
        _check_type(self, data)
        return run_validation(self, data)

    fields.Field.run_validation = run_validation_with_json_types  # type: ignore[method-assign]
    _installed = True
