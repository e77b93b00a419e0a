"""Previews: what a render of a target would draw now, played by the player bundle.

A preview's snapshot comes from the render's own snapshot functions (renders.requests.snapshots),
so it refuses what a render request would refuse, with the same error, and plays the
same composition with the same props as that render.
"""
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from clips.models import Clip
from generations.models import Generation
from movies.models import Movie
from previews.tokens import PreviewGrant, PreviewTokenInvalid, token_issue
from renders.models import Render
from renders.requests.snapshots import Snapshot, snapshot_for, snapshot_of_render

MODELS = {"clip": Clip, "movie": Movie, "generation": Generation, "render": Render}


@dataclass(frozen=True)
class Preview:
    embed_url: str
    expires_at: datetime
    snapshot: Snapshot


def preview_snapshot(kind, target, size=None):
    if kind == "render":
        return snapshot_of_render(target)
    return snapshot_for(kind, target, size)


def preview_issue(*, user, kind, target, size=None):
    """A signed embed URL for `user`'s own `target` (callers look it up owner-scoped)."""
    snapshot = preview_snapshot(kind, target, size)
    grant = PreviewGrant(kind=kind, target_id=target.pk, owner_id=user.pk, size=None if kind == "render" else size)
    token, expires_at = token_issue(grant)
    return Preview(embed_url=reverse("previews:embed", args=[token]), expires_at=expires_at, snapshot=snapshot)


def grant_target(grant):
    """The object a grant names, as long as its owner still owns it."""
    target = MODELS[grant.kind].objects.filter(pk=grant.target_id, owner_id=grant.owner_id).first()
    if target is None:
        raise PreviewTokenInvalid(f"no {grant.kind} {grant.target_id} of user {grant.owner_id}")
    return target
