"""Lambda renders polled in batches against the fake Remotion Lambda (real boto3 over HTTP,
progress files in a moto bucket): each render's chain lives on its row, and a batch
writes nothing a webhook, the sweep or another poller took over meanwhile."""
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from renders.lifecycle import batch_polls, transitions
from renders.models import Render
from renders.requests import services
from renders.tasks import poll_render, start_render
from tests.concurrency import run_at_once
from tests.factories import ClipFactory
from tests.fakes.remotion_farm import Done, Fatal, Progress
from tests.renders.queued_tasks import drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def clip(user):
    return ClipFactory(owner=user, duration_in_frames=30, fps=30)


def started_renders(user, clip, count=1):
    """Renders requested and started through the start task, as a worker runs it."""
    renders = [
        services.render_request(user=user, kind="clip", target=clip, size=(320, 180), skip_quota=True)
        for _ in range(count)
    ]
    for render in renders:
        start_render.apply(args=[render.pk])
    drain()  # the starts the requests queued: already run above
    return [render.pk for render in renders]


def fall_due(*render_ids):
    """Time passes: the renders' next polls are due now."""
    Render.objects.filter(pk__in=render_ids).update(next_poll_at=timezone.now() - timedelta(milliseconds=10))


def poll_due(fake_lambda, *render_ids):
    fake_lambda.farm.advance()
    fall_due(*render_ids)
    return batch_polls.renders_poll_due(0.05)


def test_a_started_render_is_due_one_interval_later_and_no_poll_task_is_queued(fake_lambda, user, clip):
    before = timezone.now()
    (render_id,) = started_renders(user, clip)
    render = Render.objects.get(pk=render_id)
    assert render.status == "rendering"
    assert before + timedelta(seconds=2) <= render.next_poll_at <= timezone.now() + timedelta(seconds=2)
    assert drain("polls") == []
    assert batch_polls.renders_poll_due(0.05) == 0, "not due yet"
    assert Render.objects.get(pk=render_id).poll_count == 0


def test_due_renders_are_polled_together_until_they_complete(fake_lambda, user, clip):
    fake_lambda.farm.script_next_render(Progress(0.25), Progress(0.8), Done())
    fake_lambda.farm.script_next_render(Progress(0.5), Fatal("Error: the font could not be loaded"))
    fake_lambda.farm.script_next_render(Progress(0.25), Progress(0.8), Done())
    done, failed, third = started_renders(user, clip, count=3)

    claimed_at = timezone.now()
    assert poll_due(fake_lambda, done, failed, third) == 3
    rows = {render.pk: render for render in Render.objects.filter(pk__in=[done, failed, third])}
    assert [rows[pk].progress for pk in (done, failed, third)] == [37, 55, 37]
    for render in rows.values():
        assert render.poll_count == 1 and render.poll_errors == 0
        # The next poll falls due one interval after this one began, as a chain keeps time.
        assert claimed_at + timedelta(seconds=2) <= render.next_poll_at <= timezone.now() + timedelta(seconds=2)

    while poll_due(fake_lambda, done, failed, third):
        pass

    rows = {render.pk: render for render in Render.objects.filter(pk__in=[done, failed, third])}
    assert [rows[pk].status for pk in (done, failed, third)] == ["complete", "failed", "complete"]
    assert rows[done].progress == 100 and rows[done].output_size > 0 and rows[done].estimated_cost is not None
    assert "the font could not be loaded" in rows[failed].error_message
    assert [rows[pk].poll_count for pk in (done, failed, third)] == [3, 2, 3]
    # Progress came from the bucket: the only invocations were the starts.
    assert [rows[pk].lambda_invocations for pk in (done, failed, third)] == [1, 1, 1]
    assert fake_lambda.invocations_of("status") == []
    assert list(rows[done].events.values_list("kind", flat=True)) == [
        "requested", "started", "progress", "progress", "progress", "completed",
    ]


def test_progress_never_goes_backwards_in_a_batch(fake_lambda, user, clip):
    fake_lambda.farm.script_next_render(Progress(0.6), Progress(0.3), Progress(0.7))
    (render_id,) = started_renders(user, clip)
    seen = []
    for _ in range(3):
        poll_due(fake_lambda, render_id)
        seen.append(Render.objects.get(pk=render_id).progress)
    assert seen == [62, 62, 68]


def test_a_render_whose_turn_was_taken_while_its_progress_was_read_is_not_written(fake_lambda, user, clip):
    fake_lambda.farm.script_next_render(Progress(0.5), Progress(0.8))
    fake_lambda.farm.script_next_render(Progress(0.5), Progress(0.8))
    swept, completed = started_renders(user, clip, count=2)
    fake_lambda.farm.advance()
    fall_due(swept, completed)

    now = timezone.now()
    claimed = {render.pk: render for render in batch_polls._due_claim(now, 10)}
    answers = [(render, now, transitions.farm_progress_read(render)) for render in claimed.values()]
    # Meanwhile the sweep takes one render's chain over, and a webhook completes the other.
    Render.objects.filter(pk=swept).update(poll_seq=claimed[swept].poll_seq + 1)
    transitions.render_complete(completed, fake_lambda_done(claimed[completed]))
    batch_polls._answers_store(answers)

    swept_row, completed_row = Render.objects.get(pk=swept), Render.objects.get(pk=completed)
    assert (swept_row.status, swept_row.progress, swept_row.poll_count) == ("rendering", 0, 0)
    assert (completed_row.status, completed_row.progress, completed_row.poll_count) == ("complete", 100, 0)
    assert not swept_row.events.filter(kind="progress").exists()


