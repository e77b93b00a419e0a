"""Render requests from people (API, pages, admin, terminal): request, retry, cancel."""
import logging

from celery import current_app
from django.db import transaction
from django.utils import timezone

from config.api.exceptions import ApplicationError, ConflictError
from farm import hosts
from farm.backends import BackendError, BackendNotConfigured, get_backend
from renders.lifecycle.charges import UNCHARGED_ERRORS, charge_record
from renders.lifecycle.history import render_event_record
from renders.models import Render, RenderEvent
from renders.outputs.posters import render_poster_spec
from renders.outputs.retention import OUTPUT_FIELDS, render_output_of
from renders.requests import snapshots
from renders.requests.quota import quota_reserve

logger = logging.getLogger(__name__)
# Queued by name: the Celery tasks (renders/tasks.py) sit above the services and call them.
START_RENDER_TASK = "renders.tasks.start_render"
DELETE_OUTPUT_TASK = "renders.tasks.delete_render_output"


def render_request(*, user, kind, target, size=None, skip_quota=False, request_key=None):
    """Validate, charge the quota and queue a render of `target` (a clip, movie or generation).

    Everything that can reject the request runs before the row is created, and the row,
    the quota charge and the queued start commit together: a rejected request costs
    nothing and an accepted one cannot be lost between the farm and the database.
    """
    backend_name = render_service_check()
    snapshot = snapshots.snapshot_for(kind, target, size)
    return _render_create(
        user=user,
        kind=kind,
        target=target,
        backend_name=backend_name,
        snapshot=snapshot.__dict__,
        skip_quota=skip_quota,
        request_key=request_key,
        message=f"Requested {snapshot.width}x{snapshot.height}, {snapshot.duration_in_frames} frames",
    )


def render_retry(*, render, user, request_key=None):
    """A new render from the same snapshot (even if its target was deleted since); limits,
    code check and quota apply again."""
    render_retry_check(render)
    backend_name = render_service_check()
    snapshots.snapshot_recheck(render)
    snapshot = {
        field: getattr(render, field)
        for field in ("composition_id", "input_props", "width", "height", "fps", "duration_in_frames")
    }
    retry = _render_create(
        user=user,
        kind=render.kind,
        target=render.target,
        backend_name=backend_name,
        snapshot=snapshot,
        retry_of=render,
        request_key=request_key,
        message=f"Retry of render {render.pk}",
    )
    render_event_record(render.pk, RenderEvent.Kind.RETRIED, f"Retried as render {retry.pk}")
    return retry


def render_retry_check(render):
    """Refuse a retry that cannot help: a live render, or one its code failed (the same
    snapshot would fail identically; the code must be fixed and rendered anew)."""
    if render.status not in (Render.Status.FAILED, Render.Status.CANCELLED):
        raise ConflictError("render_not_retryable", "Only a failed or cancelled render can be retried.")
    if render.error_code in UNCHARGED_ERRORS:
        raise ConflictError(
            "render_retry_would_repeat",
            "This render failed because of its code; a retry would fail the same way. "
            "Fix the code and render it again.",
        )


def render_cancel(*, render):
    """Stop a pending or rendering render: the row first, then the farm's work."""
    now = timezone.now()
    cancelled = Render.objects.filter(pk=render.pk, status__in=Render.LIVE_STATUSES).update(
        status=Render.Status.CANCELLED, completed_at=now, last_polled_at=now
    )
    if not cancelled:
        raise ConflictError("render_not_cancellable", "Only a pending or rendering render can be cancelled.")
    render.refresh_from_db()
    message = "Cancelled before it started."
    if render.farm_render_id:
        message = render_stop_farm_work(render)
    # A render being started right now has no farm id yet: its start task sees the
    # cancellation when it tries to move the row to rendering, and stops the farm itself.
    render_event_record(render.pk, RenderEvent.Kind.CANCELLED, message)
    return render


def render_delete(*, render):
    """Delete the render's row (and history), then its output on the farm's storage.

    Its RenderCharge stays: what the render cost and took from the quota is not undone.

    A live render is cancelled first, so no farm work runs on for a row that is gone.
    Storage is touched only once the deletion committed.
    """
    if not render.is_final:
        try:
            render_cancel(render=render)
        except ConflictError:
            pass  # it finished meanwhile: delete it as it is
    with transaction.atomic():
        # Re-read under a lock: the output fields are only final once the render is.
        current = Render.objects.select_for_update().only(*OUTPUT_FIELDS).filter(pk=render.pk).first()
        if current is None:
            return
        output = render_output_of(current)
        current.delete()
        transaction.on_commit(lambda: current_app.signature(DELETE_OUTPUT_TASK, args=(output,)).delay())
    # The row and its history are gone: this line is what is left of it.
    logger.info(
        "Render %s deleted (%s, farm id %r); its output is being deleted.",
        render.pk, output["backend"], output["farm_render_id"],
    )


def render_stop_farm_work(render):
    try:
        outcome = hosts.farm_work_stop(render)
    except BackendError as exc:
        logger.warning(
            "Cancelling render %s on the farm failed: %s", render.pk, exc, extra={"render_id": render.pk}
        )
        return f"Cancelled; the farm could not be told to stop ({exc}). Its output will be ignored."
    if outcome.stopped:
        return "Cancelled; the farm stopped the work."
    return f"Cancelled; tracking stopped. {outcome.message}".strip()


def render_service_check():
    """The configured backend's name, or the 503 a render request gets without one."""
    backend = get_backend()
    try:
        backend.check_configured()
    except BackendNotConfigured as exc:
        raise ApplicationError(
            "render_service_not_configured",
            f"Render service not configured. {exc}".strip(),
            status_code=503,
        ) from exc
    return backend.name


def _render_create(
    *, user, kind, target, backend_name, snapshot, message, retry_of=None, skip_quota=False, request_key=None
):
    with transaction.atomic():
        # The key first: a repeat that lost the race must not be judged by the quota.
        claimed_key = request_key.claim(user) if request_key is not None else None
        if not skip_quota:
            quota_reserve(user)
        render = Render(
            owner=user,
            kind=kind,
            retry_of=retry_of,
            charged=not skip_quota,
            backend=backend_name,
            last_polled_at=timezone.now(),
            **{kind: target},
            **snapshot,
        )
        render.poster_key = render_poster_spec(render).key
        render.save(force_insert=True)
        charge_record(render)
        if claimed_key is not None:
            request_key.bind(claimed_key, render)
        render_event_record(render.pk, RenderEvent.Kind.REQUESTED, message)
        transaction.on_commit(lambda: current_app.signature(START_RENDER_TASK, args=(render.pk,)).delay())
    return render
