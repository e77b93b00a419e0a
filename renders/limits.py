"""Per-kind render limits (product rules), overridable with settings.RENDER_LIMITS."""
from dataclasses import dataclass, replace

from django.conf import settings


@dataclass(frozen=True)
class RenderLimits:
    max_seconds: int
    # The output frame must fit in max_long_side x max_short_side in either orientation,
    # so portrait (9:16) generations are allowed at 1080x1920.
    max_long_side: int
    max_short_side: int
    # Remotion's delayRender timeout in the browser; NOT the Lambda function timeout.
    browser_timeout_seconds: int
    poll_interval_seconds: float
    max_scenes: int | None = None


DEFAULT_LIMITS = {
    "clip": RenderLimits(
        max_seconds=20, max_long_side=1920, max_short_side=1080, browser_timeout_seconds=60, poll_interval_seconds=2
    ),
    "movie": RenderLimits(
        max_seconds=120,
        max_long_side=1920,
        max_short_side=1080,
        browser_timeout_seconds=240,
        poll_interval_seconds=3,
        max_scenes=20,
    ),
}
DEFAULT_LIMITS["generation"] = DEFAULT_LIMITS["clip"]


def limits_for(kind):
    return replace(DEFAULT_LIMITS[kind], **settings.RENDER_LIMITS.get(kind, {}))
