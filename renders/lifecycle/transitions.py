"""The render state machine shared by polls, webhooks, the sweep and staff: poll, complete,
fail, time out. Starts live in renders/lifecycle/starts.py.

Every transition is a conditional UPDATE whose row count is checked: zero rows means
another worker, a webhook, a cancel or a sweep got there first, and the caller does
nothing. That makes duplicate deliveries and concurrent workers harmless. Farm calls
never run inside a transaction.

Polls form a chain of tasks, each scheduling the next. The chain's turn is `poll_seq`:
a poll runs only if it can move the turn on from the value it carries, so a duplicated
message or a chain the sweep has replaced stops at once instead of doubling the polling.
"""
import enum
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from farm import hosts
from farm.backends import BackendError, FatalBackendError, TransientBackendError, get_backend
from renders.lifecycle import routing
from renders.lifecycle.history import render_event_record
from renders.lifecycle.charges import charge_settle_complete, charge_settle_failed
from renders.models import Render, RenderEvent

logger = logging.getLogger(__name__)
PROGRESS_MILESTONES = (25, 50, 75)
# Database errors are transient too: the database coming back is all a render needs.
DATABASE_ERRORS = (OperationalError, InterfaceError)
MAX_RETRY_DELAY = 30.0


class Next(enum.Enum):
    """What the calling task should schedule after a lifecycle step."""

    NOTHING = "nothing"
    START_AGAIN = "start_again"  # waiting for a free slot on the backend
    POLL = "poll"
    RECORD_START = "record_start"  # the farm started it; the database could not be told yet


@dataclass(frozen=True)
class Step:
    next: Next
    delay: float = 0.0
    seq: int | None = None  # the poll turn the next poll carries
    errors: int = 0  # transient errors in a row, for the backoff
    queue: str | None = None
    started: tuple | None = None  # (attempt, farm render id, bucket) for RECORD_START


def retry_delay(errors):
    return min(MAX_RETRY_DELAY, 2.0 ** errors)


def poll_step(render, seq, *, errors=0, delay=None):
    if delay is None:
        delay = retry_delay(errors) if errors else routing.poll_interval(render)
    return Step(Next.POLL, delay, seq=seq, errors=errors, queue=routing.poll_queue(render))


def render_poll(render_id, seq, errors=0):
    """One link of the poll chain: runs only on its turn, then says when the next one runs.

    Two queries on the common path: the read, and one UPDATE that both takes the turn and
    stores the progress (a duplicate link, or a chain the sweep replaced, loses it there).
    """
    render = Render.objects.defer("input_props").filter(pk=render_id, status=Render.Status.RENDERING, poll_seq=seq)
    render = render.first()
    if render is None or not hosts.render_polled_here(render):
        return Step(Next.NOTHING)
    answer = _ask_farm(render)
    if answer is None:
        return Step(Next.NOTHING)
    turn = Render.objects.filter(pk=render_id, status=Render.Status.RENDERING, poll_seq=seq)
    if not turn.update(poll_seq=seq + 1, **_heartbeat(answer)):
        return Step(Next.NOTHING)
    # From here on the chain is ours: whatever goes wrong, the next link must be scheduled.
    try:
        if isinstance(answer, TransientBackendError):
            render_transient_note(render, answer)
            return poll_step(render, seq + 1, errors=errors + 1)
        if render_progress_apply(render, answer):
            return poll_step(render, seq + 1)
    except DATABASE_ERRORS as exc:
        logger.warning("Database error while polling render %s: %s", render_id, exc)
        return poll_step(render, seq + 1, errors=errors + 1)
    return Step(Next.NOTHING)


def render_refresh(render):
    """Ask the farm once and apply the answer outside any poll chain (staff's "refresh
    progress now", the terminal driver); True while the render is still running."""
    answer = _ask_farm(render)
    if answer is None:
        return False
    Render.objects.filter(pk=render.pk, status=Render.Status.RENDERING).update(**_heartbeat(answer))
    if isinstance(answer, TransientBackendError):
        raise answer
    return render_progress_apply(render, answer)


def _ask_farm(render):
    """The farm's RenderProgress, a TransientBackendError to retry later, or None when the
    render has ended here (past its deadline, or the farm refused for good)."""
    if render_past_deadline(render):
        return None
    answer = farm_progress_read(render)
    if isinstance(answer, FatalBackendError):
        render_fail(render.pk, answer.code, answer.message)
        return None
    return answer


