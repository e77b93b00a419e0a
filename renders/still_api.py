"""Stills in the API: POST /api/{clips,movies,generations}/{id}/still/ and the Location to
poll when one was not ready in time; the image itself at /renders/stills/<key>.<format>
(a file from MEDIA_ROOT; with a bucket the answer's url is a presigned link instead).

The image's address is its content hash (composition, props, frame, size, format,
renderer): unguessable without the code it was made from, so it is served like a render
output link, to whoever holds it.
"""
import re

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django_ratelimit.core import get_usage
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from clips.models import Clip
from config.api.exceptions import ApplicationError
from config.api.schema import ErrorResponse
from farm.backends import stills
from farm.backends.stills import StillSpec
from generations.models import Generation
from movies.models import Movie
from renders.api import SNAPSHOT_ERRORS
from renders.models import Render
from renders.outputs.stills import still_poll, still_request, still_spec
from renders.requests.snapshots import snapshot_for

# Long enough to come back for a still that took longer than the request's wait.
SPEC_TTL_SECONDS = 3600
KEY = re.compile(r"[0-9a-f]{64}")


class StillRequestSerializer(serializers.Serializer):
    frame = serializers.IntegerField(min_value=0)
    width = serializers.IntegerField(min_value=2, required=False)
    height = serializers.IntegerField(min_value=2, required=False)
    format = serializers.ChoiceField(choices=list(stills.FORMATS))

    def validate(self, data):
        if ("width" in data) != ("height" in data):
            raise serializers.ValidationError("Give both width and height, or neither.")
        return data


class StillSerializer(serializers.Serializer):
    url = serializers.CharField()
    frame = serializers.IntegerField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.CharField()
    cached = serializers.BooleanField()


class StillPendingSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="rendering: poll the Location header")


STILL_RESPONSES = {
    200: StillSerializer,
    202: OpenApiResponse(StillPendingSerializer, "Still being rendered: poll the Location header"),
    422: ErrorResponse("still_failed"),
    429: ErrorResponse("rate_limited"),
}
STILL_START_RESPONSES = {
    **STILL_RESPONSES,
    # code_error carries line and column (null when the message names none).
    400: ErrorResponse("validation_error", "code_error", "invalid_frame", "invalid_format", *SNAPSHOT_ERRORS),
}
STILL_STATUS_RESPONSES = {**STILL_RESPONSES, 400: ErrorResponse("code_error"), 404: ErrorResponse("not_found")}


def still_url(request, spec):
    url, _ = stills.still_location(spec.key, spec.image_format)
    return url or request.build_absolute_uri(reverse("still-file", args=[spec.key, spec.image_format]))


def still_body(request, answer):
    spec = answer.spec
    return {
        "url": still_url(request, spec), "frame": spec.frame, "width": spec.width, "height": spec.height,
        "format": spec.image_format, "cached": answer.cached,
    }


def _answer(request, answer):
    if answer.ready:
        return Response(StillSerializer(still_body(request, answer)).data)
    cache.set(f"still-spec:{answer.spec.key}", answer.spec.as_dict(), timeout=SPEC_TTL_SECONDS)
    location = request.build_absolute_uri(reverse("api-still-status", args=[answer.spec.key]))
    return Response({"status": "rendering"}, status=202, headers={"Location": location})


def still_rate_check(request):
    usage = get_usage(request, group="still", key="user", rate=settings.STILL_RATE, increment=True)
    if usage and usage["should_limit"]:
        retry_after = max(1, int(usage["time_left"]))
        raise ApplicationError(
            "rate_limited", "Too many still requests in a short time. Wait a moment and try again.",
            status_code=429, extra={"retry_after": retry_after}, headers={"Retry-After": str(retry_after)},
        )


class StillStartView(APIView):
    model = None
    kind = None

    @extend_schema(request=StillRequestSerializer, responses=STILL_START_RESPONSES)
    def post(self, request, pk):
        target = get_object_or_404(self.model, pk=pk, owner=request.user)
        params = StillRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        still_rate_check(request)
        size = (data["width"], data["height"]) if "width" in data else None
        snapshot = snapshot_for(self.kind, target, size)
        spec = still_spec(self.kind, snapshot, frame=data["frame"], image_format=data["format"])
        return _answer(request, still_request(spec))


class StillStatusView(APIView):
    @extend_schema(responses=STILL_STATUS_RESPONSES)
    def get(self, request, key):
        # Only a well-formed content hash is looked up: the key is the client's text.
        spec = cache.get(f"still-spec:{key}") if KEY.fullmatch(key) else None
        if spec is None:
            raise ApplicationError("not_found", "No such still is being rendered.", status_code=404)
        return _answer(request, still_poll(StillSpec(**spec)))


def still_file(request, key, image_format):
    if not KEY.fullmatch(key) or image_format not in stills.FORMATS:
        raise Http404
    url, file = stills.still_location(key, image_format)
    if file is None or not file.is_file():
        raise Http404
    response = FileResponse(open(file, "rb"), content_type=stills.FORMATS[image_format])
    # The address is the content: it never changes.
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


api_urlpatterns = [
    path("clips/<int:pk>/still/", StillStartView.as_view(model=Clip, kind=Render.Kind.CLIP), name="api-clip-still"),
    path(
        "movies/<int:pk>/still/", StillStartView.as_view(model=Movie, kind=Render.Kind.MOVIE), name="api-movie-still"
    ),
    path(
        "generations/<int:pk>/still/",
        StillStartView.as_view(model=Generation, kind=Render.Kind.GENERATION),
        name="api-generation-still",
    ),
    path("stills/<str:key>/", StillStatusView.as_view(), name="api-still-status"),
]
file_urlpatterns = [path("stills/<str:key>.<str:image_format>", still_file, name="still-file")]
