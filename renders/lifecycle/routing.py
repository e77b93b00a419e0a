"""Where and how often a render's poll runs: the one place that decides it.

Lambda renders are polled in batches by the `polls` queue's worker (renders/lifecycle/batch_polls.py),
so starts on the default queue never wait behind them. Local polls go to the
queue of the render host running the render, `render-host.<name>`. With webhooks
configured the farm reports the end itself and polling only catches a lost webhook.
"""
from django.conf import settings

from farm.hosts import host_queue
from farm.webhook_contract import webhooks_configured
from renders.limits import limits_for
from renders.models import Render, RenderHost

POLLS_QUEUE = "polls"
DEFAULT_QUEUE = "celery"
LOCAL_POLL_SECONDS = 0.5


def poll_queue(render):
    if render.backend == Render.Backend.LAMBDA:
        return POLLS_QUEUE
    if render.host_id is not None:
        # Its process and progress file exist only on the host that runs it.
        return host_queue(RenderHost.objects.values_list("name", flat=True).get(pk=render.host_id))
    return DEFAULT_QUEUE


def poll_interval(render):
    if render.backend == Render.Backend.LAMBDA and webhooks_configured():
        return float(settings.RENDER_FALLBACK_POLL_SECONDS)
    if render.backend == Render.Backend.LOCAL:
        # A local poll reads a file on its own host, unlike a billed Lambda status call:
        # a short render (a warm one takes about a second) completes when it finishes,
        # not at the kind's next poll.
        return min(LOCAL_POLL_SECONDS, limits_for(render.kind).poll_interval_seconds)
    return limits_for(render.kind).poll_interval_seconds
