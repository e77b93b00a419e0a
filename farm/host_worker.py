"""What every Celery worker does as part of its render host (wired in config/celery.py).

Before taking work: announce the host (fresh boot id) and stop the render processes a
previous run of this machine left behind for renders that are no longer its own (handed
back to pending while the host was lost, cancelled, failed while it was away). While
running: a heartbeat thread, independent of beat and of busy task slots, refreshes the
host's row every RENDER_HOST_HEARTBEAT_SECONDS, stops stale processes again and runs the
`on_heartbeat` it was given: config/celery.py passes the hand-back of lost hosts' renders
(renders/tasks.py), so they restart within a heartbeat of their host being counted lost
instead of at the next minute's sweep. A callable, because the farm sits below renders.
The host's warm render services are kept running too (warm_supervisor.py).
"""
import logging
import threading
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, connections

from farm import hosts, warm_supervisor
from farm.backends import local_process, sandbox, warm_service
from renders.models import Render

logger = logging.getLogger(__name__)
_stop = threading.Event()


def host_worker_setup():
    hosts.host_register()
    if settings.RENDER_BACKEND == "local":
        logger.info("Local renders run sealed by: %s", sandbox.isolation_summary())
    stale_processes_stop()
    # This process forks the pool's children next: they must not share its connection.
    connections.close_all()


def host_worker_ready(on_heartbeat=None):
    _stop.clear()
    thread = threading.Thread(target=_beat, args=(on_heartbeat,), name="render-host-heartbeat", daemon=True)
    thread.start()
    warm_supervisor.supervision_start()


def host_worker_shutdown():
    _stop.set()
    warm_supervisor.supervision_stop()


def _beat(on_heartbeat):
    while not _stop.wait(settings.RENDER_HOST_HEARTBEAT_SECONDS):
        try:
            hosts.host_heartbeat()
            stale_processes_stop()
            if on_heartbeat is not None:
                on_heartbeat()
        except DatabaseError as exc:
            logger.warning(
                "Render host heartbeat failed (next try in %s s): %s", settings.RENDER_HOST_HEARTBEAT_SECONDS, exc
            )
        finally:
            # A fresh connection per beat: a pool child forked meanwhile inherits no open one.
            connection.close()


def stale_processes_stop():
    """Kill this machine's render processes whose render is no longer live on this host,
    and cancel such jobs in its warm services."""
    root = Path(settings.LOCAL_RENDER_DIR).resolve()
    jobs = {}
    warm_jobs = [(answer or {}).get("job") for answer in map(warm_service.status, warm_service.slots())]
    for job in [*local_process.marked_jobs(), *filter(None, warm_jobs)]:
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
        warm_service.job_recall(jobs[render_id])
    return stale
