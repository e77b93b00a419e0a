"""Asking for a still: one frame of a snapshot as an image (farm/stills.py stores it by
content), answered at once when it is stored, else rendered and waited for up to
STILL_WAIT_SECONDS.

Where it renders: with the local backend and outputs in MEDIA_ROOT, the asking process
hands it straight to an idle warm service of this machine (no queue in between: that is
what makes a still quick); otherwise the `render_still` task does it on a worker, with
the per-process fallback, or on Lambda.
"""
import re
import time
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from config.api.exceptions import ApplicationError
from farm.backends import stills
from farm.backends import FatalBackendError, output_storage
from farm.backends.base import CODE_ERROR_MARKER
from farm.backends.stills import StillSpec

WAIT_STEP_SECONDS = 0.01
# A failed still is remembered this long (shared cache: a worker's failure reaches the web).
FAILURE_TTL_SECONDS = 60
_WHERE = re.compile(r"\(line (\d+), column (\d+)\)")


@dataclass(frozen=True)
class StillAnswer:
    spec: StillSpec
    ready: bool
    cached: bool = False


def still_spec(kind, snapshot, *, frame, image_format):
    if image_format not in stills.FORMATS:
        raise ApplicationError("invalid_format", f"format must be one of {', '.join(stills.FORMATS)}.")
    if not 0 <= frame < snapshot.duration_in_frames:
        raise ApplicationError(
            "invalid_frame", f"frame must be between 0 and {snapshot.duration_in_frames - 1} for this target."
        )
    # A still is a frame of exactly what a render of the snapshot draws: all its fields.
    return StillSpec(kind=kind, **vars(snapshot), frame=frame, image_format=image_format)


def still_request(spec, *, wait_seconds=None):
    """The still of `spec`: ready (stored) or still being made after the wait."""
    if stills.still_stored(spec.key, spec.image_format):
        return StillAnswer(spec, ready=True, cached=True)
    _progress(spec)  # a recent failure of the same still is answered again, not retried
    _still_start(spec)
    deadline = time.monotonic() + (settings.STILL_WAIT_SECONDS if wait_seconds is None else wait_seconds)
    while True:
        if _progress(spec) == "done":
            return StillAnswer(spec, ready=True)
        if time.monotonic() >= deadline:
            return StillAnswer(spec, ready=False)
        time.sleep(WAIT_STEP_SECONDS)


def still_poll(spec):
    """For the Location of a still that was not ready in time: ready, failed (raises) or not yet."""
    return StillAnswer(spec, ready=_progress(spec) == "done")


def still_render_now(spec):
    """The `render_still` task: make the still here (a worker), waiting for it."""
    if settings.RENDER_BACKEND == "lambda":
        from farm.backends.lambda_stills import still_render_on_lambda

        try:
            still_render_on_lambda(spec)
        except FatalBackendError as exc:
            _remember_failure(spec, exc.message)
        return
    from farm.backends import local_stills

    if local_stills.still_claim(spec) and not local_stills.still_run_warm(spec):
        local_stills.still_run_process(spec)
    deadline = time.monotonic() + settings.RENDER_STALL_TIMEOUT_SECONDS + 60
    while time.monotonic() < deadline:
        state, message = local_stills.still_state(spec)
        if state == "error":
            _remember_failure(spec, message)
        if state in ("done", "error"):
            return
        time.sleep(0.05)


def _still_start(spec):
    if settings.RENDER_BACKEND == "local" and output_storage.storage_bucket() is None:
        from farm.backends import local_stills

        state, _ = local_stills.still_state(spec)
        if state == "running":
            return
        if state == "none" and local_stills.still_claim(spec):
            if local_stills.still_run_warm(spec):
                return
            # Nobody idle here: a worker renders it as a process of its own.
            local_stills.still_abandon(spec)
    if cache.add(f"still-queued:{spec.key}", 1, timeout=settings.STILL_WAIT_SECONDS):
        task = current_app.signature("renders.tasks.render_still", args=(spec.as_dict(),))
        transaction.on_commit(task.delay)


def _progress(spec):
    """'done', 'running'; a failure raises it."""
    if settings.RENDER_BACKEND == "local":
        from farm.backends import local_stills

        state, message = local_stills.still_state(spec)
        if state == "error":
            _remember_failure(spec, message)
        if state == "done":
            return "done"
    elif stills.still_stored(spec.key, spec.image_format):
        return "done"
    _raise_failure(spec)
    return "running"


def _remember_failure(spec, message):
    cache.set(f"still-failed:{spec.key}", message, timeout=FAILURE_TTL_SECONDS)


def _raise_failure(spec):
    message = cache.get(f"still-failed:{spec.key}")
    if message is None:
        return
    if CODE_ERROR_MARKER in message:
        where = _WHERE.search(message)
        extra = {"line": int(where[1]), "column": int(where[2])} if where else {"line": None, "column": None}
        raise ApplicationError("code_error", message, status_code=400, extra=extra)
    raise ApplicationError("still_failed", message, status_code=422)
