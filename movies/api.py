from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from clips.models import Clip
from config.api.bounds import FPS, FRAME_COUNT, FRAME_INDEX
from config.api.ownership import OwnedPrimaryKeyRelatedField, OwnerScopedMixin
from config.api.schema import ErrorResponse
from config.api.strict import StrictJSONTypesMixin
from exports.api import ExportActionMixin
from movies.history import movie_history, movie_redo, movie_undo
from movies.if_match import expected_version, movie_etag
from movies.models import Movie, MovieRevision, Scene
from movies.selectors import first_scene_codes_load, movie_with_scenes, with_scenes
from movies.services import (
    movie_create,
    movie_delete,
    movie_insert_scene,
    movie_update,
    scene_remove,
    scene_split,
    scene_update,
    scenes_reorder,
)
from movies.timeline_store import MovieChangedError
from renders.embedding import LatestRenderOnDetailMixin, with_latest_render
from renders.poster_field import PosterUrlField


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
        fields = ["id", "name", "fps", "version", "total_duration_in_frames", "scenes", "poster_frame", "poster_url"]
        read_only_fields = ["id", "version", "total_duration_in_frames"]
        extra_kwargs = {"fps": FPS, "poster_frame": FRAME_INDEX}


class MovieRevisionSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_username", read_only=True, allow_null=True)

    class Meta:
        model = MovieRevision
        fields = ["id", "operation", "author", "created_at", "undone", "scenes_before", "scenes_after"]
        read_only_fields = fields


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


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The movie's ETag (its version) the change is based on. If the movie has changed "
    "since, the change is refused with 412 movie_changed and the current movie. Optional.",
)
CLIP_MISSING = ErrorResponse("clip_missing")


def changed_with_if_match(errors=None, success=MovieSerializer):
    """The responses of a change that honours If-Match: its own `errors` ({status:
    ErrorResponse}), a malformed If-Match (400) and a stale one (412, whose body also holds
    the current movie under `movie`)."""
    errors = dict(errors or {})
    own_400 = errors.pop(400, None)
    codes = (*(own_400.codes if own_400 else ()), "invalid_if_match")
    status = 204 if success is None else 200
    return {status: success, 400: ErrorResponse(*codes), 412: ErrorResponse("movie_changed"), **errors}


MOVIE_UPDATE = extend_schema(
    parameters=[IF_MATCH],
    responses=changed_with_if_match({400: ErrorResponse("invalid_poster_frame"), 409: ErrorResponse("movie_fps_locked")}),
)


