from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.routers import SimpleRouter

from clips.code_validation import PROBLEM_CODES
from clips.models import Clip
from clips.services import clip_create, clip_delete, clip_update
from config.api.bounds import FPS, FRAME_COUNT, FRAME_INDEX, VERBATIM_CODE
from config.api.ownership import OwnerScopedMixin
from config.api.schema import ErrorResponse
from config.api.strict import StrictJSONTypesMixin
from exports.api import ExportActionMixin
from renders.embedding import LatestRenderOnDetailMixin, with_latest_render
from renders.poster_field import PosterUrlField


class ClipSerializer(StrictJSONTypesMixin, serializers.ModelSerializer):
    poster_url = PosterUrlField("clip")

    class Meta:
        model = Clip
        fields = [
            "id", "name", "code", "raw_code", "duration_in_frames", "fps", "code_problem", "poster_frame",
            "poster_url", "created_at", "updated_at",
        ]
        # code_problem: set on rows saved before the check on save that fail it (null otherwise).
        read_only_fields = ["id", "code_problem", "created_at", "updated_at"]
        extra_kwargs = {"duration_in_frames": FRAME_COUNT, "fps": FPS, "poster_frame": FRAME_INDEX, **VERBATIM_CODE}


CODE_REJECTED = extend_schema(responses={400: ErrorResponse(*PROBLEM_CODES, "invalid_poster_frame")})


@extend_schema_view(create=CODE_REJECTED, update=CODE_REJECTED, partial_update=CODE_REJECTED)
class ClipViewSet(ExportActionMixin, LatestRenderOnDetailMixin, OwnerScopedMixin, viewsets.ModelViewSet):
    """The requesting user's clip library, newest first."""

    queryset = Clip.objects.all()
    serializer_class = ClipSerializer
    detail_serializer_class = with_latest_render(ClipSerializer)
    export_kind = "clip"

    def perform_create(self, serializer):
        serializer.instance = clip_create(owner=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = clip_update(clip=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        clip_delete(clip=instance)


router = SimpleRouter()
router.register("clips", ClipViewSet, basename="clip")
api_urlpatterns = router.urls
