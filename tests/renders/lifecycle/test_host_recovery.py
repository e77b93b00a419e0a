"""A lost host's renders go back to pending; a host that comes back stops its stale processes."""
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from farm.backends import local_process
from farm.host_worker import stale_processes_stop
from renders import tasks
from renders.lifecycle.sweep import SweepResult, renders_sweep
from renders.models import Render
from tests.factories import ClipFactory, RenderFactory, RenderHostFactory
from tests.renders.queued_tasks import drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def lost_host(settings):
    settings.RENDER_HOST_LOST_AFTER_SECONDS = 60
    settings.RENDER_MAX_RESTARTS = 2
    return RenderHostFactory(name="gone", last_heartbeat_at=timezone.now() - timedelta(seconds=61))


def on(host, status=Render.Status.RENDERING, **fields):
    now = timezone.now()
    fields.setdefault("progress", 20 if status == Render.Status.RENDERING else 0)
    return RenderFactory(
        host=host, status=status, claimed_at=now, last_polled_at=now, farm_render_id="local-1-999999", **fields
    )


def test_the_renders_of_a_lost_host_go_back_to_pending_once(lost_host):
    rendering, starting = on(lost_host), on(lost_host, status=Render.Status.PENDING)
    done = on(lost_host, status=Render.Status.COMPLETE)
    alive = on(RenderHostFactory())

    assert renders_sweep() == SweepResult(to_start=[rendering.pk, starting.pk])
    assert renders_sweep() == SweepResult(), "a second sweep must not hand them back twice"

    for render in (rendering, starting):
        render.refresh_from_db()
        assert (render.status, render.host, render.claimed_at, render.farm_render_id, render.restart_count) == (
            "pending", None, None, "", 1
        )
        [event] = render.events.filter(kind="restarted")
        assert event.message.startswith("Render host gone lost") and "restart 1 of at most 2" in event.message
        # A new attempt from frame 0, and saying so.
        assert (render.progress, render.attempt, render.lost_host_name) == (0, 2, "gone")
        assert render.restart_note == "Attempt 2: gone was lost; restarting on another render host."
    done.refresh_from_db(), alive.refresh_from_db()
    assert (done.status, done.host, alive.status) == ("complete", lost_host, "rendering")


def test_a_render_that_lost_its_host_too_often_fails_with_a_clear_message(lost_host):
    render = on(lost_host, restart_count=2)

    assert renders_sweep() == SweepResult()

    render.refresh_from_db()
    assert (render.status, render.error_code) == ("failed", "host_lost")
    assert "(gone) stopped responding" in render.error_message
    assert "already been restarted 2 time(s)" in render.error_message


@pytest.fixture
def sleepers(settings):
    """Real processes marked as the render process of LOCAL_RENDER_DIR/<pk>/job.json."""
    started = []

    def launch(render_id, root=None):
        job = Path(root or settings.LOCAL_RENDER_DIR).resolve() / str(render_id) / "job.json"
        job.parent.mkdir(parents=True)
        pid = local_process.launch(
            ["/bin/sleep", "60"], job_path=job, log_path=job.parent / "log", cwd=job.parent, env={}
        )
        started.append((pid, job))
        return pid, job

    yield launch
    for pid, job in started:
        local_process.kill_leftovers(job)


def test_a_host_that_comes_back_stops_the_processes_of_renders_no_longer_its_own(settings, sleepers, tmp_path):
    settings.RENDER_HOST_NAME = "back"
    back = RenderHostFactory(name="back")
    own, handed_back, cancelled = on(back), RenderFactory(), on(back, status=Render.Status.CANCELLED)
    for render in (own, handed_back, cancelled):
        sleepers(render.pk)
    _, other_install_job = sleepers(handed_back.pk, root=tmp_path / "another-data-dir")

    assert stale_processes_stop() == sorted([handed_back.pk, cancelled.pk])

    local_dir = Path(settings.LOCAL_RENDER_DIR).resolve()
    alive = local_process.marked_jobs()
    assert {str(local_dir / str(own.pk) / "job.json"), str(other_install_job)} <= alive
    assert not alive & {str(local_dir / str(r.pk) / "job.json") for r in (handed_back, cancelled)}


def test_another_hosts_heartbeat_hands_a_lost_hosts_render_back_at_once(lost_host, api, user, settings):
    """Not at the next minute's sweep: the next heartbeat of any live host does it."""
    render = on(lost_host, clip=ClipFactory(owner=user))

    tasks.lost_hosts_restart()

    assert drain() == [("renders.tasks.start_render", [render.pk])]
    body = api.get(f"/api/renders/{render.pk}/").json()
    assert (body["status"], body["progress"], body["attempt"]) == ("pending", 0, 2)
    assert body["restart_note"] == "Attempt 2: gone was lost; restarting on another render host."

    survivor = RenderHostFactory(name="host-b")
    Render.objects.filter(pk=render.pk).update(host=survivor, status="rendering", progress=5)
    body = api.get(f"/api/renders/{render.pk}/").json()
    assert body["restart_note"] == "Attempt 2: restarted on host-b after gone was lost."
    assert api.get("/api/renders/?status=rendering").json()["results"][0]["attempt"] == 2
