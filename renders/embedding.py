"""What the API embeds about renders in a clip, movie or generation: the latest render
(detail only: on a list it would cost a query per row). Their `poster_url` is
renders/poster_field.py's PosterUrlField.
"""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from renders.api import RenderSerializer
from renders.requests.selectors import render_latest_for


def with_latest_render(serializer_class):
    """A subclass of `serializer_class` with a read-only `latest_render` (null if none)."""

    class DetailSerializer(serializer_class):
        latest_render = serializers.SerializerMethodField()

        class Meta(serializer_class.Meta):
            fields = [*serializer_class.Meta.fields, "latest_render"]

        @extend_schema_field(RenderSerializer(allow_null=True))
        def get_latest_render(self, target):
            render = render_latest_for(target._meta.model_name, target)
            return RenderSerializer(render, context=self.context).data if render else None

    DetailSerializer.__name__ = serializer_class.__name__.replace("Serializer", "DetailSerializer")
    DetailSerializer.__qualname__ = DetailSerializer.__name__
    return DetailSerializer


class LatestRenderOnDetailMixin:
    """For a viewset: `retrieve` answers with `detail_serializer_class`."""

    detail_serializer_class = None

    def get_serializer_class(self):
        if self.action == "retrieve":
            return self.detail_serializer_class
        return super().get_serializer_class()
