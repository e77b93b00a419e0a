"""The render state machine against the fake Remotion Lambda, through real boto3 over HTTP.

The farm's renders move on when the test says so (`farm.advance()`), and every poll reads
the render's progress file, as the poll chain does between its links."""
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from clips.models import Clip
from farm.backends import TransientBackendError
from movies.models import Scene
from renders.lifecycle import starts, transitions
from renders.lifecycle.transitions import Next
from renders.models import Render, RenderEvent
from renders.requests import services
from renders.tasks import start_render
from tests.factories import ClipFactory, MovieFactory
from tests.fakes.remotion_farm import Done, Fatal, Progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def clip(user):
    return ClipFactory(owner=user, duration_in_frames=30, fps=30)


def request_clip_render(user, clip):
    return services.render_request(user=user, kind="clip", target=clip, size=(320, 180))


def poll(render_id, fake_lambda=None):
    """The next link of the render's chain, after the farm moved on (when given)."""
    if fake_lambda is not None:
        fake_lambda.farm.advance()
    render = Render.objects.get(pk=render_id)
    return transitions.render_poll(render_id, render.poll_seq)


def poll_until_final(render_id, fake_lambda, limit=20):
    for _ in range(limit):
        if poll(render_id, fake_lambda).next is Next.NOTHING:
            break
    return Render.objects.get(pk=render_id)


def events_of(render):
    return list(render.events.values_list("kind", flat=True))


def test_clip_render_runs_to_complete_with_output_and_cost(fake_lambda, user, clip):
    fake_lambda.farm.script_next_render(Progress(0.25), Progress(0.8), Done())
    render = request_clip_render(user, clip)

    step = starts.render_start(render.pk)
    assert (step.next, step.delay, step.queue) == (Next.POLL, 2, "polls")
    render.refresh_from_db()
    assert render.status == "rendering" and render.farm_render_id and render.farm_bucket
    assert render.deadline_at == render.started_at + timedelta(seconds=900)
    assert step.seq == render.poll_seq

    assert poll(render.pk, fake_lambda).next is Next.POLL
    assert Render.objects.get(pk=render.pk).progress == 37  # Remotion's weighting of 22 of 90 frames
    render = poll_until_final(render.pk, fake_lambda)

    assert render.status == "complete" and render.progress == 100
    assert render.output_key.endswith(".mp4") and render.output_size > 0
    assert render.estimated_cost is not None and render.cost_currency
    assert render.poll_count == 3
    # One invocation to start it, none to follow it: progress comes from the bucket.
    assert render.lambda_invocations == 1 and fake_lambda.invocations_of("status") == []
    assert events_of(render) == ["requested", "started", "progress", "progress", "progress", "completed"]


def test_movie_render_sends_the_scenes_and_completes(fake_lambda, user):
    movie = MovieFactory(owner=user)
    for position, frames in enumerate((30, 20)):
        Scene.objects.create(movie=movie, clip=ClipFactory(owner=user, duration_in_frames=frames), position=position)
    render = services.render_request(user=user, kind="movie", target=movie, size=(320, 180))

    step = starts.render_start(render.pk)
    assert (step.next, step.delay) == (Next.POLL, 3)
    render = poll_until_final(render.pk, fake_lambda)

    assert render.status == "complete"
    (start,) = fake_lambda.invocations_of("start")
    assert start.payload["composition"] == "MovieComposition"
    assert start.payload["timeoutInMilliseconds"] == 240_000


def test_progress_never_goes_backwards(fake_lambda, user, clip):
    fake_lambda.farm.script_next_render(Progress(0.6), Progress(0.3), Progress(0.7))
    render = request_clip_render(user, clip)
    starts.render_start(render.pk)
    seen = []
    for _ in range(3):
        poll(render.pk, fake_lambda)
        seen.append(Render.objects.get(pk=render.pk).progress)
    assert seen == [62, 62, 68]


def test_a_redelivered_start_does_not_start_the_render_twice(fake_lambda, user, clip):
    render = request_clip_render(user, clip)
    assert starts.render_start(render.pk).next is Next.POLL
    assert starts.render_start(render.pk).next is Next.NOTHING
    assert len(fake_lambda.invocations_of("start")) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_starting_the_same_render_at_once_start_it_once(fake_lambda, user, clip):
    if connection.vendor != "postgresql":
        # The in-memory SQLite test database shares one cache between connections: a second
        # writer gets "database table is locked" at once instead of waiting for the first.
        pytest.skip("needs PostgreSQL (DATABASE_URL) for two workers writing at once")
    render = request_clip_render(user, clip)
    fake_lambda.delay_reply("start", 0.5)
    outcomes = []

    def worker():
        try:
            outcomes.append(starts.render_start(render.pk).next)
        finally:
            connection.close()  # this thread's own

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o.value for o in outcomes) == ["nothing", "poll"]
    assert len(fake_lambda.invocations_of("start")) == 1


def test_throttled_start_hands_the_claim_back_and_a_retry_starts_it(fake_lambda, user, clip):
    render = request_clip_render(user, clip)
    fake_lambda.throttle("start", 1)
    with pytest.raises(TransientBackendError):
        starts.render_start(render.pk)
    render.refresh_from_db()
    assert (render.status, render.claimed_at) == ("pending", None)

    assert starts.render_start(render.pk).next is Next.POLL
    assert len(fake_lambda.invocations_of("start")) == 2


def test_the_start_task_retries_throttling_by_itself(fake_lambda, user, clip):
    render = request_clip_render(user, clip)
    fake_lambda.throttle("start", 2)
    start_render.apply(args=[render.pk])  # eager: retries run inline
    assert Render.objects.get(pk=render.pk).status == "rendering"
    assert len(fake_lambda.invocations_of("start")) == 3


