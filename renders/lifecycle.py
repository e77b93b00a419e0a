"""The render state machine driven by the Celery tasks: start, poll, complete, fail, sweep.

Every transition is a conditional UPDATE whose row count is checked: zero rows means
another worker, a cancel or a sweep got there first, and the caller does nothing. That
makes duplicate deliveries and concurrent workers harmless. Farm calls never run inside
a transaction.
"""
import enum
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from renders.backends import BackendError, FatalBackendError, TransientBackendError, get_backend
from renders.history import render_event_record
from renders.limits import limits_for
from renders.models import BackendSlotLock, Render, RenderEvent

logger = logging.getLogger(__name__)
PROGRESS_MILESTONES = (25, 50, 75)


class Next(enum.Enum):
    """What the calling task should schedule after a lifecycle step."""

    NOTHING = "nothing"
    START_AGAIN = "start_again"  # waiting for a free slot on the backend
    POLL = "poll"


@dataclass(frozen=True)
class Step:
    next: Next
    delay: float = 0.0


def render_start(render_id):
    render = Render.objects.filter(pk=render_id).first()
    if render is None or render.status != Render.Status.PENDING or render.claimed_at is not None:
        return Step(Next.NOTHING)
    backend = get_backend(render.backend)
    interval = limits_for(render.kind).poll_interval_seconds
    claimed_at = timezone.now()
    if not _claim(render, backend, claimed_at):
        if Render.objects.filter(pk=render_id, status=Render.Status.PENDING, claimed_at__isnull=True).exists():
            return Step(Next.START_AGAIN, interval)
        return Step(Next.NOTHING)

    try:
        started = backend.start(render)
    except TransientBackendError as exc:
        # The farm certainly did not start anything: hand the claim back so the retry
        # of this task can take it again.
        Render.objects.filter(pk=render_id, status=Render.Status.PENDING, claimed_at=claimed_at).update(
            claimed_at=None, last_polled_at=timezone.now()
        )
        render_event_record(render_id, RenderEvent.Kind.TRANSIENT_ERROR, f"Start deferred: {exc}")
        raise
    except FatalBackendError as exc:
        render_fail(render_id, exc.code, exc.message)
        return Step(Next.NOTHING)

    now = timezone.now()
    moved = Render.objects.filter(pk=render_id, status=Render.Status.PENDING, claimed_at=claimed_at).update(
        status=Render.Status.RENDERING,
        farm_render_id=started.farm_render_id,
        farm_bucket=started.farm_bucket,
        started_at=now,
        last_polled_at=now,
        deadline_at=now + timedelta(seconds=settings.RENDER_DEADLINE_SECONDS),
    )
    if not moved:
        # Cancelled (or swept) while the farm was starting it: stop the orphaned work.
        render.farm_render_id, render.farm_bucket = started.farm_render_id, started.farm_bucket
        _cancel_quietly(backend, render)
        if not Render.objects.filter(pk=render_id).exists():
            # Deleted meanwhile: its deletion could not know the farm id, so clean up here.
            _delete_output_quietly(backend, render)
        return Step(Next.NOTHING)
    render_event_record(render_id, RenderEvent.Kind.STARTED, f"Started on {backend.name}: {started.farm_render_id}")
    return Step(Next.POLL, interval)


def _claim(render, backend, claimed_at):
    """Take the render for this worker, if the backend has a free slot."""
    with transaction.atomic():
        if backend.max_concurrency is not None:
            BackendSlotLock.objects.get_or_create(backend=backend.name)
            BackendSlotLock.objects.select_for_update().get(backend=backend.name)
            running = Render.objects.filter(
                backend=backend.name, status__in=Render.LIVE_STATUSES, claimed_at__isnull=False
            ).count()
            if running >= backend.max_concurrency:
                _note_waiting(render)
                return False
        return bool(
            Render.objects.filter(pk=render.pk, status=Render.Status.PENDING, claimed_at__isnull=True).update(
                claimed_at=claimed_at, last_polled_at=claimed_at
            )
        )


