from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from clips.models import Clip
from config.api.schema import ErrorResponse
from generations.models import Generation
from movies.models import Movie
from previews.services import preview_issue
from renders.api import SNAPSHOT_ERRORS, RenderRequestSerializer
from renders.models import Render


class PreviewSerializer(serializers.Serializer):
    embed_url = serializers.CharField(
        help_text="Site-relative URL of the embed page, valid until expires_at. Frame it only as "
        '<iframe sandbox="allow-scripts">; add ?frame=N to open paused at frame N, &chrome=0 for the '
        "bare composition without controls."
    )
    expires_at = serializers.DateTimeField()
    composition_id = serializers.CharField(source="snapshot.composition_id")
    width = serializers.IntegerField(source="snapshot.width")
    height = serializers.IntegerField(source="snapshot.height")
    fps = serializers.IntegerField(source="snapshot.fps")
    duration_in_frames = serializers.IntegerField(source="snapshot.duration_in_frames")


class PreviewView(APIView):
    """A preview of what a render of this object would draw now (for a render: what it drew)."""

    model = None
    kind = None

    @extend_schema(
        parameters=[RenderRequestSerializer],
        responses={
            200: PreviewSerializer,
            400: ErrorResponse("validation_error", *SNAPSHOT_ERRORS),
        },
    )
    def get(self, request, pk):
        target = get_object_or_404(self.model, pk=pk, owner=request.user)
        size = None
        if self.kind != "render":
            params = RenderRequestSerializer(data=request.query_params)
            params.is_valid(raise_exception=True)
            if params.validated_data:
                size = (params.validated_data["width"], params.validated_data["height"])
        preview = preview_issue(user=request.user, kind=self.kind, target=target, size=size)
        return Response(PreviewSerializer(preview).data)


api_urlpatterns = [
    path("clips/<int:pk>/preview/", PreviewView.as_view(model=Clip, kind="clip"), name="api-clip-preview"),
    path("movies/<int:pk>/preview/", PreviewView.as_view(model=Movie, kind="movie"), name="api-movie-preview"),
    path(
        "generations/<int:pk>/preview/",
        PreviewView.as_view(model=Generation, kind="generation"),
        name="api-generation-preview",
    ),
    path("renders/<int:pk>/preview/", PreviewView.as_view(model=Render, kind="render"), name="api-render-preview"),
]
