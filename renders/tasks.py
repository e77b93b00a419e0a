"""Thin Celery tasks: take an id, call the lifecycle, schedule what it says comes next.

Only TransientBackendError is retried (throttling, network, 5xx), with backoff and jitter.
"""
import logging

from celery import shared_task

from renders import idempotency, lifecycle, retention, sweep
from renders.backends import FatalBackendError, TransientBackendError
from renders.lifecycle import Next

logger = logging.getLogger(__name__)
_TRANSIENT_RETRY = {
    "autoretry_for": (TransientBackendError,),
    "retry_backoff": 2,
    "retry_backoff_max": 30,
    "retry_jitter": True,
}


# A start that stays throttled past its retries leaves the render pending and unclaimed;
# the sweep starts it again later.
@shared_task(bind=True, max_retries=8, soft_time_limit=150, time_limit=180, **_TRANSIENT_RETRY)
def start_render(self, render_id):
    _schedule(render_id, lifecycle.render_start(render_id))


# Transient errors are retried without limit: the render's deadline bounds the polling.
@shared_task(bind=True, max_retries=None, **_TRANSIENT_RETRY)
def poll_render(self, render_id):
    _schedule(render_id, lifecycle.render_poll(render_id))


@shared_task
def sweep_renders():
    to_start, to_poll = sweep.renders_sweep()
    for render_id in to_start:
        start_render.delay(render_id)
    for render_id in to_poll:
        poll_render.delay(render_id)


# Runs after the row was deleted or marked expired (queued on commit): storage trouble
# is retried and never reaches the row. Past the retries the files stay, and are logged.
@shared_task(bind=True, max_retries=10, **_TRANSIENT_RETRY)
def delete_render_output(self, output):
    try:
        retention.render_output_delete(output)
    except TransientBackendError as exc:
        logger.warning("Deleting the output of render %s failed (try %s): %s", output["id"], self.request.retries, exc)
        raise
    except FatalBackendError as exc:
        logger.error("The output of render %s cannot be deleted: %s", output["id"], exc)


@shared_task
def expire_render_outputs():
    retention.render_outputs_expire(then=delete_render_output.delay)


@shared_task
def prune_idempotency_keys():
    idempotency.idempotency_keys_prune()


def _schedule(render_id, step):
    if step.next is Next.POLL:
        poll_render.apply_async((render_id,), countdown=step.delay)
    elif step.next is Next.START_AGAIN:
        start_render.apply_async((render_id,), countdown=step.delay)
