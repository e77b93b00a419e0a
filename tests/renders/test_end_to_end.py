"""The whole pipeline with a real Celery worker process on Redis and PostgreSQL, against the
fake Remotion Lambda: API request -> start task -> poll tasks -> complete / timed_out.

Needs DATABASE_URL (PostgreSQL: the worker process must see the test database) and
REDIS_URL, as CI provides.
"""
import time
import urllib.request

import pytest
from django.conf import settings

from movies.models import Scene
from renders.models import Render
from tests.factories import ClipFactory, MovieFactory
from tests.fakes.remotion_farm import Done, Progress
from tests.renders.celery_worker import celery_worker_process

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WORKER_DEADLINE_SECONDS = 20


@pytest.fixture
def worker(redis_broker, fake_lambda):
    with celery_worker_process(
        redis_broker,
        RENDER_BACKEND="lambda",
        REMOTION_AWS_REGION=settings.REMOTION_AWS_REGION,
        REMOTION_LAMBDA_FUNCTION_NAME=settings.REMOTION_LAMBDA_FUNCTION_NAME,
        REMOTION_SERVE_URL=settings.REMOTION_SERVE_URL,
        RENDER_DEADLINE_SECONDS=WORKER_DEADLINE_SECONDS,
    ) as process:
        yield process


def wait_for(render_id, statuses, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        render = Render.objects.get(pk=render_id)
        if render.status in statuses:
            return render
        time.sleep(0.2)
    raise AssertionError(f"render {render_id} still {render.status} after {timeout}s")


def test_renders_reach_their_end_through_a_real_worker(api, user, fake_lambda, worker):
    movie = MovieFactory(owner=user)
    for position in range(2):
        Scene.objects.create(movie=movie, clip=ClipFactory(owner=user, duration_in_frames=30), position=position)
    fake_lambda.farm.script_next_render(Progress(0.3), Progress(0.6), Progress(0.9), Done())

    response = api.post(f"/api/movies/{movie.pk}/render/", {"width": 640, "height": 360}, format="json")
    assert response.status_code == 202
    movie_render_id = response.json()["id"]
    wait_for(movie_render_id, {"rendering"})
    # Long throttling while polling: three polls in a row refused (boto tries 3 times each).
    fake_lambda.throttle("status", 9)

    # A clip the farm never finishes: it must end timed_out on our own clock.
    fake_lambda.farm.script_next_render(Progress(0.1))
    clip = ClipFactory(owner=user, duration_in_frames=30)
    stuck_render_id = api.post(f"/api/clips/{clip.pk}/render/", {}, format="json").json()["id"]

    movie_render = wait_for(movie_render_id, Render.FINAL_STATUSES)
    assert (movie_render.status, movie_render.progress) == ("complete", 100)
    assert movie_render.output_size > 0
    download = api.get(f"/api/renders/{movie_render_id}/download/")
    assert download.status_code == 302
    with urllib.request.urlopen(download["Location"]) as mp4:
        assert mp4.read()[4:8] == b"ftyp"

    stuck = wait_for(stuck_render_id, Render.FINAL_STATUSES, timeout=WORKER_DEADLINE_SECONDS + 30)
    assert (stuck.status, stuck.error_code) == ("failed", "timed_out")

    # The last status call of the movie render is the one that reported done.
    done_reported = max(
        call.received_at
        for call in fake_lambda.invocations_of("status")
        if call.payload["renderId"] == movie_render.farm_render_id
    )
    print(
        f"movie render: {movie_render.poll_count} status invocations, "
        f"complete {movie_render.completed_at.timestamp() - done_reported:.3f}s after the farm said done"
    )
