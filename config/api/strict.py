"""JSON request values must have the type the OpenAPI schema gives their field.

DRF reads 12 as "12" for a string field, "12" and 12.0 as 12 for an integer field and "yes"
as true: input the schema forbids, which a client generated from the schema never sends and
which hides client bugs. Serializers that take request bodies mix this in first. Form and
multipart bodies carry only strings, so there only an empty value is checked: DRF skips it
as "not given" in a partial update, where the schema allows no empty string or number.
"""
from collections.abc import Mapping

from django.http import QueryDict
from rest_framework import serializers

_MESSAGES = {
    "string": "Not a valid string.",
    "integer": "A valid integer is required.",
    "number": "A valid number is required.",
    "boolean": "Must be a valid boolean.",
    "array": "Expected a list of items.",
    "blank": "This field may not be blank.",
}


class StrictJSONTypesMixin:
    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            check = _form_problem if isinstance(data, QueryDict) else _type_problem
            errors = {}
            for name, field in self.fields.items():
                if field.read_only or name not in data:
                    continue
                problem = check(field, data[name])
                if problem:
                    errors[name] = [_MESSAGES[problem]]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _form_problem(field, value):
    if not isinstance(value, str):  # a file part where the schema wants a value
        return _expected_type(field)
    if value != "" or field.allow_null:
        return None
    if isinstance(field, serializers.CharField):
        return None if field.allow_blank else "blank"
    return _expected_type(field)


def _type_problem(field, value):
    """The JSON type `value` should have had, or None when it has it (null is the field's own
    business: allow_null)."""
    if value is None:
        return None
    if isinstance(field, serializers.ListField):
        if not isinstance(value, list):
            return "array"
        return next((problem for item in value if (problem := _type_problem(field.child, item))), None)
    expected = _expected_type(field)
    checks = {
        "boolean": lambda: isinstance(value, bool),
        "integer": lambda: isinstance(value, int) and not isinstance(value, bool),
        "number": lambda: isinstance(value, (int, float)) and not isinstance(value, bool),
        "string": lambda: isinstance(value, str),
    }
    if expected is None or checks[expected]():
        return None
    return expected


def _expected_type(field):
    if isinstance(field, serializers.BooleanField):
        return "boolean"
    if isinstance(field, (serializers.IntegerField, serializers.PrimaryKeyRelatedField)):
        return "integer"
    if isinstance(field, serializers.FloatField):
        return "number"
    if isinstance(field, serializers.CharField):
        return "string"
    return None