def _note_waiting(render):
    Render.objects.filter(pk=render.pk, status=Render.Status.PENDING).update(last_polled_at=timezone.now())
    if not render.events.filter(kind=RenderEvent.Kind.WAITING).exists():
        render_event_record(render.pk, RenderEvent.Kind.WAITING, "Waiting for a free render slot.")


def render_poll(render_id):
    render = Render.objects.filter(pk=render_id).first()
    if render is None or render.status != Render.Status.RENDERING:
        return Step(Next.NOTHING)
    backend = get_backend(render.backend)
    now = timezone.now()
    if render.deadline_at and now >= render.deadline_at:
        render_time_out(render, backend)
        return Step(Next.NOTHING)

    Render.objects.filter(pk=render_id).update(poll_count=F("poll_count") + 1, last_polled_at=now)
    try:
        progress = backend.progress(render)
    except TransientBackendError as exc:
        _note_transient(render, exc)
        raise
    except FatalBackendError as exc:
        render_fail(render_id, exc.code, exc.message)
        return Step(Next.NOTHING)

    if progress.fatal_error:
        render_fail(render_id, progress.error_code, progress.fatal_error)
    elif progress.done:
        render_complete(render_id, progress)
    else:
        render_apply_progress(render, progress.fraction)
        return Step(Next.POLL, limits_for(render.kind).poll_interval_seconds)
    return Step(Next.NOTHING)


def _note_transient(render, exc):
    # One history line per run of errors, not one per retry of a long throttling spell.
    last = render.events.order_by("-created_at", "-id").values_list("kind", flat=True).first()
    if last != RenderEvent.Kind.TRANSIENT_ERROR:
        render_event_record(render.pk, RenderEvent.Kind.TRANSIENT_ERROR, f"Polling deferred: {exc}")


def render_apply_progress(render, fraction):
    # 100 is reserved for `complete`, so a render never shows 100% while still running.
    percent = max(0, min(99, int(fraction * 100)))
    updated = Render.objects.filter(pk=render.pk, status=Render.Status.RENDERING, progress__lt=percent).update(
        progress=percent
    )
    if updated:
        for milestone in PROGRESS_MILESTONES:
            if render.progress < milestone <= percent:
                render_event_record(render.pk, RenderEvent.Kind.PROGRESS, f"{milestone}% rendered")


def render_complete(render_id, progress):
    now = timezone.now()
    updated = Render.objects.filter(pk=render_id, status=Render.Status.RENDERING).update(
        status=Render.Status.COMPLETE,
        progress=100,
        completed_at=now,
        last_polled_at=now,
        output_bucket=progress.output_bucket,
        output_key=progress.output_key,
        output_size=progress.output_size,
        estimated_cost=progress.estimated_cost,
        cost_currency=progress.cost_currency,
    )
    if updated:
        render_event_record(render_id, RenderEvent.Kind.COMPLETED, f"Output {progress.output_size} bytes")
    return bool(updated)


def render_fail(render_id, code, message):
    now = timezone.now()
    updated = Render.objects.filter(pk=render_id, status__in=Render.LIVE_STATUSES).update(
        status=Render.Status.FAILED, error_code=code, error_message=message, completed_at=now, last_polled_at=now
    )
    if updated:
        render_event_record(render_id, RenderEvent.Kind.FAILED, f"{code}: {message}")
    return bool(updated)


def render_time_out(render, backend):
    seconds = settings.RENDER_DEADLINE_SECONDS
    if render_fail(render.pk, "timed_out", f"The render did not finish within {seconds} seconds."):
        _cancel_quietly(backend, render)


def _delete_output_quietly(backend, render):
    try:
        backend.delete_output(render)
    except BackendError as exc:
        logger.warning("Could not delete the files of deleted render %s: %s", render.pk, exc)


def _cancel_quietly(backend, render):
    """Stop farm work nobody will collect; the render's outcome is already decided."""
    try:
        backend.cancel(render)
    except BackendError as exc:
        logger.warning("Could not stop farm work of render %s: %s", render.pk, exc)
