"""Lambda renders polled in batches, so that one worker box keeps up with thousands of them.

A chain of one Celery task per poll spends milliseconds of CPU per poll in Celery alone
(publish, deliver, ETA bookkeeping, ack), which caps a 2-core box at a few hundred polls
a second. A render polled in batches keeps its chain on its row instead: `next_poll_at`
is when its next poll is due, `poll_seq` is the chain's turn as for task chains, and
`poll_errors` counts transient errors for the backoff. The polls queue's task, sent by
beat every second, runs `renders_poll_due`: it claims due renders (taking their turn,
and a lease in case it dies), reads their progress on a thread pool, many at once, and
stores the answers with one UPDATE per batch, conditional on each render's turn. A
poller killed mid-batch leaves its renders due again when the lease ends, and a render
the sweep or a webhook moved on meanwhile is not written twice.
"""
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Min
from django.utils import timezone

from config import metrics
from farm.backends import FatalBackendError, TransientBackendError
from renders.lifecycle import routing, transitions
from renders.models import Render

# Longer than a progress read can take (the status invocation's retries included).
CLAIM_LEASE_SECONDS = 60
# How often the poller looks for finished reads and newly due renders while reads run.
TICK_SECONDS = 0.025
# The claim reads only what a poll needs: never the snapshot (input_props).
_CLAIM_FIELDS = (
    "kind", "backend", "status", "progress", "poll_seq", "poll_errors", "next_poll_at", "deadline_at",
    "farm_render_id", "farm_bucket", "host_id",
)
_pool = None
_pool_lock = threading.Lock()


def renders_poll_due(seconds):
    """Poll every batch-polled render that falls due in the next `seconds`, keeping up to
    POLL_CONCURRENT_READS progress reads in flight; returns how many were polled."""
    stop = time.monotonic() + seconds
    reads = {}  # future -> (render, claimed at)
    polled = 0
    while True:
        room = settings.POLL_CONCURRENT_READS - len(reads)
        if room > 0 and time.monotonic() < stop:
            claimed_at = timezone.now()
            for render in _due_claim(claimed_at, room):
                if not transitions.render_past_deadline(render):
                    reads[_read_pool().submit(transitions.farm_progress_read, render)] = (render, claimed_at)
        if not reads:
            pause = _pause_until_due(stop)
            if pause is None:
                return polled
            time.sleep(pause)
            continue
        done, _ = wait(reads, timeout=TICK_SECONDS)
        answers = [(*reads.pop(future), future.result()) for future in done]
        polled += len(answers)
        _answers_store(answers)


def poll_due_set(render_id, step):
    """Schedule a batch-polled render's next poll: the row is where its chain lives."""
    Render.objects.filter(pk=render_id, status=Render.Status.RENDERING, poll_seq=step.seq).update(
        next_poll_at=timezone.now() + timedelta(seconds=step.delay), poll_errors=step.errors
    )


def _due_claim(now, limit):
    """Take the turn of up to `limit` due renders, and a lease on them, for this poller."""
    with transaction.atomic():
        # SKIP LOCKED: pollers running at once share the due renders instead of queueing
        # on each other's rows. (SQLite has no row locks; its transactions take the whole
        # database, which serialises claims just as well.)
        due = Render.objects.select_for_update(skip_locked=True).filter(
            status=Render.Status.RENDERING, next_poll_at__lte=now
        )
        renders = list(due.order_by("next_poll_at").only(*_CLAIM_FIELDS)[:limit])
        if renders:
            Render.objects.filter(pk__in=[render.pk for render in renders]).update(
                poll_seq=F("poll_seq") + 1,
                next_poll_at=now + timedelta(seconds=CLAIM_LEASE_SECONDS),
                last_polled_at=now,
            )
    lag = metrics.poll_lag.labels(queue=routing.POLLS_QUEUE)
    for render in renders:
        lag.observe((now - render.next_poll_at).total_seconds())
        render.poll_seq += 1
    return renders


def _pause_until_due(stop):
    """Seconds to wait for the next due render, or None when none falls due before `stop`."""
    left = stop - time.monotonic()
    if left <= 0:
        return None
    due = Render.objects.filter(status=Render.Status.RENDERING, next_poll_at__isnull=False)
    next_due = due.aggregate(next_due=Min("next_poll_at"))["next_due"]
    if next_due is None:
        return None
    wait_for = (next_due - timezone.now()).total_seconds()
    if wait_for >= left:
        return None
    # At least a tick: a due render another poller holds locked must not make this one spin.
    return max(TICK_SECONDS, wait_for)


def _answers_store(answers):
    """Store a batch of the farm's answers, then act on those whose turn still held."""
    now = timezone.now()
    by_next_due = defaultdict(list)
    for render, claimed_at, answer in answers:
        if isinstance(answer, FatalBackendError):
            transitions.render_fail(render.pk, answer.code, answer.message)
        elif isinstance(answer, TransientBackendError):
            _transient_store(render, answer, now)
        else:
            # Every interval from when the poll began, as a task chain would keep it.
            next_due = max(now, claimed_at + timedelta(seconds=routing.poll_interval(render)))
            by_next_due[next_due].append((render, answer))
    for next_due, group in by_next_due.items():
        stored = _progress_store(group, now, next_due)
        for render, answer in group:
            if render.pk in stored:
                transitions.render_progress_apply(render, answer)


def _transient_store(render, exc, now):
    errors = render.poll_errors + 1
    taken = Render.objects.filter(pk=render.pk, status=Render.Status.RENDERING, poll_seq=render.poll_seq).update(
        poll_count=F("poll_count") + 1,
        last_polled_at=now,
        poll_errors=errors,
        next_poll_at=now + timedelta(seconds=transitions.retry_delay(errors)),
    )
    if taken:
        transitions.render_transient_note(render, exc)


def _progress_store(group, now, next_due):
    """One UPDATE for the whole group, each row on its own turn; the ids it wrote.

    The ORM spells per-row values as CASE WHEN ... and per-row turns as OR-ed conditions,
    which took 0.36 ms of CPU per render to build (a whole poll's budget); this statement
    costs 0.02 ms per render and runs unchanged on PostgreSQL and SQLite.
    """
    table = connection.ops.quote_name(Render._meta.db_table)
    rows = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS BIGINT), CAST(%s AS INTEGER), CAST(%s AS INTEGER))"] * len(group))
    params = []
    for render, answer in group:
        # A finished or failed render's progress is left as it is (`complete` sets 100).
        percent = render.progress if answer.done or answer.fatal_error else transitions.progress_percent(answer.fraction)
        params += [render.pk, render.poll_seq, percent, answer.invocations]
    sql = (
        f"WITH answer (id, seq, progress, invocations) AS (VALUES {rows}) "
        f"UPDATE {table} SET "
        f"progress = CASE WHEN answer.progress > {table}.progress THEN answer.progress ELSE {table}.progress END, "
        f"lambda_invocations = {table}.lambda_invocations + answer.invocations, "
        f"poll_count = {table}.poll_count + 1, poll_errors = 0, last_polled_at = %s, next_poll_at = %s "
        f"FROM answer WHERE {table}.id = answer.id AND {table}.poll_seq = answer.seq AND {table}.status = %s "
        f"RETURNING {table}.id"
    )
    adapt = connection.ops.adapt_datetimefield_value
    params += [adapt(now), adapt(next_due), Render.Status.RENDERING]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def _read_pool():
    """The process's threads for progress reads, shared by every poller it runs."""
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(settings.POLL_CONCURRENT_READS, thread_name_prefix="progress-read")
    return _pool
