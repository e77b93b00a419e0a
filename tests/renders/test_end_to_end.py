"""The whole pipeline with a real Celery worker process on Redis and PostgreSQL, against the
fake Remotion Lambda: API request -> start task -> poll tasks or webhook -> final state.

Needs DATABASE_URL (PostgreSQL: the worker process must see the test database) and
REDIS_URL, as CI provides.
"""
import time
import urllib.request

import pytest

from movies.models import Scene
from renders.models import Render
from tests.factories import ClipFactory, MovieFactory
from tests.fakes.lambda_fixtures import WEBHOOK_SECRET
from tests.fakes.remotion_farm import Done, Progress
from tests.renders.celery_worker import lambda_worker_process

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WORKER_DEADLINE_SECONDS = 20


@pytest.fixture
def start_worker(redis_broker, fake_lambda):
    """Starts `celery worker` processes configured for the fake farm (plus `env`)."""
    def start(**env):
        return lambda_worker_process(redis_broker, RENDER_DEADLINE_SECONDS=WORKER_DEADLINE_SECONDS, **env)

    return start


@pytest.fixture
def worker(start_worker):
    with start_worker() as process:
        yield process


@pytest.fixture
def live_webhooks(live_server, settings, fake_lambda):
    """Webhooks configured in this process (which serves them: live_server) and for workers."""
    settings.PUBLIC_BASE_URL = live_server.url
    settings.REMOTION_WEBHOOK_SECRET = WEBHOOK_SECRET
    fake_lambda.farm.webhooks.backoff_seconds = (0.2, 0.4)
    return {"PUBLIC_BASE_URL": live_server.url, "REMOTION_WEBHOOK_SECRET": WEBHOOK_SECRET}


def wait_for(render_id, statuses, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        render = Render.objects.get(pk=render_id)
        if render.status in statuses:
            return render
        time.sleep(0.1)
    raise AssertionError(f"render {render_id} still {render.status} after {timeout}s")


def request_clip_render(api, user):
    clip = ClipFactory(owner=user, duration_in_frames=30)
    response = api.post(f"/api/clips/{clip.pk}/render/", {}, format="json")
    assert response.status_code == 202
    return response.json()["id"]


def test_renders_reach_their_end_through_a_real_worker(api, user, fake_lambda, worker):
    movie = MovieFactory(owner=user)
    for position in range(2):
        Scene.objects.create(movie=movie, clip=ClipFactory(owner=user, duration_in_frames=30), position=position)
    fake_lambda.farm.script_next_render(Progress(0.3), Progress(0.6), Progress(0.9), Done())
    stop_clock = fake_lambda.farm.run_clock(0.5)

    response = api.post(f"/api/movies/{movie.pk}/render/", {"width": 640, "height": 360}, format="json")
    assert response.status_code == 202
    movie_render_id = response.json()["id"]

    # A clip the farm never finishes: it must end timed_out on our own clock.
    fake_lambda.farm.script_next_render(Progress(0.1))
    stuck_render_id = request_clip_render(api, user)

    movie_render = wait_for(movie_render_id, Render.FINAL_STATUSES)
    assert (movie_render.status, movie_render.progress) == ("complete", 100)
    assert movie_render.output_size > 0
    download = api.get(f"/api/renders/{movie_render_id}/download/")
    assert download.status_code == 302
    with urllib.request.urlopen(download["Location"]) as mp4:
        assert mp4.read()[4:8] == b"ftyp"

    stuck = wait_for(stuck_render_id, Render.FINAL_STATUSES, timeout=WORKER_DEADLINE_SECONDS + 30)
    assert (stuck.status, stuck.error_code) == ("failed", "timed_out")
    stop_clock()

    finished = fake_lambda.farm.renders[movie_render.farm_render_id].finished_at
    print(
        f"movie render: {movie_render.poll_count} polls, {movie_render.lambda_invocations} Lambda invocations, "
        f"complete {movie_render.completed_at.timestamp() - finished:.3f}s after the farm finished"
    )
    assert movie_render.lambda_invocations == 1 and fake_lambda.invocations_of("status") == []


def test_a_webhook_driven_render_through_a_real_worker_and_web_server(
    api, user, fake_lambda, start_worker, live_webhooks
):
    fake_lambda.farm.script_next_render(Progress(0.5), Done())
    stop_clock = fake_lambda.farm.run_clock(0.5)
    with start_worker(**live_webhooks):  # polls only every 30 s: the webhook must do it
        render_id = request_clip_render(api, user)
        render = wait_for(render_id, Render.FINAL_STATUSES, timeout=30)
    stop_clock()

    assert render.status == "complete" and render.events.filter(kind="webhook").exists()
    (call,) = fake_lambda.farm.webhooks.calls
    assert call.status == 200 and call.url == live_webhooks["PUBLIC_BASE_URL"] + "/api/webhooks/remotion/"
    assert render.lambda_invocations == 1 and fake_lambda.invocations_of("status") == []
    finished = fake_lambda.farm.renders[render.farm_render_id].finished_at
    print(f"webhook render: complete {render.completed_at.timestamp() - finished:.3f}s after the farm finished")


def test_a_worker_killed_while_the_farm_starts_a_render_leaves_no_render_behind(
    api, user, fake_lambda, start_worker, live_webhooks
):
    fake_lambda.farm.script_next_render(Progress(0.5), Done())
    fake_lambda.delay_reply("start", 10)  # the farm starts it; the worker waits for the answer...
    with start_worker(**live_webhooks) as process:
        render_id = request_clip_render(api, user)
        deadline = time.monotonic() + 20
        while not fake_lambda.farm.renders and time.monotonic() < deadline:
            time.sleep(0.05)
        process.kill()  # ...and dies before it hears it
    stop_clock = fake_lambda.farm.run_clock(0.3)

    render = wait_for(render_id, Render.FINAL_STATUSES, timeout=20)
    stop_clock()

    (farm_render_id,) = fake_lambda.farm.renders
    assert (render.status, render.farm_render_id) == ("complete", farm_render_id)
    assert render.events.filter(kind="adopted").exists()
    assert len(fake_lambda.invocations_of("start")) == 1


def test_a_database_outage_during_starts_and_polls_loses_no_render(
    api, user, fake_lambda, worker, database_outage
):
    fake_lambda.farm.script_next_render(Progress(0.2), Progress(0.4), Progress(0.6), Done())
    fake_lambda.farm.script_next_render(Progress(0.5), Done())
    polling = request_clip_render(api, user)
    wait_for(polling, {"rendering"}, timeout=30)

    # The next start reaches the farm, then the database goes away for a few seconds:
    # the start's farm id and the running render's poll chain must both survive it.
    fake_lambda.after_invoke("start", database_outage.begin)
    starting = request_clip_render(api, user)
    deadline = time.monotonic() + 20
    while not database_outage.active and time.monotonic() < deadline:
        time.sleep(0.05)
    assert database_outage.active
    time.sleep(4)
    database_outage.end()
    stop_clock = fake_lambda.farm.run_clock(0.5)

    renders = [wait_for(render_id, Render.FINAL_STATUSES, timeout=60) for render_id in (polling, starting)]
    stop_clock()

    assert [r.status for r in renders] == ["complete", "complete"]
    assert len(fake_lambda.invocations_of("start")) == 2
