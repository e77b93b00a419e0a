"""The API's `poster_url`: one field for clips, movies, generations and renders. Apart
from renders/embedding.py so that renders/api.py (which embedding builds on) can use it
for the render's own poster."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from renders.outputs.posters import target_poster_url


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class PosterUrlField(serializers.Field):
    """A still of the target's poster frame (by default its middle, of a movie's first
    scene; a render's, of its own snapshot), null until it has been made in the
    background; a new one follows every change of what it shows."""

    def __init__(self, kind, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)
        self.kind = kind

    def to_representation(self, target):
        url = target_poster_url(self.kind, target)
        request = self.context.get("request")
        return request.build_absolute_uri(url) if url and request is not None and url.startswith("/") else url
