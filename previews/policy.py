"""The embed page's response headers: the boundary between clip code and everything else.

The page is always framed as <iframe sandbox="allow-scripts"> and its policy repeats the
sandbox, so even opened on its own it runs in an opaque origin: no cookies, no storage,
no access to the site's pages or API. The policy lets it run exactly one script (the
player bundle; eval for the clip compile), load images, media and fonts only from the
site, data:, blob: and RENDER_ASSET_HOSTS, connect nowhere, and be framed only by the
site and PREVIEW_EMBED_ORIGINS. The player bundle's seal then narrows it further from
inside, as it does in a render.
"""
from django.conf import settings


def site_origin(request):
    return f"{request.scheme}://{request.get_host()}"


def embed_origins(request):
    """Origins whose pages may frame a preview and talk to it."""
    return [site_origin(request), *settings.PREVIEW_EMBED_ORIGINS]


def embed_policy(request, player_url):
    hosts = [f"{scheme}://{host}" for host in settings.RENDER_ASSET_HOSTS for scheme in ("https", "http")]
    assets = " ".join([site_origin(request), "data:", "blob:", *hosts])
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {request.build_absolute_uri(player_url)} 'unsafe-eval'",
            "style-src 'unsafe-inline'",
            f"img-src {assets}",
            f"media-src {assets}",
            f"font-src {assets}",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {' '.join(embed_origins(request))}",
            "sandbox allow-scripts",
        ]
    )


def with_embed_headers(response, request, player_url):
    response["Content-Security-Policy"] = embed_policy(request, player_url)
    # The token is in the URL: never in a Referer, never in a cache.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
