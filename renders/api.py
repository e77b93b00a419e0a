from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from clips.code_validation import PROBLEM_CODES
from clips.models import Clip
from config.api.bounds import ID_MAX, parse_id
from config.api.exceptions import ApplicationError
from config.api.schema import ErrorResponse
from config.api.strict import StrictJSONTypesMixin
from generations.models import Generation
from movies.models import Movie
from renders.lifecycle.webhooks import webhook_receive
from renders.models import Render
from renders.outputs.downloads import render_download_response
from renders.poster_field import PosterUrlField
from renders.requests import services
from renders.requests.idempotency import HEADER as IDEMPOTENCY_HEADER
from renders.requests.idempotency import idempotent_render, request_key_from
from renders.requests.quota import quota_status
from renders.requests.selectors import renders_for_api, renders_for_owner
from renders.requests.throttle import render_burst_check
from renders.usage.totals import period_parse, usage_for


class RenderSerializer(serializers.ModelSerializer):
    error = serializers.CharField(source="error_message", read_only=True)
    target_deleted = serializers.BooleanField(read_only=True)
    download_url = serializers.SerializerMethodField()
    attempt = serializers.IntegerField(read_only=True, help_text="1, then +1 each time a lost host's render restarts")
    restart_note = serializers.CharField(read_only=True, help_text="why this is not the first attempt; \"\" if it is")
    poster_url = PosterUrlField("render")

    class Meta:
        model = Render
        fields = [
            "id",
            "kind",
            "status",
            "progress",
            "attempt",
            "restart_note",
            "error_code",
            "error",
            "output_size",
            "width",
            "height",
            "fps",
            "duration_in_frames",
            "created_at",
            "started_at",
            "completed_at",
            "movie",
            "clip",
            "generation",
            "target_deleted",
            "retry_of",
            "output_expired_at",
            "download_url",
            "poster_url",
        ]
        read_only_fields = fields

    def get_download_url(self, render) -> str | None:
        if render.status != Render.Status.COMPLETE or render.output_expired_at is not None:
            return None
        url = reverse("api-render-download", args=[render.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class RenderRequestSerializer(StrictJSONTypesMixin, serializers.Serializer):
    """Optional output size; without it clips and movies render at 1920x1080 and
    generations at their aspect ratio's size."""

    width = serializers.IntegerField(required=False, min_value=2)
    height = serializers.IntegerField(required=False, min_value=2)

    def validate(self, attrs):
        if ("width" in attrs) != ("height" in attrs):
            raise serializers.ValidationError("Give both width and height, or neither.")
        return attrs


class UsageSerializer(serializers.Serializer):
    start = serializers.DateTimeField(source="period.start", help_text="inclusive")
    end = serializers.DateTimeField(source="period.end", help_text="exclusive")
    renders = serializers.IntegerField(help_text="renders requested in the period")
    complete = serializers.IntegerField()
    video_seconds = serializers.FloatField(help_text="seconds of video of the complete renders")
    cost = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=6),
        help_text="the farm's reported cost per currency, e.g. {\"USD\": \"0.012\"}",
    )


class QuotaSerializer(serializers.Serializer):
    limit = serializers.IntegerField()
    used = serializers.IntegerField()
    remaining = serializers.IntegerField()
    resets_at = serializers.DateTimeField(allow_null=True)


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    # Printable ASCII, no surrounding spaces: what renders.idempotency.request_key_from accepts.
    {"type": "string", "pattern": r"^[!-~]([ -~]{0,253}[!-~])?$"},
    OpenApiParameter.HEADER,
    description="Up to 255 printable characters. Repeating a request with the same key within 24 hours "
    "answers 200 with the render the first one created (no second charge); the same key with another "
    "request is 409 idempotency_key_reused.",
)
RENDER_CREATED_RESPONSES = {
    202: RenderSerializer,
    200: OpenApiResponse(RenderSerializer, "a repeated request"),
    409: ErrorResponse("idempotency_key_reused"),
    429: ErrorResponse("quota_exceeded", "rate_limited"),
    503: ErrorResponse("render_service_not_configured"),
}
# What the snapshot refuses (renders/requests/snapshots.py), the code check included.
SNAPSHOT_ERRORS = (
    *PROBLEM_CODES,
    "empty_code",
    "generation_not_ready",
    "no_valid_scenes",
    "too_many_scenes",
    "clip_too_long",
    "movie_too_long",
    "invalid_resolution",
    "resolution_too_large",
)
TARGET_ID = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
DATE_OR_TIME = {"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}]}


def _render_created(request, create):
    """Run `create(request_key)` at most once per Idempotency-Key; 202 with the new render,
    200 with the first one for a repeat, and its API address in Location either way."""
    request_key = request_key_from(request, scope=request.path)
    render, created = idempotent_render(request.user, request_key, create)
    return Response(
        RenderSerializer(render, context={"request": request}).data,
        status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
        headers={"Location": request.build_absolute_uri(reverse("api-render-detail", args=[render.pk]))},
    )


class RenderStartView(APIView):
    model = None
    kind = None

    @extend_schema(
        request=RenderRequestSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={**RENDER_CREATED_RESPONSES, 400: ErrorResponse(*SNAPSHOT_ERRORS, "idempotency_key_invalid")},
    )
    def post(self, request, pk):
        target = get_object_or_404(self.model, pk=pk, owner=request.user)
        params = RenderRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        size = (params.validated_data["width"], params.validated_data["height"]) if params.validated_data else None

        def create(request_key):
            render_burst_check(request)
            return services.render_request(
                user=request.user, kind=self.kind, target=target, size=size, request_key=request_key
            )

        return _render_created(request, create)


class RenderListView(generics.ListAPIView):
    serializer_class = RenderSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("movie", TARGET_ID, description="only renders of this movie"),
            OpenApiParameter("clip", TARGET_ID, description="only renders of this clip"),
            OpenApiParameter("generation", TARGET_ID, description="only renders of this generation"),
            OpenApiParameter("status", str, enum=Render.Status.values),
        ],
        responses={200: RenderSerializer(many=True), 400: ErrorResponse("invalid_filter")},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queryset = renders_for_api(self.request.user)
        params = self.request.query_params
        for field in ("movie", "clip", "generation"):
            if field in params:
                target_id = parse_id(params[field])
                if target_id is None:
                    raise ApplicationError("invalid_filter", f"{field} must be a positive integer id.")
                queryset = queryset.filter(**{f"{field}_id": target_id})
        if "status" in params:
            if params["status"] not in Render.Status.values:
                raise ApplicationError(
                    "invalid_filter", f"status must be one of: {', '.join(Render.Status.values)}."
                )
            queryset = queryset.filter(status=params["status"])
        return queryset


