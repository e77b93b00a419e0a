"""Thin Celery tasks: take an id, call the lifecycle, schedule what it says comes next.

The worker's face: nothing below it imports this module. Code that queues a task (the
services, webhooks, render hosts) sends it by the name it is given here, and the names
are the dotted paths tasks had before renders/ was split by role, so messages already in
a broker during an upgrade still find their task.

Retried only for named transient errors, with backoff and jitter: the farm's
(TransientBackendError: throttling, network, 5xx) and the database's (OperationalError,
InterfaceError: a database blip must not end a render or its poll chain).
"""
import logging
from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from config import metrics
from farm.backends import FatalBackendError, StartedRender, TransientBackendError, get_backend
from renders.lifecycle import batch_polls, host_recovery, routing, starts, sweep, transitions
from renders.lifecycle.transitions import DATABASE_ERRORS, Next
from renders.models import Render
from farm.backends.stills import StillSpec
from renders.outputs import posters, retention, stills
from renders.requests import idempotency

logger = logging.getLogger(__name__)
_RETRY = {"retry_backoff": 2, "retry_backoff_max": 30, "retry_jitter": True}
_DATABASE_RETRY = {"autoretry_for": DATABASE_ERRORS, "max_retries": None, **_RETRY}


# A start that stays throttled past its retries leaves the render pending and unclaimed;
# the sweep starts it again later.
@shared_task(
    name="renders.tasks.start_render",
    max_retries=8,
    soft_time_limit=150,
    time_limit=180,
    autoretry_for=(TransientBackendError, *DATABASE_ERRORS),
    **_RETRY,
)
def start_render(render_id):
    _schedule(render_id, starts.render_start(render_id))


# The farm answered but the database could not store its render id: the id waits here,
# in the broker, until the database is back.
@shared_task(name="renders.tasks.record_start_render", **_DATABASE_RETRY)
def record_start_render(render_id, attempt, farm_render_id, farm_bucket):
    started = StartedRender(farm_render_id=farm_render_id, farm_bucket=farm_bucket)
    _schedule(render_id, starts.render_record_start(render_id, attempt, started))


@shared_task(
    name="renders.tasks.resolve_start_render",
    autoretry_for=(TransientBackendError, *DATABASE_ERRORS),
    max_retries=None,
    **_RETRY,
)
def resolve_start_render(render_id):
    _schedule(render_id, starts.render_resolve_start(render_id))


# Each poll schedules the next one itself, even after a farm or database error, so only
# an error before it took its turn is retried here (the turn is still its own).
@shared_task(name="renders.tasks.poll_render", **_DATABASE_RETRY)
def poll_render(render_id, seq, errors=0):
    _observe_poll_lag(poll_render.request)
    _schedule(render_id, transitions.render_poll(render_id, seq, errors))


# Beat sends one run per polls process every second, and each run polls for
# RENDER_POLLER_SECONDS: beat is what re-enqueues it, so a killed worker or a flushed
# broker costs at most one run, and the renders it had claimed fall due when their lease ends.
@shared_task(name="renders.tasks.poll_due_renders")
def poll_due_renders():
    try:
        batch_polls.renders_poll_due(settings.RENDER_POLLER_SECONDS)
    except DATABASE_ERRORS as exc:
        logger.warning("Polling due renders stopped by a database error; the next run tries again: %s", exc)


@shared_task(
    name="renders.tasks.fill_output_size",
    autoretry_for=(TransientBackendError, *DATABASE_ERRORS),
    max_retries=10,
    **_RETRY,
)
def fill_output_size(render_id):
    transitions.render_fill_output_size(render_id)


# Runs on the render's host (its queue), the only machine that can stop its process.
@shared_task(
    name="renders.tasks.stop_farm_work",
    autoretry_for=(TransientBackendError, *DATABASE_ERRORS),
    max_retries=8,
    **_RETRY,
)
def stop_farm_work(render_id):
    render = Render.objects.filter(pk=render_id).first()
    if render is not None:
        get_backend(render.backend).cancel(render)


@shared_task(name="renders.tasks.sweep_renders")
def sweep_renders():
    result = sweep.renders_sweep()
    for render_id in result.to_start:
        start_render.delay(render_id)
    for render_id, step in result.to_poll:
        _schedule(render_id, step)
    for render_id in result.to_resolve:
        resolve_start_render.delay(render_id)


def lost_hosts_restart():
    """Run by every render host's heartbeat thread (config/celery.py), not a task: the
    renders of hosts counted lost go back to pending and are started again at once."""
    for render_id in host_recovery.lost_hosts_hand_back(timezone.now()):
        start_render.delay(render_id)


# Runs after the row was deleted or marked expired (queued on commit): storage trouble
# is retried and never reaches the row. Past the retries the files stay, and are logged.
@shared_task(
    name="renders.tasks.delete_render_output",
    bind=True,
    max_retries=10,
    autoretry_for=(TransientBackendError,),
    **_RETRY,
)
def delete_render_output(self, output):
    try:
        retention.render_output_delete(output)
    except TransientBackendError as exc:
        logger.warning(
            "Deleting the output of render %s failed (try %s): %s", output["id"], self.request.retries, exc,
            extra={"render_id": output["id"]},
        )
        raise
    except FatalBackendError as exc:
        logger.error(
            "The output of render %s cannot be deleted: %s", output["id"], exc, extra={"render_id": output["id"]}
        )


@shared_task(name="renders.tasks.expire_render_outputs")
def expire_render_outputs():
    retention.render_outputs_expire(then=delete_render_output.delay)


# A still's storage or farm may be briefly unreachable (a bucket's 503): retried, then given up;
# the next page or request that looks for it asks again.
STILL_RETRIES = {"autoretry_for": (TransientBackendError,), "retry_backoff": True, "retry_jitter": True, "max_retries": 3}


@shared_task(name="renders.tasks.render_still", **STILL_RETRIES)
def render_still(spec):
    stills.still_render_now(StillSpec(**spec))


@shared_task(name="renders.tasks.render_poster", **STILL_RETRIES)
def render_poster(render_id):
    posters.render_poster_make(render_id)


@shared_task(name="renders.tasks.prune_idempotency_keys")
def prune_idempotency_keys():
    idempotency.idempotency_keys_prune()


def _observe_poll_lag(request):
    # Polls scheduled with a countdown (and retries) carry their due time as the ETA;
    # those the sweep sends at once have none and are not late by definition.
    if not request.eta:
        return
    due = datetime.fromisoformat(request.eta) if isinstance(request.eta, str) else request.eta
    queue = (request.delivery_info or {}).get("routing_key") or "celery"
    metrics.poll_lag.labels(queue=queue).observe(max(0.0, (timezone.now() - due).total_seconds()))


def _schedule(render_id, step):
    if step.next is Next.POLL and step.queue == routing.POLLS_QUEUE:
        batch_polls.poll_due_set(render_id, step)
    elif step.next is Next.POLL:
        poll_render.apply_async((render_id, step.seq, step.errors), countdown=step.delay, queue=step.queue)
    elif step.next is Next.START_AGAIN:
        # This host is full: try again later, on whichever worker takes it then. Never
        # sent to a host that looked free: it may have just stopped, leaving it unread.
        start_render.apply_async((render_id,), countdown=step.delay)
    elif step.next is Next.RECORD_START:
        record_start_render.apply_async((render_id, *step.started), countdown=step.delay)
