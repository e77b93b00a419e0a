"""What the API embeds about renders in a clip, movie or generation: the latest render
(detail only: on a list it would cost a query per row) and the poster's URL.
"""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from renders.api import RenderSerializer
from renders.outputs.posters import poster_spec, poster_url
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


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class PosterUrlField(serializers.Field):
    """A still of the middle of the target (of a movie's first scene), null until it has
    been made in the background; a new one follows every change of what it shows."""

    def __init__(self, kind, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)
        self.kind = kind

    def to_representation(self, target):
        url = poster_url(poster_spec(self.kind, target))
        request = self.context.get("request")
        return request.build_absolute_uri(url) if url and request is not None and url.startswith("/") else url