class RenderDetailView(generics.RetrieveDestroyAPIView):
    """DELETE cancels a live render, deletes the row, then the output on the farm's storage."""

    serializer_class = RenderSerializer

    def get_queryset(self):
        return renders_for_api(self.request.user)

    def perform_destroy(self, instance):
        services.render_delete(render=instance)


class RenderActionView(APIView):
    def get_render(self, request, pk):
        return get_object_or_404(renders_for_owner(request.user), pk=pk)


class RenderRetryView(RenderActionView):
    @extend_schema(
        request=None,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            **RENDER_CREATED_RESPONSES,
            400: ErrorResponse(*SNAPSHOT_ERRORS, "idempotency_key_invalid"),
            409: ErrorResponse("render_not_retryable", "render_retry_would_repeat", "idempotency_key_reused"),
        },
    )
    def post(self, request, pk):
        render = self.get_render(request, pk)

        def create(request_key):
            render_burst_check(request)
            return services.render_retry(render=render, user=request.user, request_key=request_key)

        return _render_created(request, create)


class RenderCancelView(RenderActionView):
    @extend_schema(
        request=None, responses={200: RenderSerializer, 409: ErrorResponse("render_not_cancellable")}
    )
    def post(self, request, pk):
        render = services.render_cancel(render=self.get_render(request, pk))
        return Response(RenderSerializer(render, context={"request": request}).data)


class RenderDownloadView(RenderActionView):
    @extend_schema(
        responses={
            (200, "video/mp4"): OpenApiTypes.BINARY,
            302: OpenApiResponse(description="Redirect to a freshly signed URL"),
            409: ErrorResponse("render_not_complete"),
            410: ErrorResponse("output_expired", "output_missing"),
            416: OpenApiResponse(description="The Range header asks for bytes past the end of the video"),
        }
    )
    def get(self, request, pk):
        return render_download_response(self.get_render(request, pk), request.headers.get("Range"))


class UsageView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from", DATE_OR_TIME, description="ISO date or date-time; default: start of this month (UTC)"
            ),
            OpenApiParameter(
                "to", DATE_OR_TIME, description="ISO date (inclusive) or date-time (exclusive); default: now"
            ),
        ],
        responses={
            200: UsageSerializer,
            400: ErrorResponse("invalid_date", "invalid_period", "period_too_long"),
        },
    )
    def get(self, request):
        period = period_parse(request.query_params.get("from"), request.query_params.get("to"))
        return Response(UsageSerializer(usage_for(request.user, period)).data)


class RemotionWebhookView(APIView):
    """Called by Remotion Lambda when a render ends; its signature is its authentication."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(exclude=True)
    def post(self, request):
        # The signature covers the raw bytes, so they are verified before anything parses them.
        outcome = webhook_receive(request.body, request.headers.get("X-Remotion-Signature"))
        return Response({"outcome": outcome})


class QuotaView(APIView):
    @extend_schema(responses=QuotaSerializer)
    def get(self, request):
        quota = quota_status(request.user)
        data = {"limit": quota.limit, "used": quota.used, "remaining": quota.remaining, "resets_at": quota.resets_at}
        return Response(QuotaSerializer(data).data)


api_urlpatterns = [
    path(
        "clips/<int:pk>/render/",
        RenderStartView.as_view(model=Clip, kind=Render.Kind.CLIP),
        name="api-clip-render",
    ),
    path(
        "movies/<int:pk>/render/",
        RenderStartView.as_view(model=Movie, kind=Render.Kind.MOVIE),
        name="api-movie-render",
    ),
    path(
        "generations/<int:pk>/render/",
        RenderStartView.as_view(model=Generation, kind=Render.Kind.GENERATION),
        name="api-generation-render",
    ),
    path("renders/", RenderListView.as_view(), name="api-render-list"),
    path("renders/quota/", QuotaView.as_view(), name="api-render-quota"),
    path("renders/usage/", UsageView.as_view(), name="api-render-usage"),
    path("renders/<int:pk>/", RenderDetailView.as_view(), name="api-render-detail"),
    path("renders/<int:pk>/retry/", RenderRetryView.as_view(), name="api-render-retry"),
    path("renders/<int:pk>/cancel/", RenderCancelView.as_view(), name="api-render-cancel"),
    path("renders/<int:pk>/download/", RenderDownloadView.as_view(), name="api-render-download"),
    path("webhooks/remotion/", RemotionWebhookView.as_view(), name="api-remotion-webhook"),
]
