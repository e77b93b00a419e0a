"""Two render hosts as two real Celery worker processes (own data dir, own host name, one
slot each) sharing PostgreSQL, Redis and a moto bucket; this test process is the web
machine with a third data dir. Real tiny renders (320x180, 10 fps).
"""
import os
import re
import signal
import time
import urllib.request
import uuid
from contextlib import ExitStack
from pathlib import Path

import pytest

from config.celery import app as celery_app
from farm.backends import local_process
from farm.hosts import host_queue
from renders.models import Render, RenderHost
from tests.factories import ClipFactory, RenderFactory
from tests.renders.celery_worker import celery_worker_process

pytestmark = [pytest.mark.render, pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CODE = """import {AbsoluteFill, useCurrentFrame} from 'remotion';
export default () => <AbsoluteFill style={{backgroundColor: `rgb(${useCurrentFrame() * 4}, 64, 128)`}} />;
"""
POLLED = re.compile(r"Polling render (\d+) on render host (\S+)")


@pytest.fixture
def cluster(tmp_path, redis_broker, local_backend, storage_bucket, settings):
    """Starts hosts by name; yields (start_host, names). Host names are unique per run so
    queues left in Redis by an earlier run never reach these workers."""
    run = uuid.uuid4().hex[:6]
    settings.RENDER_HOST_NAME = f"web-{run}"  # the web machine runs no renders
    settings.RENDER_HOST_LOST_AFTER_SECONDS = 3
    settings.MEDIA_ROOT = tmp_path / "web-media"
    with ExitStack() as stack:
        names = []

        def start_host(letter):
            name = f"host-{letter}-{run}"
            names.append(name)
            data_dir = tmp_path / name
            return stack.enter_context(
                celery_worker_process(
                    redis_broker,
                    log_name=name,
                    loglevel="INFO",
                    RENDER_BACKEND="local",
                    RENDER_HOST_NAME=name,
                    LOCAL_RENDER_CONCURRENCY=1,
                    RENDER_HOST_HEARTBEAT_SECONDS=1,
                    RENDER_HOST_LOST_AFTER_SECONDS=3,
                    RENDER_STORAGE_BUCKET=storage_bucket.name,
                    MONTAGE_DATA_DIR=data_dir,
                    MEDIA_ROOT=data_dir / "media",
                    LOCAL_RENDER_BUNDLE_DIR=settings.LOCAL_RENDER_BUNDLE_DIR,
                )
            )

        try:
            yield start_host
        finally:
            stack.close()
            with celery_app.connection_for_write() as conn:
                for name in names:
                    conn.default_channel.queue_delete(host_queue(name))


def request_renders(api, user, count, frames, fps=10):
    ids = []
    for _ in range(count):
        clip = ClipFactory(owner=user, code=CODE, duration_in_frames=frames, fps=fps)
        response = api.post(f"/api/clips/{clip.pk}/render/", {"width": 320, "height": 180}, format="json")
        assert response.status_code == 202, response.json()
        ids.append(response.json()["id"])
    return ids


def wait_for(condition, *, timeout, what, every=0.2, tick=None):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {timeout} s"
        if tick:
            tick()
        time.sleep(every)


def all_final(ids):
    return lambda: not Render.objects.filter(pk__in=ids, status__in=Render.LIVE_STATUSES).exists()


def polls_by_host(*workers):
    seen = {}
    for worker in workers:
        for render_id, host in POLLED.findall(worker.log_path.read_text()):
            seen.setdefault(int(render_id), set()).add(host)
    return seen


def downloaded(api, storage_bucket, render):
    response = api.get(f"/api/renders/{render.pk}/download/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{os.environ['AWS_ENDPOINT_URL_S3']}/{storage_bucket.name}/")
    with urllib.request.urlopen(response["Location"]) as reply:
        return reply.read()


def test_renders_spread_over_two_hosts_are_polled_and_cancelled_on_their_host_and_served_from_the_bucket(
    cluster, api, user, storage_bucket, tmp_path
):
    host_a, host_b = cluster("a"), cluster("b")
    wait_for(lambda: RenderHost.objects.count() == 2, timeout=30, what="both hosts registered")

    ids = request_renders(api, user, 4, frames=12)
    wait_for(all_final(ids), timeout=120, what="four renders finished on two one-slot hosts")

    renders = list(Render.objects.filter(pk__in=ids).select_related("host"))
    assert [(r.status, r.error_message) for r in renders] == [("complete", "")] * 4
    assert {r.host.name for r in renders} == set(RenderHost.objects.values_list("name", flat=True))
    polls = polls_by_host(host_a, host_b)
    assert {r.pk: {r.host.name} for r in renders} == {pk: polls.get(pk) for pk in ids}
    for render in renders:
        assert render.output_bucket == storage_bucket.name
        body = downloaded(api, storage_bucket, render)
        assert len(body) == render.output_size and body[4:8] == b"ftyp"
    # Nothing stays on the machines: every output lives in the bucket only.
    assert not [p for p in tmp_path.glob("*/media/renders/*.mp4")]

    # A cancel from this (web) machine reaches the host that runs the render, well before
    # the render (20 s of video) could end by itself.
    [long_id] = request_renders(api, user, 1, frames=600, fps=30)
    wait_for(lambda: Render.objects.filter(pk=long_id, status="rendering").exists(), timeout=60, what="started")
    assert api.post(f"/api/renders/{long_id}/cancel/").status_code == 200
    host = Render.objects.get(pk=long_id).host.name
    job = tmp_path / host / "local-renders" / str(long_id) / "job.json"
    assert Render.objects.get(pk=long_id).status == "cancelled"
    [runner] = [w for w in (host_a, host_b) if w.log_path.stem == host]
    wait_for(lambda: "Task renders.tasks.stop_farm_work[" in runner.log_path.read_text(), timeout=10, what="stop sent")
    wait_for(lambda: str(job) not in local_process.marked_jobs(), timeout=10, what="its host stopped the render")


def test_a_host_killed_mid_render_hands_its_render_to_the_other_host(cluster, api, user, storage_bucket, settings):
    host_a = cluster("a")
    wait_for(lambda: RenderHost.objects.count() == 1, timeout=30, what="host a registered")
    [render_id] = request_renders(api, user, 1, frames=40)
    wait_for(
        lambda: Render.objects.filter(pk=render_id, status="rendering").exists(), timeout=60, what="render started"
    )

    # The machine dies: its worker and the render's Node process (and browser) with it.
    os.kill(host_a.pid, signal.SIGKILL)
    host_a.wait()
    a_dir = Path(settings.LOCAL_RENDER_DIR).parent / Render.objects.get(pk=render_id).host.name
    for job in local_process.marked_jobs():
        if Path(job).is_relative_to(a_dir):
            local_process.kill_leftovers(Path(job))
    assert Render.objects.get(pk=render_id).status == "rendering"

    # No sweep here: host b's own heartbeat hands the lost host's render back and restarts it.
    cluster("b")
    wait_for(
        lambda: Render.objects.filter(pk=render_id, status="rendering", host__name__startswith="host-b-").exists(),
        timeout=30, what="the render restarted on host b",
    )
    assert api.get(f"/api/renders/{render_id}/").json()["restart_note"].startswith("Attempt 2: restarted on host-b-")
    wait_for(all_final([render_id]), timeout=90, what="the render finished on host b", every=0.5)

    render = Render.objects.select_related("host").get(pk=render_id)
    assert (render.status, render.restart_count) == ("complete", 1)
    assert render.host.name.startswith("host-b-")
    assert render.events.filter(kind="restarted", message__contains="lost").count() == 1
    assert len(downloaded(api, storage_bucket, render)) == render.output_size


def test_a_host_that_comes_back_stops_its_stale_render_process_before_taking_work(redis_broker, tmp_path):
    name = f"host-back-{uuid.uuid4().hex[:6]}"
    data_dir = tmp_path / name
    # Its render was handed to another host and ended there while this machine was away.
    render = RenderFactory(status=Render.Status.COMPLETE)
    job = data_dir / "local-renders" / str(render.pk) / "job.json"
    job.parent.mkdir(parents=True)
    local_process.launch(
        ["/bin/sleep", "120"], job_path=job, log_path=job.parent / "render.log", cwd=job.parent, env={}
    )
    assert str(job) in local_process.marked_jobs()

    # A heartbeat too slow to be the one that stops it.
    try:
        with celery_worker_process(
            redis_broker, log_name=name, RENDER_HOST_NAME=name, MONTAGE_DATA_DIR=data_dir,
            MEDIA_ROOT=data_dir / "media", RENDER_HOST_HEARTBEAT_SECONDS=60, RENDER_HOST_LOST_AFTER_SECONDS=120,
        ):
            wait_for(lambda: str(job) not in local_process.marked_jobs(), timeout=30, what="stale process stopped")
    finally:
        local_process.kill_leftovers(job)
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(host_queue(name))
    assert RenderHost.objects.filter(name=name).exists()
