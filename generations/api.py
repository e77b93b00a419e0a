from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from clips.api import CODE_REJECTED, ClipSerializer
from config.api.bounds import FPS, FRAME_COUNT, VERBATIM_CODE
from config.api.ownership import OwnedPrimaryKeyRelatedField, OwnerScopedMixin
from config.api.schema import ErrorResponse
from config.api.strict import StrictJSONTypesMixin
from generations.models import Generation
from generations.services import generation_create, generation_save_as_clip
from renders.embedding import LatestRenderOnDetailMixin, with_latest_render
from renders.poster_field import PosterUrlField


class GenerationSerializer(StrictJSONTypesMixin, serializers.ModelSerializer):
    parent = OwnedPrimaryKeyRelatedField(queryset=Generation.objects.all(), required=False, allow_null=True)
    poster_url = PosterUrlField("generation")

    class Meta:
        model = Generation
        read_only_fields = [
            "id",
            "status",
            "error_message",
            "code_problem",
            "batch_id",
            "variation_index",
            "variation_count",
            "created_at",
            "updated_at",
        ]
        fields = [
            *read_only_fields,
            "prompt",
            "code",
            "raw_code",
            "duration_in_frames",
            "fps",
            "aspect_ratio",
            "duration_in_seconds",
            "parent",
            "refinement_prompt",
            "poster_url",
        ]
        extra_kwargs = {
            **VERBATIM_CODE,
            "code": {**VERBATIM_CODE["code"], "required": True, "allow_blank": False},
            "duration_in_frames": FRAME_COUNT,
            "fps": FPS,
            "duration_in_seconds": {"min_value": 1, "max_value": 3600},
        }


class SaveAsClipSerializer(StrictJSONTypesMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200)


@extend_schema_view(create=CODE_REJECTED)
class GenerationViewSet(
    LatestRenderOnDetailMixin,
    OwnerScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The requesting user's generations, newest first. Generations are not edited:
    a refinement is a new generation whose `parent` is the one refined."""

    queryset = Generation.objects.all()
    serializer_class = GenerationSerializer
    detail_serializer_class = with_latest_render(GenerationSerializer)

    def perform_create(self, serializer):
        serializer.instance = generation_create(owner=self.request.user, **serializer.validated_data)

    @extend_schema(
        request=SaveAsClipSerializer,
        responses={201: ClipSerializer, 409: ErrorResponse("generation_not_saveable")},
    )
    @action(detail=True, methods=["post"], url_path="save-as-clip")
    def save_as_clip(self, request, pk=None):
        """Copy this generation's code into the clip library under `name`."""
        generation = self.get_object()
        payload = SaveAsClipSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        clip = generation_save_as_clip(generation=generation, **payload.validated_data)
        return Response(ClipSerializer(clip).data, status=status.HTTP_201_CREATED)


router = SimpleRouter()
router.register("generations", GenerationViewSet, basename="generation")
api_urlpatterns = router.urls
