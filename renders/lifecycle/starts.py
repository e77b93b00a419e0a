"""Starting a render on its farm, so that no paid farm render is ever lost or doubled.

A start goes: claim the row (one worker only), mark it *sent* with a fresh attempt id
(`start_attempt`, `start_sent_at`), ask the farm, record the farm's render id. Whatever
breaks in between leaves a state the sweep can settle:

- claimed but not sent: the farm was never asked, so the render is simply started again;
- sent, answer lost (worker killed, reply timed out): the farm may be rendering it. Its
  webhook names the render and the attempt (customData) and adopts it; without one, once
  the farm is surely done with it (`start_settle_seconds`), `find_started` looks it up
  by its output's name: found, it is adopted, else the render is started again;
- answered, but the database write failed: the farm id goes to the broker in a
  `record_start_render` task, retried until the database is back.
"""
import logging
import uuid

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from farm import hosts
from farm.backends import BackendError, FatalBackendError, StartUnconfirmed, TransientBackendError, get_backend
from renders.lifecycle.history import render_event_record
from renders.lifecycle.transitions import DATABASE_ERRORS, Next, Step, cancel_quietly, poll_step, render_deadline, render_fail
from renders.limits import limits_for
from renders.models import Render, RenderEvent

logger = logging.getLogger(__name__)


def render_start(render_id):
    render = Render.objects.filter(pk=render_id).first()
    if render is None or render.status != Render.Status.PENDING or render.claimed_at is not None:
        return Step(Next.NOTHING)
    backend = get_backend(render.backend)
    claimed_at = timezone.now()
    if not _claim(render, backend, claimed_at):
        if Render.objects.filter(pk=render_id, status=Render.Status.PENDING, claimed_at__isnull=True).exists():
            return Step(Next.START_AGAIN, limits_for(render.kind).poll_interval_seconds)
        return Step(Next.NOTHING)

    attempt = uuid.uuid4().hex
    sent = Render.objects.filter(pk=render_id, status=Render.Status.PENDING, claimed_at=claimed_at).update(
        start_attempt=attempt,
        start_sent_at=timezone.now(),
        lambda_invocations=F("lambda_invocations") + int(render.backend == Render.Backend.LAMBDA),
    )
    if not sent:
        return Step(Next.NOTHING)  # cancelled in between
    render.start_attempt = attempt
    try:
        started = backend.start(render)
    except TransientBackendError as exc:
        # The farm certainly did not start anything: hand the claim back so the retry
        # of this task can take it again.
        Render.objects.filter(pk=render_id, status=Render.Status.PENDING, start_attempt=attempt).update(
            claimed_at=None, start_attempt="", start_sent_at=None, last_polled_at=timezone.now()
        )
        render_event_record(render_id, RenderEvent.Kind.TRANSIENT_ERROR, f"Start deferred: {exc}")
        raise
    except StartUnconfirmed as exc:
        render_event_record(render_id, RenderEvent.Kind.TRANSIENT_ERROR, f"{exc} Waiting for the farm to tell.")
        return Step(Next.NOTHING)
    except FatalBackendError as exc:
        render_fail(render_id, exc.code, exc.message)
        return Step(Next.NOTHING)
    try:
        return render_record_start(render_id, attempt, started, backend_name=render.backend)
    except DATABASE_ERRORS as exc:
        logger.warning("Render %s started as %s; recording it later: %s", render_id, started.farm_render_id, exc)
        return Step(Next.RECORD_START, 1.0, started=(attempt, started.farm_render_id, started.farm_bucket))


def render_record_start(render_id, attempt, started, *, source="start", backend_name=None):
    """Store the farm's render id for `attempt`; the next step is its first poll.

    Also how a webhook or a lookup adopts a start whose answer was lost. If the render
    was cancelled or failed meanwhile, the farm render is stopped instead.
    """
    now = timezone.now()
    moved = Render.objects.filter(pk=render_id, status=Render.Status.PENDING, start_attempt=attempt).update(
        status=Render.Status.RENDERING,
        farm_render_id=started.farm_render_id,
        farm_bucket=started.farm_bucket,
        started_at=now,
        last_polled_at=now,
        deadline_at=render_deadline(now),
        poll_seq=F("poll_seq") + 1,
    )
    render = Render.objects.filter(pk=render_id).first()
    if not moved:
        if render is None:
            # Deleted meanwhile: its deletion could not know the farm id, so stop the work
            # and delete its files here.
            gone = Render(pk=render_id, farm_render_id=started.farm_render_id, farm_bucket=started.farm_bucket)
            backend = get_backend(backend_name)
            cancel_quietly(gone)
            _delete_output_quietly(backend, gone)
        elif render.farm_render_id != started.farm_render_id:
            # Cancelled (or failed) while the farm was starting it: stop the orphaned work.
            render.farm_render_id, render.farm_bucket = started.farm_render_id, started.farm_bucket
            cancel_quietly(render)
        return Step(Next.NOTHING)
    if source == "start":
        render_event_record(render_id, RenderEvent.Kind.STARTED, f"Started on {render.backend}: {started.farm_render_id}")
    else:
        render_event_record(
            render_id, RenderEvent.Kind.ADOPTED, f"Farm render {started.farm_render_id} adopted (found by {source})"
        )
    return poll_step(render, render.poll_seq)


def render_resolve_start(render_id):
    """Settle a start whose answer was lost, once the farm is surely done with it."""
    render = Render.objects.filter(pk=render_id, status=Render.Status.PENDING).exclude(start_attempt="").first()
    if render is None:
        return Step(Next.NOTHING)
    started = get_backend(render.backend).find_started(render)
    if started is not None:
        return render_record_start(render_id, render.start_attempt, started, source="lookup")
    return render_restart(render, "The farm has no render of the lost start attempt.")


def render_restart(render, reason):
    """Send a render whose start never reached the farm again (same row, same quota charge)."""
    restarted = Render.objects.filter(
        pk=render.pk, status=Render.Status.PENDING, claimed_at=render.claimed_at, start_attempt=render.start_attempt
    ).update(claimed_at=None, start_attempt="", start_sent_at=None, last_polled_at=timezone.now())
    if not restarted:
        return Step(Next.NOTHING)
    render_event_record(render.pk, RenderEvent.Kind.RESTARTED, reason)
    return Step(Next.START_AGAIN, 0.0)


def _delete_output_quietly(backend, render):
    try:
        backend.delete_output(render)
    except BackendError as exc:
        logger.warning("Could not delete the files of deleted render %s: %s", render.pk, exc)


def _claim(render, backend, claimed_at):
    """Take the render for this worker (and its render host, if it has a free slot)."""
    with transaction.atomic():
        host = None
        if backend.runs_on_hosts:
            host = hosts.host_slot_take()
            if host is None:
                _note_waiting(render)
                return False
        return bool(
            Render.objects.filter(pk=render.pk, status=Render.Status.PENDING, claimed_at__isnull=True).update(
                claimed_at=claimed_at, last_polled_at=claimed_at, host=host
            )
        )


def _note_waiting(render):
    Render.objects.filter(pk=render.pk, status=Render.Status.PENDING).update(last_polled_at=timezone.now())
    if not render.events.filter(kind=RenderEvent.Kind.WAITING).exists():
        render_event_record(render.pk, RenderEvent.Kind.WAITING, "Waiting for a free render slot.")
