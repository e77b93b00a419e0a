"""What every Celery worker does as part of its render host (wired in config/celery.py).

Before taking work: announce the host (fresh boot id) and stop the render processes a
previous run of this machine left behind for renders that are no longer its own. While
running: a heartbeat thread, independent of beat and of busy task slots, refreshes the
host's row every RENDER_HOST_HEARTBEAT_SECONDS and stops stale processes again.
"""
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection, connections

from renders import hosts
from renders.host_recovery import stale_processes_stop

logger = logging.getLogger(__name__)
_stop = threading.Event()


def host_worker_setup():
    hosts.host_register()
    stale_processes_stop()
    # This process forks the pool's children next: they must not share its connection.
    connections.close_all()


def host_worker_ready():
    _stop.clear()
    threading.Thread(target=_beat, name="render-host-heartbeat", daemon=True).start()


def host_worker_shutdown():
    _stop.set()


def _beat():
    while not _stop.wait(settings.RENDER_HOST_HEARTBEAT_SECONDS):
        try:
            hosts.host_heartbeat()
            stale_processes_stop()
        except DatabaseError as exc:
            logger.warning(
                "Render host heartbeat failed (next try in %s s): %s", settings.RENDER_HOST_HEARTBEAT_SECONDS, exc
            )
        finally:
            # A fresh connection per beat: a pool child forked meanwhile inherits no open one.
            connection.close()
