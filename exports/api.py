"""GET /api/{movies,clips}/{id}/export/: the target as a zipped Remotion project."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer

from config.api.schema import ErrorResponse
from exports.downloads import archive_response
from exports.services import export_for
from renders.api import SNAPSHOT_ERRORS, RenderRequestSerializer

# The refusals an export shares with a render request (renders.requests.snapshots); the 404 of
# another user's id is documented for every such operation by config/api/schema.py.
EXPORT_REFUSALS = ErrorResponse(
    "validation_error", *SNAPSHOT_ERRORS, description="The same refusals as a render request."
)


class AnyAcceptNegotiation(BaseContentNegotiation):
    """The zip is served whatever the client accepts (`Accept: application/zip` too, which
    no renderer names); errors always answer in the API's JSON shape."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


SIZE_PARAMETERS = [
    OpenApiParameter(name, int, description=f"Output {name} (with the other one); default 1920x1080")
    for name in ("width", "height")
]


EXPORT_SCHEMA = extend_schema(
    parameters=SIZE_PARAMETERS,
    responses={
        (200, "application/zip"): OpenApiResponse(
            OpenApiTypes.BINARY,
            description="A Remotion project rendering the movie as its `Movie` composition, "
            "or the clip as `Clip`.",
        ),
        400: EXPORT_REFUSALS,
    },
)


class ExportActionMixin:
    """For the movie and clip viewsets: `export_kind` names what the rows are."""

    export_kind = None

    @EXPORT_SCHEMA
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer],
        content_negotiation_class=AnyAcceptNegotiation,
    )
    def export(self, request, pk=None):
        """The standalone Remotion project, pinned to the versions Montage renders with."""
        target = self.get_object()
        params = RenderRequestSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        wanted = params.validated_data
        size = (wanted["width"], wanted["height"]) if wanted else None
        return archive_response(export_for(self.export_kind, target, size))