def farm_progress_read(render):
    """The farm's answer about a render, errors included; no database work, so that it
    can run on any thread (renders/lifecycle/batch_polls.py reads many at once)."""
    try:
        return get_backend(render.backend).progress(render)
    except (TransientBackendError, FatalBackendError) as exc:
        return exc


def render_past_deadline(render):
    """Time the render out if our own clock for it ran out; True if it did."""
    if render.deadline_at and timezone.now() >= render.deadline_at:
        render_time_out(render)
        return True
    return False


def _heartbeat(answer):
    """The row's changes for one look at the farm: counters, and a running render's progress."""
    changes = {"poll_count": F("poll_count") + 1, "last_polled_at": timezone.now()}
    if isinstance(answer, TransientBackendError):
        return changes
    if answer.invocations:
        changes["lambda_invocations"] = F("lambda_invocations") + answer.invocations
    if not (answer.done or answer.fatal_error):
        # Never backwards; 100 is reserved for `complete`, so a live render shows at most 99.
        changes["progress"] = Greatest(F("progress"), progress_percent(answer.fraction))
    return changes


def render_progress_apply(render, progress):
    """Act on the farm's answer (its progress already stored); True while still running."""
    if progress.fatal_error:
        output = progress.renderer_output
        render_fail(render.pk, progress.error_code, progress.fatal_error, renderer_output=output)
        return False
    if progress.done:
        render_complete(render.pk, progress)
        return False
    for milestone in PROGRESS_MILESTONES:
        if render.progress < milestone <= progress_percent(progress.fraction):
            render_event_record(render.pk, RenderEvent.Kind.PROGRESS, f"{milestone}% rendered")
    return True


def progress_percent(fraction):
    return max(0, min(99, int(fraction * 100)))


def render_transient_note(render, exc):
    # One history line per run of errors, not one per retry of a long throttling spell.
    last = render.events.order_by("-created_at", "-id").values_list("kind", flat=True).first()
    if last != RenderEvent.Kind.TRANSIENT_ERROR:
        render_event_record(render.pk, RenderEvent.Kind.TRANSIENT_ERROR, f"Polling deferred: {exc}")


def render_complete(render_id, progress):
    """The farm finished it (from a poll or a webhook): store the output and its cost."""
    now = timezone.now()
    with transaction.atomic():
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
            charge_settle_complete(
                render_id, estimated_cost=progress.estimated_cost, cost_currency=progress.cost_currency
            )
    if updated:
        size = "size pending" if progress.output_size is None else f"{progress.output_size} bytes"
        render_event_record(render_id, RenderEvent.Kind.COMPLETED, f"Output {size}")
    return bool(updated)


def render_fill_output_size(render_id):
    """A render completed by a webhook learns its output's size from the farm afterwards."""
    render = Render.objects.filter(pk=render_id, status=Render.Status.COMPLETE, output_size__isnull=True).first()
    if render is None:
        return
    size = get_backend(render.backend).output_size(render)
    Render.objects.filter(pk=render_id, output_size__isnull=True).update(output_size=size)


def render_fail(render_id, code, message, *, renderer_output=""):
    now = timezone.now()
    with transaction.atomic():
        updated = Render.objects.filter(pk=render_id, status__in=Render.LIVE_STATUSES).update(
            status=Render.Status.FAILED,
            error_code=code,
            error_message=message,
            renderer_output=renderer_output,
            completed_at=now,
            last_polled_at=now,
        )
        if updated:
            charge_settle_failed(render_id, code)
    if updated:
        render_event_record(render_id, RenderEvent.Kind.FAILED, f"{code}: {message}")
    return bool(updated)


def render_time_out(render):
    seconds = settings.RENDER_DEADLINE_SECONDS
    if render_fail(render.pk, "timed_out", f"The render did not finish within {seconds} seconds."):
        cancel_quietly(render)


def render_deadline(now):
    return now + timedelta(seconds=settings.RENDER_DEADLINE_SECONDS)


def cancel_quietly(render):
    """Stop farm work nobody will collect; the render's outcome is already decided."""
    try:
        hosts.farm_work_stop(render)
    except BackendError as exc:
        logger.warning(
            "Could not stop farm work of render %s: %s", render.pk, exc, extra={"render_id": render.pk}
        )
