"""How long a render has taken and, while it runs, roughly how long it still needs."""
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from renders.models import Render

# Below this the first frames (browser start-up, bundling) dominate and a linear
# extrapolation would promise far too much or too little.
MIN_PROGRESS_FOR_ESTIMATE = 5


@dataclass(frozen=True)
class RenderTiming:
    elapsed: timedelta  # waiting time while pending, render time after that
    remaining: timedelta | None = None


def render_timing(render, now=None):
    now = now or timezone.now()
    if render.status == Render.Status.PENDING:
        return RenderTiming(elapsed=now - render.created_at)
    began = render.started_at or render.created_at
    if render.is_final:
        return RenderTiming(elapsed=(render.completed_at or now) - began)
    elapsed = now - began
    remaining = None
    if render.progress >= MIN_PROGRESS_FOR_ESTIMATE:
        remaining = elapsed * (100 - render.progress) / render.progress
    return RenderTiming(elapsed=elapsed, remaining=remaining)
