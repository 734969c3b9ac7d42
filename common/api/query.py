"""Query-string filters, validated exactly as the schema describes them."""

from django.http import QueryDict
from rest_framework import serializers


class QueryParamsSerializer(serializers.Serializer):
    """The base of every list's filters: `FilterSerializer(data=request.query_params)`.

    DRF reads a QueryDict as an HTML form, where an empty value means "not given":
    `?team=` and `?status=` would be accepted and ignored. An API client that sends
    an empty or malformed filter has a bug, so here every value given is validated as
    sent, and anything the field refuses (`team=abc`, an unknown `status`, an empty
    date) answers 400 naming the parameter. A parameter not given takes the field's
    default; one given several times counts once (its last value) unless its field is
    a list. Values are text, as query strings are: `json_types` is off."""

    json_types = False

    def run_validation(self, data=serializers.empty):
        if isinstance(data, QueryDict):
            data = {
                name: (
                    data.getlist(name)
                    if isinstance(
                        self.fields.get(name),
                        serializers.ListField | serializers.MultipleChoiceField,
                    )
                    else data.get(name)
                )
                for name in data
            }
        return super().run_validation(data)
