"""Finds live renders whose task chain was lost (worker killed, broker restarted).

Every start attempt and every poll touches `last_polled_at`; a live render whose
heartbeat is older than RENDER_STALE_AFTER_SECONDS has nobody looking after it. The
sweep resumes it, or ends it when resuming cannot help. Resuming a poll chain moves the
chain's turn (`poll_seq`) on, so a chain that was merely late finds itself replaced and
stops: there is never more than one chain per render, however late the workers run.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from farm.backends import get_backend
from renders.lifecycle.history import render_event_record
from renders.lifecycle.host_recovery import lost_hosts_hand_back
from renders.lifecycle.starts import render_restart
from renders.lifecycle.transitions import Next, poll_step, render_fail, render_time_out
from renders.models import Render, RenderEvent


@dataclass
class SweepResult:
    """What the task enqueues: starts, polls as (render id, Step), lost starts to settle."""

    to_start: list = field(default_factory=list)
    to_poll: list = field(default_factory=list)
    to_resolve: list = field(default_factory=list)


def renders_sweep():
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.RENDER_STALE_AFTER_SECONDS)
    # First, so the renders of a lost host are restarted, not polled where nobody listens.
    result = SweepResult(to_start=lost_hosts_hand_back(now))
    stale = Render.objects.filter(status__in=Render.LIVE_STATUSES, last_polled_at__lt=stale_before)
    for render in stale.order_by("last_polled_at")[:500]:
        if render.status == Render.Status.RENDERING:
            _sweep_rendering(render, now, result)
        elif render.start_sent_at is not None:
            _sweep_sent(render, now, result)
        elif render.claimed_at is not None:
            # Claimed, but the farm was never asked: start it again.
            if render_restart(render, "The start was interrupted before the farm was asked.").next is Next.START_AGAIN:
                result.to_start.append(render.pk)
        elif now - render.created_at > timedelta(seconds=settings.RENDER_QUEUE_TIMEOUT_SECONDS):
            render_fail(
                render.pk,
                "queue_timeout",
                f"The render waited more than {settings.RENDER_QUEUE_TIMEOUT_SECONDS} seconds without starting.",
            )
        elif _take_over(render, now):
            result.to_start.append(render.pk)
    return result


def _sweep_rendering(render, now, result):
    if render.deadline_at and now >= render.deadline_at:
        render_time_out(render)
    elif _take_over(render, now, poll_seq=F("poll_seq") + 1):
        result.to_poll.append((render.pk, poll_step(render, render.poll_seq + 1, delay=0.0)))


def _sweep_sent(render, now, result):
    """A start whose answer never arrived: settle it once the farm is surely done with it."""
    settled_at = render.start_sent_at + timedelta(seconds=get_backend(render.backend).start_settle_seconds)
    if now >= settled_at and _take_over(render, now):
        result.to_resolve.append(render.pk)


def _take_over(render, now, **changes):
    """Conditionally refresh the heartbeat so two sweeps never resume the same render twice."""
    taken = Render.objects.filter(
        pk=render.pk, status=render.status, last_polled_at=render.last_polled_at, poll_seq=render.poll_seq
    ).update(last_polled_at=now, **changes)
    if taken:
        render_event_record(render.pk, RenderEvent.Kind.RESUMED, f"Resumed by the sweep ({render.status}).")
    return bool(taken)