def fake_lambda_done(render):
    from farm.backends import RenderProgress

    return RenderProgress(fraction=1.0, done=True, output_bucket=render.farm_bucket, output_key="out.mp4")


def test_a_poller_that_dies_after_claiming_leaves_its_renders_due_when_the_lease_ends(fake_lambda, user, clip):
    (render_id,) = started_renders(user, clip)
    fall_due(render_id)
    now = timezone.now()
    (claimed,) = batch_polls._due_claim(now, 10)  # ...and the worker is killed here
    render = Render.objects.get(pk=render_id)
    assert render.next_poll_at == now + timedelta(seconds=batch_polls.CLAIM_LEASE_SECONDS)
    assert render.poll_seq == claimed.poll_seq and render.last_polled_at == now
    assert batch_polls.renders_poll_due(0.05) == 0, "leased: no other poller takes it"

    Render.objects.filter(pk=render_id).update(next_poll_at=now - timedelta(seconds=1))  # the lease ran out
    assert batch_polls.renders_poll_due(0.05) == 1
    assert Render.objects.get(pk=render_id).poll_count == 1


def test_transient_errors_back_off_on_the_row_and_are_noted_once(fake_lambda, user, clip):
    fake_lambda.farm.script_next_render(Progress(0.5), Done())
    (render_id,) = started_renders(user, clip)
    farm_render_id = Render.objects.get(pk=render_id).farm_render_id
    # No progress file to read: the status routine is asked, and it is throttled.
    fake_lambda.farm.s3.delete_object(Bucket=fake_lambda.farm.bucket, Key=f"renders/{farm_render_id}/progress.json")
    fake_lambda.throttle("status", 6)  # boto tries 3 times per poll: two polls in a row fail

    delays = []
    for _ in range(2):
        fall_due(render_id)
        assert batch_polls.renders_poll_due(0.05) == 1
        render = Render.objects.get(pk=render_id)
        delays.append((render.next_poll_at - render.last_polled_at).total_seconds())
    assert delays == [2.0, 4.0] and render.poll_errors == 2 and render.status == "rendering"

    while poll_due(fake_lambda, render_id):
        pass
    render = Render.objects.get(pk=render_id)
    assert render.status == "complete" and render.poll_errors == 0
    assert list(render.events.values_list("kind", flat=True)).count("transient_error") == 1


def test_a_render_past_its_deadline_times_out_when_it_falls_due(fake_lambda, user, clip):
    fake_lambda.farm.script_next_render(Progress(0.1))
    (render_id,) = started_renders(user, clip)
    Render.objects.filter(pk=render_id).update(deadline_at=timezone.now() - timedelta(seconds=1))
    fall_due(render_id)
    batch_polls.renders_poll_due(0.05)
    render = Render.objects.get(pk=render_id)
    assert (render.status, render.error_code) == ("failed", "timed_out")
    cancel = fake_lambda.farm.s3.get_object(Bucket=render.farm_bucket, Key=f"renders/{render.farm_render_id}/cancel.json")
    assert b"cancelledAt" in cancel["Body"].read()


def test_a_poll_task_left_in_the_queue_hands_its_render_to_the_batch_poller(fake_lambda, user, clip):
    (render_id,) = started_renders(user, clip)
    render = Render.objects.get(pk=render_id)
    Render.objects.filter(pk=render_id).update(next_poll_at=None)  # e.g. sent before an upgrade
    poll_render.apply(args=[render_id, render.poll_seq])
    render = Render.objects.get(pk=render_id)
    assert render.poll_count == 1 and render.next_poll_at is not None
    assert drain("polls") == []


def test_the_sweep_resumes_a_lambda_render_by_making_it_due(fake_lambda, user, clip):
    from renders.tasks import sweep_renders

    (render_id,) = started_renders(user, clip)
    stale = timezone.now() - timedelta(minutes=10)
    Render.objects.filter(pk=render_id).update(next_poll_at=None, last_polled_at=stale)
    sweep_renders.apply()
    render = Render.objects.get(pk=render_id)
    assert render.next_poll_at <= timezone.now() and drain("polls") == []
    assert batch_polls.renders_poll_due(0.05) == 1


@pytest.mark.django_db(transaction=True)
def test_pollers_running_at_once_poll_each_render_once(fake_lambda, user, clip):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL) for row locks shared by concurrent pollers")
    for _ in range(12):
        fake_lambda.farm.script_next_render(Progress(0.5))
    render_ids = started_renders(user, clip, count=12)
    fake_lambda.farm.advance()
    fall_due(*render_ids)

    polled = []

    def poller():
        try:
            polled.append(batch_polls.renders_poll_due(0.3))
        finally:
            connection.close()

    run_at_once(poller, poller, poller)
    assert sum(polled) == 12
    assert set(Render.objects.filter(pk__in=render_ids).values_list("poll_count", flat=True)) == {1}
