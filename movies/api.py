from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from clips.models import Clip
from config.api.bounds import FPS, FRAME_COUNT
from config.api.ownership import OwnedPrimaryKeyRelatedField, OwnerScopedMixin
from config.api.schema import ErrorResponse
from config.api.strict import StrictJSONTypesMixin
from exports.api import ExportActionMixin
from movies.models import Movie, Scene
from movies.selectors import first_scene_codes_load, movie_with_scenes, with_scenes
from movies.services import (
    movie_create,
    movie_insert_scene,
    movie_update,
    scene_remove,
    scene_split,
    scene_update,
    scenes_reorder,
)
from renders.embedding import LatestRenderOnDetailMixin, PosterUrlField, with_latest_render


class SceneSerializer(serializers.ModelSerializer):
    clip_name = serializers.CharField(source="clip.name", read_only=True, allow_null=True)
    effective_duration_in_frames = serializers.IntegerField(source="effective_duration", read_only=True)

    class Meta:
        model = Scene
        fields = [
            "id",
            "position",
            "clip",
            "clip_name",
            "duration_override",
            "trim_start",
            "trim_end",
            "effective_duration_in_frames",
        ]
        read_only_fields = fields


class MovieListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        # Each poster hashes its first clip's code, which the timeline read defers.
        return super().to_representation(first_scene_codes_load(list(data.all() if hasattr(data, "all") else data)))


class MovieSerializer(StrictJSONTypesMixin, serializers.ModelSerializer):
    scenes = SceneSerializer(many=True, read_only=True)
    poster_url = PosterUrlField("movie")

    class Meta:
        list_serializer_class = MovieListSerializer
        model = Movie
        fields = ["id", "name", "fps", "total_duration_in_frames", "scenes", "poster_url"]
        read_only_fields = ["id", "total_duration_in_frames"]
        extra_kwargs = {"fps": FPS}


class SceneInsertSerializer(StrictJSONTypesMixin, serializers.Serializer):
    clip = OwnedPrimaryKeyRelatedField(queryset=Clip.objects.all())
    after_index = serializers.IntegerField(required=False, help_text="Insert after this index (clamped).")
    before_index = serializers.IntegerField(required=False, help_text="Insert before this index (clamped).")


class SceneUpdateSerializer(StrictJSONTypesMixin, serializers.Serializer):
    trim_start = serializers.IntegerField(required=False, min_value=0)
    trim_end = serializers.IntegerField(required=False, min_value=0)
    duration_override = serializers.IntegerField(required=False, allow_null=True, **FRAME_COUNT)


class SceneSplitSerializer(StrictJSONTypesMixin, serializers.Serializer):
    frame = serializers.IntegerField(
        help_text="Frame of the scene's base duration, strictly inside its visible range."
    )


class ScenesReorderSerializer(StrictJSONTypesMixin, serializers.Serializer):
    scene_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="Every scene's id, in the new order."
    )


# Typed explicitly: from the URL regex alone the schema would call it a string.
SCENE_ID = OpenApiParameter("scene_id", OpenApiTypes.INT, OpenApiParameter.PATH)
SCENE_PATH = r"scenes/(?P<scene_id>\d+)"


FPS_LOCKED = extend_schema(responses={409: ErrorResponse("movie_fps_locked")})
TOO_LONG = ErrorResponse("movie_too_long")
CLIP_MISSING = ErrorResponse("clip_missing")


@extend_schema_view(update=FPS_LOCKED, partial_update=FPS_LOCKED)
class MovieViewSet(ExportActionMixin, LatestRenderOnDetailMixin, OwnerScopedMixin, viewsets.ModelViewSet):
    """The requesting user's movies, newest first. Scene edits answer with the whole
    updated movie, so the client never has to recompute positions or totals itself."""

    queryset = Movie.objects.all()
    serializer_class = MovieSerializer
    detail_serializer_class = with_latest_render(MovieSerializer)
    export_kind = "movie"

    def get_queryset(self):
        movies = super().get_queryset()
        # Edits only need the movie row; they answer with a fresh read (_respond).
        return with_scenes(movies) if self.action in {"list", "retrieve"} else movies

    def perform_create(self, serializer):
        serializer.instance = movie_create(owner=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        movie = movie_update(movie=serializer.instance, **serializer.validated_data)
        serializer.instance = movie_with_scenes(movie.pk)

    @extend_schema(
        request=SceneInsertSerializer,
        responses={
            200: MovieSerializer,
            400: ErrorResponse("invalid_position", "clip_not_found", "movie_too_long"),
        },
    )
    @action(detail=True, methods=["post"], url_path="scenes")
    def insert_scene(self, request, pk=None):
        """Add a clip as a scene: at the end, or after / before an index (clamped into range)."""
        movie = self.get_object()
        payload = self._payload(SceneInsertSerializer)
        return self._respond(movie_insert_scene(movie=movie, **payload))

    @extend_schema(
        request=SceneUpdateSerializer,
        responses={
            200: MovieSerializer,
            400: ErrorResponse("invalid_trim", "invalid_duration_override", "movie_too_long"),
            409: CLIP_MISSING,
        },
        parameters=[SCENE_ID],
    )
    @action(detail=True, methods=["patch"], url_path=SCENE_PATH)
    def update_scene(self, request, pk=None, scene_id=None):
        """Change a scene's trims or duration override; at least 1 frame must stay visible."""
        scene = self._scene(scene_id)
        return self._respond(scene_update(scene=scene, **self._payload(SceneUpdateSerializer)))

    @extend_schema(request=None, responses={200: MovieSerializer}, parameters=[SCENE_ID])
    @update_scene.mapping.delete
    def remove_scene(self, request, pk=None, scene_id=None):
        """Remove a scene; the scenes after it move up."""
        return self._respond(scene_remove(scene=self._scene(scene_id)))

    @extend_schema(
        request=SceneSplitSerializer,
        responses={
            200: MovieSerializer,
            400: ErrorResponse("split_out_of_range", "movie_too_long"),
            409: CLIP_MISSING,
        },
        parameters=[SCENE_ID],
    )
    @action(detail=True, methods=["post"], url_path=rf"{SCENE_PATH}/split")
    def split_scene(self, request, pk=None, scene_id=None):
        """Split a scene at a frame into two scenes on the same clip."""
        scene = self._scene(scene_id)
        return self._respond(scene_split(scene=scene, **self._payload(SceneSplitSerializer)))

    @extend_schema(
        request=ScenesReorderSerializer,
        responses={200: MovieSerializer, 400: ErrorResponse("invalid_reorder")},
    )
    @action(detail=True, methods=["post"], url_path="scenes/reorder")
    def reorder_scenes(self, request, pk=None):
        """Reorder the scenes; `scene_ids` must list every scene of the movie exactly once."""
        movie = self.get_object()
        return self._respond(scenes_reorder(movie=movie, **self._payload(ScenesReorderSerializer)))

    def _scene(self, scene_id):
        return get_object_or_404(Scene, pk=scene_id, movie=self.get_object())

    def _payload(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _respond(self, movie):
        return Response(MovieSerializer(movie_with_scenes(movie.pk)).data)


router = SimpleRouter()
router.register("movies", MovieViewSet, basename="movie")
api_urlpatterns = router.urls
