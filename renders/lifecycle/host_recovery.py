"""When a render host is lost.

Lost: no heartbeat for RENDER_HOST_LOST_AFTER_SECONDS. The other hosts' heartbeats (and
the sweep, as a backstop) hand its live renders back to pending so another host renders
them as a new attempt, up to RENDER_MAX_RESTARTS times per render. When the host comes
back, its worker stops the processes of the renders it lost before it takes work
(farm/host_worker.py), so a host cut off for a while never renders in duplicate.
"""
from datetime import timedelta

from django.conf import settings
from django.db.models import F

from renders.lifecycle.history import render_event_record
from renders.lifecycle.transitions import render_fail
from renders.models import Render, RenderEvent


def lost_hosts_hand_back(now):
    """Live renders of lost hosts go back to pending; returns the ids to start again."""
    lost_before = now - timedelta(seconds=settings.RENDER_HOST_LOST_AFTER_SECONDS)
    orphans = Render.objects.filter(status__in=Render.LIVE_STATUSES, host__last_heartbeat_at__lt=lost_before)
    to_start = []
    for render in orphans.select_related("host").order_by("pk")[:500]:
        host = render.host
        if render.restart_count >= settings.RENDER_MAX_RESTARTS:
            render_fail(
                render.pk,
                "host_lost",
                f"The machine rendering this video ({host.name}) stopped responding, and the render had "
                f"already been restarted {render.restart_count} time(s) after losing its machine. Retry the render.",
            )
            continue
        handed = Render.objects.filter(
            pk=render.pk, status=render.status, host=host, claimed_at=render.claimed_at
        ).update(
            status=Render.Status.PENDING,
            host=None,
            claimed_at=None,
            farm_render_id="",
            start_attempt="",
            start_sent_at=None,
            # Moves the poll chain's turn on: a poll of the lost host arriving late stops.
            poll_seq=F("poll_seq") + 1,
            started_at=None,
            deadline_at=None,
            # A new attempt renders from frame 0: its progress starts again, visibly.
            progress=0,
            lost_host_name=host.name,
            restart_count=F("restart_count") + 1,
            last_polled_at=now,
        )
        if handed:
            render_event_record(
                render.pk,
                RenderEvent.Kind.RESTARTED,
                f"Render host {host.name} lost (no heartbeat since {host.last_heartbeat_at:%Y-%m-%d %H:%M:%S} UTC): "
                f"back to pending, restart {render.restart_count + 1} of at most {settings.RENDER_MAX_RESTARTS}.",
            )
            to_start.append(render.pk)
    return to_start