@extend_schema_view(
    create=extend_schema(responses={400: ErrorResponse("invalid_poster_frame")}),
    update=MOVIE_UPDATE,
    partial_update=MOVIE_UPDATE,
    destroy=extend_schema(parameters=[IF_MATCH], responses=changed_with_if_match(success=None)),
)
class MovieViewSet(ExportActionMixin, LatestRenderOnDetailMixin, OwnerScopedMixin, viewsets.ModelViewSet):
    """The requesting user's movies, newest first. Scene edits answer with the whole
    updated movie, so the client never has to recompute positions or totals itself.

    Every answer about one movie carries its `version`, also as the ETag. A change sent
    with an If-Match of an older version is refused with 412 `movie_changed`, whose body
    holds the current movie under `movie`, so two tabs never silently overwrite each other.
    """

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
        movie = movie_update(
            movie=serializer.instance,
            expected_version=expected_version(self.request),
            **serializer.validated_data,
        )
        serializer.instance = movie_with_scenes(movie.pk)

    def perform_destroy(self, instance):
        movie_delete(movie=instance, expected_version=expected_version(self.request))

    def handle_exception(self, exc):
        if isinstance(exc, MovieChangedError):
            exc.extra["movie"] = MovieSerializer(movie_with_scenes(exc.movie_id)).data
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        movie = getattr(response, "data", None)
        movie = movie.get("movie", movie) if isinstance(movie, dict) else None
        if isinstance(movie, dict) and "version" in movie and self.detail:
            response["ETag"] = movie_etag(movie["version"])
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        request=None,
        parameters=[IF_MATCH],
        responses=changed_with_if_match({409: ErrorResponse("nothing_to_undo")}),
    )
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        """Undo the newest timeline edit not yet undone."""
        return self._respond(movie_undo(movie=self.get_object(), expected_version=expected_version(request)))

    @extend_schema(
        request=None,
        parameters=[IF_MATCH],
        responses=changed_with_if_match({409: ErrorResponse("nothing_to_redo")}),
    )
    @action(detail=True, methods=["post"])
    def redo(self, request, pk=None):
        """Redo the oldest undone edit (only possible until a new edit is made)."""
        return self._respond(movie_redo(movie=self.get_object(), expected_version=expected_version(request)))

    @extend_schema(request=None, responses={200: MovieRevisionSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def revisions(self, request, pk=None):
        """The movie's kept timeline edits (the last 100, so at least 50), newest first."""
        return Response(MovieRevisionSerializer(movie_history(self.get_object()), many=True).data)

    @extend_schema(
        request=SceneInsertSerializer,
        parameters=[IF_MATCH],
        responses=changed_with_if_match(
            {400: ErrorResponse("invalid_position", "clip_not_found", "movie_too_long")}
        ),
    )
    @action(detail=True, methods=["post"], url_path="scenes")
    def insert_scene(self, request, pk=None):
        """Add a clip as a scene: at the end, or after / before an index (clamped into range)."""
        movie = self.get_object()
        payload = self._payload(SceneInsertSerializer)
        return self._respond(movie_insert_scene(movie=movie, **payload, **self._edit_context()))

    @extend_schema(
        request=SceneUpdateSerializer,
        responses=changed_with_if_match(
            {
                400: ErrorResponse("invalid_trim", "invalid_duration_override", "movie_too_long"),
                409: CLIP_MISSING,
            }
        ),
        parameters=[SCENE_ID, IF_MATCH],
    )
    @action(detail=True, methods=["patch"], url_path=SCENE_PATH)
    def update_scene(self, request, pk=None, scene_id=None):
        """Change a scene's trims or duration override; at least 1 frame must stay visible."""
        scene = self._scene(scene_id)
        return self._respond(
            scene_update(scene=scene, **self._payload(SceneUpdateSerializer), **self._edit_context())
        )

    @extend_schema(request=None, responses=changed_with_if_match(), parameters=[SCENE_ID, IF_MATCH])
    @update_scene.mapping.delete
    def remove_scene(self, request, pk=None, scene_id=None):
        """Remove a scene; the scenes after it move up."""
        return self._respond(scene_remove(scene=self._scene(scene_id), **self._edit_context()))

    @extend_schema(
        request=SceneSplitSerializer,
        responses=changed_with_if_match(
            {400: ErrorResponse("split_out_of_range", "movie_too_long"), 409: CLIP_MISSING}
        ),
        parameters=[SCENE_ID, IF_MATCH],
    )
    @action(detail=True, methods=["post"], url_path=rf"{SCENE_PATH}/split")
    def split_scene(self, request, pk=None, scene_id=None):
        """Split a scene at a frame into two scenes on the same clip."""
        scene = self._scene(scene_id)
        payload = self._payload(SceneSplitSerializer)
        return self._respond(scene_split(scene=scene, **payload, **self._edit_context()))

    @extend_schema(
        request=ScenesReorderSerializer,
        parameters=[IF_MATCH],
        responses=changed_with_if_match({400: ErrorResponse("invalid_reorder")}),
    )
    @action(detail=True, methods=["post"], url_path="scenes/reorder")
    def reorder_scenes(self, request, pk=None):
        """Reorder the scenes; `scene_ids` must list every scene of the movie exactly once."""
        movie = self.get_object()
        payload = self._payload(ScenesReorderSerializer)
        return self._respond(scenes_reorder(movie=movie, **payload, **self._edit_context()))

    def _scene(self, scene_id):
        return get_object_or_404(Scene, pk=scene_id, movie=self.get_object())

    def _edit_context(self):
        return {"actor": self.request.user, "expected_version": expected_version(self.request)}

    def _payload(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _respond(self, movie):
        return Response(MovieSerializer(movie_with_scenes(movie.pk)).data)


router = SimpleRouter()
router.register("movies", MovieViewSet, basename="movie")
api_urlpatterns = router.urls
