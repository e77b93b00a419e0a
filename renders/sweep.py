"""Finds live renders whose task chain was lost (worker killed, broker restarted).

Every start attempt and every poll touches `last_polled_at`; a live render whose
heartbeat is older than RENDER_STALE_AFTER_SECONDS has nobody looking after it. The
sweep resumes it, or ends it when resuming cannot help.
"""
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from renders.backends import get_backend
from renders.history import render_event_record
from renders.lifecycle import render_fail, render_time_out
from renders.models import Render, RenderEvent


def renders_sweep():
    """Returns (ids to start again, ids to poll again); the task enqueues them."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.RENDER_STALE_AFTER_SECONDS)
    to_start, to_poll = [], []
    stale = Render.objects.filter(status__in=Render.LIVE_STATUSES, last_polled_at__lt=stale_before)
    for render in stale.order_by("last_polled_at")[:500]:
        if render.status == Render.Status.RENDERING:
            if render.deadline_at and now >= render.deadline_at:
                render_time_out(render, get_backend(render.backend))
            elif _take_over(render, now):
                to_poll.append(render.pk)
        elif render.claimed_at is not None:
            # The worker died while asking the farm to start: whether the farm started
            # is unknown, so end the render rather than risk running it twice.
            render_fail(
                render.pk,
                "start_interrupted",
                "The render's start was interrupted before the farm confirmed it. Retry the render.",
            )
        elif now - render.created_at > timedelta(seconds=settings.RENDER_QUEUE_TIMEOUT_SECONDS):
            render_fail(
                render.pk,
                "queue_timeout",
                f"The render waited more than {settings.RENDER_QUEUE_TIMEOUT_SECONDS} seconds without starting.",
            )
        elif _take_over(render, now):
            to_start.append(render.pk)
    return to_start, to_poll


def _take_over(render, now):
    """Conditionally refresh the heartbeat so two sweeps never resume the same render twice."""
    taken = Render.objects.filter(
        pk=render.pk, status=render.status, last_polled_at=render.last_polled_at
    ).update(last_polled_at=now)
    if taken:
        render_event_record(render.pk, RenderEvent.Kind.RESUMED, f"Resumed by the sweep ({render.status}).")
    return bool(taken)
