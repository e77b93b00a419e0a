"""Short-window throttle on render starts (django-ratelimit), on top of the hourly quota.

Shared by the API and the pages, so neither is a way around it.
"""
from django.conf import settings
from django_ratelimit.core import get_usage

from config.api.exceptions import ApplicationError


def render_burst_check(request):
    usage = get_usage(request, group="render-start", key="user", rate=settings.RENDER_BURST_RATE, increment=True)
    if usage and usage["should_limit"]:
        retry_after = max(1, int(usage["time_left"]))
        raise ApplicationError(
            "rate_limited",
            "Too many render requests in a short time. Wait a moment and try again.",
            status_code=429,
            extra={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )
