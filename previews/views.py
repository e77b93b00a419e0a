from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from config.api.exceptions import ApplicationError
from previews.policy import embed_origins, with_embed_headers
from previews.services import grant_target, preview_snapshot
from previews.tokens import PreviewTokenInvalid, token_read

PLAYER_SCRIPT = "player/player.js"


# No login: the frame is an opaque origin without the session cookie; the signed token
# is the access. frame-ancestors in the policy replaces X-Frame-Options here.
@xframe_options_exempt
@require_GET
def embed(request, token):
    player_url = static(PLAYER_SCRIPT)
    try:
        grant = token_read(token)
        target = grant_target(grant)
    except PreviewTokenInvalid:
        response = render(request, "previews/forbidden.html", status=403)
        return with_embed_headers(response, request, player_url)
    frame = request.GET.get("frame", "0")
    if not frame.isdigit():
        return HttpResponseBadRequest("frame must be a frame number (0 or more).")
    config = {
        "frame": int(frame),
        "chrome": request.GET.get("chrome") != "0",
        "parentOrigins": embed_origins(request),
        "assetHosts": settings.RENDER_ASSET_HOSTS,
        "error": None,
    }
    try:
        snapshot = preview_snapshot(grant.kind, target, grant.size)
        config.update(compositionId=snapshot.composition_id, inputProps=snapshot.input_props)
    except ApplicationError as err:
        # What a render request would be refused with, shown where the picture would be.
        config.update(compositionId=None, inputProps={}, error=_error(err))
    response = render(request, "previews/embed.html", {"config": config, "player_url": player_url})
    return with_embed_headers(response, request, player_url)


def _error(err):
    return {"message": err.detail, "line": err.extra.get("line"), "column": err.extra.get("column")}