def test_long_throttling_while_polling_does_not_fail_the_render_nor_end_its_chain(fake_lambda, user, clip):
    fake_lambda.farm.script_next_render(Progress(0.5), Done())
    render = request_clip_render(user, clip)
    step = starts.render_start(render.pk)
    # No progress file to read: the status routine is asked, and it is throttled.
    key = f"renders/{Render.objects.get(pk=render.pk).farm_render_id}/progress.json"
    fake_lambda.farm.s3.delete_object(Bucket=fake_lambda.farm.bucket, Key=key)
    fake_lambda.throttle("status", 9)  # boto tries 3 times per poll: three polls in a row fail
    delays = []
    for _ in range(3):
        step = transitions.render_poll(render.pk, step.seq, step.errors)
        assert step.next is Next.POLL, "a transient error schedules the next link itself"
        delays.append(step.delay)
    assert delays == [2.0, 4.0, 8.0] and step.errors == 3
    assert Render.objects.get(pk=render.pk).status == "rendering"

    render = poll_until_final(render.pk, fake_lambda)
    assert render.status == "complete"
    assert events_of(render).count("transient_error") == 1  # one line per spell, not per retry


def test_fatal_farm_error_fails_the_render_with_the_farms_message(fake_lambda, user, clip):
    fake_lambda.farm.script_next_render(Progress(0.2), Fatal("Error: delayRender() timed out in chunk 3"))
    render = request_clip_render(user, clip)
    starts.render_start(render.pk)
    render = poll_until_final(render.pk, fake_lambda)
    assert (render.status, render.error_code) == ("failed", "render_failed")
    assert "delayRender() timed out in chunk 3" in render.error_message
    # Staff also get what Remotion reported with its stack.
    assert "Error: delayRender() timed out in chunk 3\n    at renderer" in render.renderer_output


def test_version_mismatch_at_start_fails_the_render(fake_lambda, user, clip):
    fake_lambda.farm.version = "4.0.500"
    render = request_clip_render(user, clip)
    assert starts.render_start(render.pk).next is Next.NOTHING
    render.refresh_from_db()
    assert render.status == "failed" and "Version mismatch" in render.error_message


def test_a_render_past_its_deadline_times_out_and_the_farm_is_told_to_stop(fake_lambda, user, clip):
    fake_lambda.farm.script_next_render(Progress(0.1))  # never finishes
    render = request_clip_render(user, clip)
    starts.render_start(render.pk)
    poll(render.pk, fake_lambda)
    Render.objects.filter(pk=render.pk).update(deadline_at=timezone.now() - timedelta(seconds=1))

    assert poll(render.pk).next is Next.NOTHING
    render.refresh_from_db()
    assert (render.status, render.error_code) == ("failed", "timed_out")
    assert "did not finish within 900 seconds" in render.error_message
    cancel = fake_lambda.farm.s3.get_object(Bucket=render.farm_bucket, Key=f"renders/{render.farm_render_id}/cancel.json")
    assert b"cancelledAt" in cancel["Body"].read()


def test_a_clip_deleted_between_request_and_start_still_renders_from_the_snapshot(fake_lambda, user, clip):
    render = request_clip_render(user, clip)
    Clip.objects.filter(pk=clip.pk).delete()
    assert starts.render_start(render.pk).next is Next.POLL
    render.refresh_from_db()
    assert (render.status, render.clip_id, render.kind) == ("rendering", None, "clip")
    (start,) = fake_lambda.invocations_of("start")
    assert start.payload["composition"] == "DynamicCode"


def test_a_scene_clip_deleted_after_the_request_still_renders_from_the_snapshot(fake_lambda, user):
    movie = MovieFactory(owner=user)
    kept, deleted = ClipFactory(owner=user), ClipFactory(owner=user)
    Scene.objects.create(movie=movie, clip=kept, position=0)
    Scene.objects.create(movie=movie, clip=deleted, position=1)
    render = services.render_request(user=user, kind="movie", target=movie, size=(320, 180))
    deleted.delete()
    starts.render_start(render.pk)
    (start,) = fake_lambda.invocations_of("start")
    assert len(start.payload["inputProps"]["payload"]) > 0
    assert poll_until_final(render.pk, fake_lambda).status == "complete"


@pytest.mark.django_db(transaction=True)
def test_cancel_while_the_farm_is_starting_stops_the_farm_render(fake_lambda, user, clip):
    render = request_clip_render(user, clip)
    fake_lambda.delay_reply("start", 1.0)
    starter = threading.Thread(target=starts.render_start, args=(render.pk,))
    starter.start()
    time.sleep(0.3)
    services.render_cancel(render=Render.objects.get(pk=render.pk))
    starter.join()

    render.refresh_from_db()
    assert render.status == "cancelled" and render.farm_render_id == ""
    (farm_render_id,) = fake_lambda.farm.renders
    cancel = fake_lambda.farm.s3.get_object(Bucket=fake_lambda.farm.bucket, Key=f"renders/{farm_render_id}/cancel.json")
    assert b"cancelledAt" in cancel["Body"].read()


def test_cancelling_a_rendering_render_stops_the_farm_and_polling(fake_lambda, user, clip):
    fake_lambda.farm.script_next_render(Progress(0.3))
    render = request_clip_render(user, clip)
    starts.render_start(render.pk)
    services.render_cancel(render=Render.objects.get(pk=render.pk))

    assert poll(render.pk).next is Next.NOTHING
    render.refresh_from_db()
    assert render.status == "cancelled"
    assert fake_lambda.invocations_of("status") == []
    assert fake_lambda.farm.s3.get_object(Bucket=render.farm_bucket, Key=f"renders/{render.farm_render_id}/cancel.json")
    assert events_of(render)[-1] == RenderEvent.Kind.CANCELLED
