"""When a render host is lost, or comes back.

Lost: no heartbeat for RENDER_HOST_LOST_AFTER_SECONDS. The sweep hands its live renders
back to pending so another host renders them, up to RENDER_MAX_RESTARTS times per render.
Back: whatever render process the host still runs for a render that is no longer its
own (handed back, cancelled, failed while it was away) is stopped before it takes work,
and again at every heartbeat, so a host cut off for a while never renders in duplicate.
"""
import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import F

from renders.backends import local_process
from renders.history import render_event_record
from renders.lifecycle import render_fail
from renders.models import Render, RenderEvent

logger = logging.getLogger(__name__)


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


def stale_processes_stop():
    """Kill this machine's render processes whose render is no longer live on this host."""
    root = Path(settings.LOCAL_RENDER_DIR).resolve()
    jobs = {}
    for job in local_process.marked_jobs():
        path = Path(job)
        # Only renders of this host's own data dir: other installs may share the machine.
        if path.parent.parent == root and path.parent.name.isdigit():
            jobs[int(path.parent.name)] = path
    if not jobs:
        return []
    mine = set(
        Render.objects.filter(
            pk__in=jobs, host__name=settings.RENDER_HOST_NAME, status__in=Render.LIVE_STATUSES
        ).values_list("pk", flat=True)
    )
    stale = sorted(set(jobs) - mine)
    for render_id in stale:
        logger.warning("Stopping the stale render process of render %s on this host", render_id)
        local_process.kill_leftovers(jobs[render_id])
    return stale
