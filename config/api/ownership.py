"""Owner scoping for every API read and reference.

Another user's object must look exactly like one that does not exist (a 404, or the same
"no such id" message for a reference in a request body), so ids cannot be probed.
"""
from rest_framework import serializers


class OwnerScopedMixin:
    """For generic views: lists and lookups only ever see the requesting user's rows."""

    def get_queryset(self):
        return super().get_queryset().filter(owner=self.request.user)


class OwnedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id to one of the requesting user's own objects."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        noun = self.queryset.model._meta.verbose_name
        self.error_messages["does_not_exist"] = f"You have no {noun} with id {{pk_value}}."

    def get_queryset(self):
        return super().get_queryset().filter(owner=self.context["request"].user)
