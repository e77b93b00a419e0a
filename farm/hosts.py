"""Render hosts: the machines whose workers run local renders, and the work routed to them.

A local render belongs to the host that claimed it (Render.host). Its Node process and
progress file exist only on that machine, so its polls and its cancel are sent to the
host's own queue, render-host.<name>, which every worker of the host consumes
(config/celery.py). Starts run on any worker: the worker claims the render for its own
host when that host has a free slot.
"""
import logging
import uuid

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from farm.backends import CancelOutcome, get_backend
from renders.models import Render, RenderHost

logger = logging.getLogger(__name__)
QUEUE_PREFIX = "render-host."
STOP_FARM_WORK_TASK = "renders.tasks.stop_farm_work"


def host_queue(name):
    return f"{QUEUE_PREFIX}{name}"


def host_register():
    """A worker starting on this machine: (re)announce the host with a fresh boot id."""
    now = timezone.now()
    host, _ = RenderHost.objects.update_or_create(
        name=settings.RENDER_HOST_NAME,
        defaults={
            "slots": settings.LOCAL_RENDER_CONCURRENCY,
            "boot_id": uuid.uuid4().hex,
            "started_at": now,
            "last_heartbeat_at": now,
        },
    )
    return host


def host_heartbeat():
    """This host is alive; re-registers it if staff deleted its row."""
    touched = RenderHost.objects.filter(name=settings.RENDER_HOST_NAME).update(
        last_heartbeat_at=timezone.now(), slots=settings.LOCAL_RENDER_CONCURRENCY
    )
    if not touched:
        host_register()


def host_slot_take():
    """This host's row, locked until the transaction ends, when it has a free slot; else None.

    The lock serialises the count-then-claim of every worker of the host, so two starts
    never both take its last slot. Other hosts' slots are not this host's business.
    """
    host = RenderHost.objects.filter(name=settings.RENDER_HOST_NAME).select_for_update().first()
    if host is None:
        # A process driving renders itself (manage.py render --wait) on a machine with no
        # worker: it is a host while it drives.
        host_register()
        host = RenderHost.objects.select_for_update().get(name=settings.RENDER_HOST_NAME)
    busy = Render.objects.filter(host=host, status__in=Render.LIVE_STATUSES, claimed_at__isnull=False).count()
    return host if busy < settings.LOCAL_RENDER_CONCURRENCY else None


def render_on_this_host(render):
    """True unless `render` is a local render claimed by another host."""
    if render.host_id is None:
        return True
    return RenderHost.objects.filter(pk=render.host_id, name=settings.RENDER_HOST_NAME).exists()


def render_polled_here(render):
    """Whether this worker may poll `render`: a local render only on its own host.

    A poll can reach the wrong host when a host comes back and finds polls queued for
    renders that were handed to another host meanwhile; polling there would read a
    missing process as a crash.
    """
    if render.host_id is None:
        return True
    here = render_on_this_host(render)
    if here:
        logger.info("Polling render %s on render host %s", render.pk, settings.RENDER_HOST_NAME)
    else:
        logger.warning("Render %s is not on render host %s: poll dropped", render.pk, settings.RENDER_HOST_NAME)
    return here


def farm_work_stop(render):
    """Stop the farm's work for `render`. A local render's process can only be stopped on
    its own host: from anywhere else the stop is queued to that host (after commit)."""
    host = RenderHost.objects.filter(pk=render.host_id).values_list("name", flat=True).first()
    if host is None or host == settings.RENDER_HOST_NAME:
        return get_backend(render.backend).cancel(render)
    # Sent by name: the tasks (renders/tasks.py) sit above the farm and import it.
    stop = current_app.signature(STOP_FARM_WORK_TASK, args=(render.pk,))
    transaction.on_commit(lambda: stop.apply_async(queue=host_queue(host)))
    return CancelOutcome(stopped=False, message=f"The stop was sent to render host {host}.")
