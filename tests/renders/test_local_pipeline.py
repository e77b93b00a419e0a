"""Real renders through the whole pipeline on the local backend (320x180, 10 fps, < 1 s).

The request goes through the same service as the API; the render is then driven either
by a real Celery worker process (PostgreSQL + Redis, as in CI) or by the lifecycle steps
the tasks take (renders.lifecycle.driver), and the MP4 is probed with PyAV.
"""
import time

import pytest

from clips.code_validation import CodeRejected
from farm.backends import get_backend
from movies.models import Scene
from renders.lifecycle import starts, transitions
from renders.lifecycle.driver import render_drive
from renders.lifecycle.transitions import Next
from renders.models import Render
from renders.requests import services
from renders.requests.quota import quota_status
from tests.factories import ClipFactory, MovieFactory
from tests.local_render import decoded_frames
from tests.renders.celery_worker import celery_worker_process

pytestmark = [pytest.mark.render]
SMALL = (320, 180)
COLOUR_CODE = """import {AbsoluteFill} from 'remotion';
export default () => <AbsoluteFill style={{backgroundColor: 'COLOUR'}} />;
"""


def clip_of(user, frames=9, code=COLOUR_CODE.replace("COLOUR", "#204080")):
    return ClipFactory(owner=user, code=code, duration_in_frames=frames, fps=10)


def output_of(render):
    return get_backend(render.backend).output_location(render).file_path


def no_drive_sleep(seconds):
    time.sleep(min(seconds, 0.2))


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_clip_render_completes_through_a_real_worker(api, user, local_backend, redis_broker, settings):
    clip = clip_of(user)
    with celery_worker_process(
        redis_broker,
        RENDER_BACKEND="local",
        LOCAL_RENDER_BUNDLE_DIR=settings.LOCAL_RENDER_BUNDLE_DIR,
        MONTAGE_DATA_DIR=settings.LOCAL_RENDER_DIR.parent,
    ):
        response = api.post(f"/api/clips/{clip.pk}/render/", {"width": 320, "height": 180}, format="json")
        assert response.status_code == 202
        deadline = time.monotonic() + 90
        while Render.objects.get(pk=response.json()["id"]).status not in Render.FINAL_STATUSES:
            assert time.monotonic() < deadline, "the worker did not finish the render in 90 s"
            time.sleep(0.3)

    render = Render.objects.get(pk=response.json()["id"])
    assert (render.status, render.progress, render.error_message) == ("complete", 100, "")
    frames, width, height, fps = decoded_frames(output_of(render))
    assert (len(frames), width, height, fps) == (9, 320, 180, 10)

    partial = api.get(f"/api/renders/{render.pk}/download/", HTTP_RANGE="bytes=0-99")
    assert partial.status_code == 206
    assert partial["Content-Range"] == f"bytes 0-99/{render.output_size}"
    assert partial["Content-Type"] == "video/mp4"
    assert len(b"".join(partial.streaming_content)) == 100


@pytest.mark.django_db
def test_a_two_scene_movie_with_trims_renders_exactly_its_frames(user, local_backend):
    movie = MovieFactory(owner=user, fps=10)
    for position, (frames, trim_start, trim_end) in enumerate(((8, 2, 1), (6, 0, 3))):
        Scene.objects.create(
            movie=movie, clip=clip_of(user, frames), position=position, trim_start=trim_start, trim_end=trim_end
        )
    render = services.render_request(user=user, kind="movie", target=movie, size=SMALL)

    render = render_drive(render.pk, sleep=no_drive_sleep)

    assert render.status == "complete", render.error_message
    frames, width, height, fps = decoded_frames(output_of(render))
    assert (len(frames), width, height, fps) == (5 + 3, 320, 180, 10)
    assert render.duration_in_frames == 8


@pytest.mark.django_db
def test_code_failing_the_check_is_refused_before_it_reaches_the_renderer(user, local_backend):
    broken = clip_of(user, code="export default () => <div>unclosed;\n")
    with pytest.raises(CodeRejected) as refused:
        services.render_request(user=user, kind="clip", target=broken, size=SMALL)
    assert (refused.value.code, refused.value.problem.line, refused.value.problem.column) == ("code_syntax_error", 1, 22)
    assert not Render.objects.exists()


@pytest.mark.django_db
def test_code_that_throws_while_its_module_is_evaluated_fails_as_code_error_and_is_not_charged(user, local_backend):
    # Passes the check on save (nothing static is wrong), fails in the page before frame 0.
    throws = clip_of(user, code="const config: any = undefined;\nconst size = config.size;\nexport default () => null;\n")
    render = services.render_request(user=user, kind="clip", target=throws, size=SMALL)
    assert quota_status(user).used == 1

    render = render_drive(render.pk, sleep=no_drive_sleep)

    assert (render.status, render.error_code) == ("failed", "code_error")
    assert render.error_message.startswith("Code error: ") and "size" in render.error_message
    assert not output_of(render)
    assert quota_status(user).used == 0
    # Where in the code it threw, for everyone; the renderer's own output, stack included, for staff.
    assert render.error_message.endswith("(line 2, column 21)")
    assert "Render failed: Code error:" in render.renderer_output and "    at " in render.renderer_output


@pytest.mark.django_db
def test_cancel_mid_render_ends_the_process(user, local_backend):
    long_clip = clip_of(user, frames=200)
    render = services.render_request(user=user, kind="clip", target=long_clip, size=SMALL)
    assert starts.render_start(render.pk).next is Next.POLL
    render.refresh_from_db()
    pid = int(render.farm_render_id.rsplit("-", 1)[1])

    services.render_cancel(render=render)

    render.refresh_from_db()
    assert render.status == "cancelled"
    assert not _alive(pid)
    assert transitions.render_poll(render.pk, render.poll_seq).next is Next.NOTHING


@pytest.mark.django_db
def test_with_concurrency_one_the_second_render_waits_then_completes(user, local_backend, settings):
    settings.LOCAL_RENDER_CONCURRENCY = 1
    first = services.render_request(user=user, kind="clip", target=clip_of(user, frames=20), size=SMALL)
    second = services.render_request(user=user, kind="clip", target=clip_of(user), size=SMALL)

    assert starts.render_start(first.pk).next is Next.POLL
    assert starts.render_start(second.pk).next is Next.START_AGAIN
    second.refresh_from_db()
    assert (second.status, second.claimed_at) == ("pending", None)
    assert second.events.filter(kind="waiting").exists()

    assert render_drive(first.pk, sleep=no_drive_sleep).status == "complete"
    assert render_drive(second.pk, sleep=no_drive_sleep).status == "complete"


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False
