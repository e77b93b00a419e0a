"""Short-lived signed grants to one preview.

The embed page runs in an opaque-origin frame (sandbox="allow-scripts"), which cannot
send the session cookie, so access rides in the URL: a grant signed with SECRET_KEY,
naming the target, its owner and the frame size, valid PREVIEW_TOKEN_TTL_SECONDS.
"""
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

_SALT = "montage.previews.grant"
KINDS = ("clip", "movie", "generation", "render")


class PreviewTokenInvalid(Exception):
    """Forged, tampered with, expired, or naming something it cannot."""


@dataclass(frozen=True)
class PreviewGrant:
    kind: str
    target_id: int
    owner_id: int
    # Only for clips, movies and generations: a render previews its own snapshot's size.
    size: tuple[int, int] | None = None


def token_issue(grant):
    """-> (token, expires_at)"""
    payload = {"k": grant.kind, "t": grant.target_id, "u": grant.owner_id}
    if grant.size:
        payload["s"] = list(grant.size)
    token = signing.dumps(payload, salt=_SALT, compress=True)
    return token, timezone.now() + timedelta(seconds=settings.PREVIEW_TOKEN_TTL_SECONDS)


def token_read(token):
    try:
        payload = signing.loads(token, salt=_SALT, max_age=settings.PREVIEW_TOKEN_TTL_SECONDS)
        size = payload.get("s")
        grant = PreviewGrant(
            kind=payload["k"],
            target_id=int(payload["t"]),
            owner_id=int(payload["u"]),
            size=(int(size[0]), int(size[1])) if size else None,
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, IndexError) as err:
        raise PreviewTokenInvalid(str(err)) from err
    if grant.kind not in KINDS:
        raise PreviewTokenInvalid(f"unknown kind {grant.kind!r}")
    return grant
