"""Renders through a warm service (one browser kept open, jobs over a Unix socket): a job
that crashes its page, stalls, hits the memory cap or is cancelled ends alone, and the
next job on the same service renders; what one job's page stores is gone for the next;
with no idle service a render runs as a process of its own; the supervisor restarts a
service that died; broken code fails as in a process; the hostile table reaches nothing
through it. All renders 320x180, a few frames, on one shared service.
"""
import os
import signal
import time
from pathlib import Path

import pytest

from farm import warm_supervisor
from farm.host_worker import stale_processes_stop
from farm.backends import warm_service
from tests.local_render import BROKEN, centre_rgb, clip_render, decoded_frames, output_path, start, wait_final, wait_until
from tests.farm.backends.hostile import Listener
from tests.farm.backends.test_sandbox_network import run_probe_table
from tests.warm_render import wait_ready

pytestmark = [pytest.mark.django_db, pytest.mark.render]

STALL_SECONDS = 5
BLUE = "import {AbsoluteFill} from 'remotion';\nexport default () => <AbsoluteFill style={{backgroundColor: '#0000ff'}} />;\n"
LONG = "export default () => null;\n"


def assert_next_job_renders(backend, settings, service_pid):
    """The service that ended the last job is the one that renders this one, correctly,
    once it has its fresh browser (meanwhile a render would run as a process of its own)."""
    assert wait_ready(0)["pid"] == service_pid
    render = start(backend, clip_render(BLUE, frames=2))
    assert warm_service.slot_of(render.farm_render_id) == 0

    progress = wait_final(backend, render)

    assert progress.done, progress
    red, green, blue = centre_rgb(decoded_frames(output_path(settings, render))[0][0])
    assert blue > 200 and red < 60 and green < 60
    assert wait_ready(0)["pid"] == service_pid


def renderer_pids(slot):
    """The service's Chromium page processes (renderers): descendants of the service whose
    environment Chromium's sandbox hides, so found by their parents."""
    parents, renderers = {}, []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            if b"--type=renderer" in Path(f"/proc/{entry}/cmdline").read_bytes():
                renderers.append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    service = set(warm_service.service_pids(slot))

    def descends(pid):
        while pid > 1:
            if pid in service:
                return True
            pid = parents.get(pid, 0)
        return False

    return [pid for pid in renderers if descends(pid)]


def test_a_render_runs_in_the_warm_service_and_counts_as_its_job(warm_backend, settings):
    before = wait_ready(0)

    assert_next_job_renders(warm_backend, settings, before["pid"])

    assert warm_service.status(0)["jobs"] == before["jobs"] + 1


@pytest.mark.parametrize("case", BROKEN)
def test_broken_code_fails_with_its_own_message_and_the_next_job_renders(warm_backend, settings, case):
    # A warm page is served its bundle from cache and never asked for its composition
    # first: a clip's code still fails on its first frame, as in a process of its own.
    service_pid = wait_ready(0)["pid"]
    code, message, error_code = BROKEN[case]
    render = start(warm_backend, clip_render(code, frames=5))
    assert warm_service.slot_of(render.farm_render_id) == 0

    progress = wait_final(warm_backend, render)

    assert not progress.done
    assert message in progress.fatal_error
    assert progress.error_code == error_code
    assert not output_path(settings, render).exists()
    assert_next_job_renders(warm_backend, settings, service_pid)


def test_a_job_whose_page_crashes_ends_alone(warm_backend, settings):
    service_pid = wait_ready(0)["pid"]
    render = start(warm_backend, clip_render(LONG, frames=300))
    wait_until(warm_backend, render, lambda progress: progress.fraction > 0)
    renderers = renderer_pids(0)
    assert renderers
    for pid in renderers:
        os.kill(pid, signal.SIGKILL)

    progress = wait_final(warm_backend, render)

    assert progress.fatal_error and not progress.done
    assert not output_path(settings, render).exists()
    assert_next_job_renders(warm_backend, settings, service_pid)


def test_a_job_that_stops_responding_ends_alone_within_the_stall_timeout(warm_backend, settings):
    settings.RENDER_STALL_TIMEOUT_SECONDS = STALL_SECONDS
    service_pid = wait_ready(0)["pid"]
    code = "import {AbsoluteFill} from 'remotion';\nwhile (true) {}\nexport default () => <AbsoluteFill />;\n"
    render = start(warm_backend, clip_render(code, frames=3))
    started = time.monotonic()

    progress = wait_final(warm_backend, render, timeout=STALL_SECONDS + 30)

    assert "stopped responding" in progress.fatal_error
    assert time.monotonic() - started < STALL_SECONDS + 20
    assert_next_job_renders(warm_backend, settings, service_pid)


def test_a_job_over_the_memory_cap_ends_alone(warm_backend, settings):
    settings.RENDER_STALL_TIMEOUT_SECONDS = 30
    service_pid = wait_ready(0)["pid"]
    code = """import {AbsoluteFill} from 'remotion';
const hoard = [];
export default () => { for (;;) { hoard.push(new Uint8Array(5e7).fill(1)); } };
"""
    render = start(warm_backend, clip_render(code, frames=2))

    progress = wait_final(warm_backend, render, timeout=60)

    messages = ("Array buffer allocation failed", f"went over its memory limit of {settings.RENDER_BROWSER_MEMORY_MB} MB")
    assert any(message in progress.fatal_error for message in messages), progress.fatal_error
    assert_next_job_renders(warm_backend, settings, service_pid)


def test_a_cancelled_job_ends_alone(warm_backend, settings):
    service_pid = wait_ready(0)["pid"]
    render = start(warm_backend, clip_render(LONG, frames=300))
    wait_until(warm_backend, render, lambda progress: progress.fraction > 0)

    outcome = warm_backend.cancel(render)

    assert outcome.stopped
    assert "cancelled" in warm_backend.progress(render).fatal_error
    assert not output_path(settings, render).exists()
    assert_next_job_renders(warm_backend, settings, service_pid)


def test_what_a_page_stores_is_gone_for_the_next_job(warm_backend, settings):
    writer = """import {AbsoluteFill} from 'remotion';
window.localStorage.setItem('left-behind', 'by an earlier job');
export default () => <AbsoluteFill style={{backgroundColor: '#00ff00'}} />;
"""
    # Red when an earlier job's storage is still there, green when it is not.
    reader = """import {AbsoluteFill} from 'remotion';
const seen = window.localStorage.getItem('left-behind');
export default () => <AbsoluteFill style={{backgroundColor: seen ? '#ff0000' : '#00ff00'}} />;
"""
    colours = []
    for code in (writer, reader):
        wait_ready(0)
        render = start(warm_backend, clip_render(code, frames=1))
        assert wait_final(warm_backend, render).done
        assert warm_service.slot_of(render.farm_render_id) == 0
        colours.append(centre_rgb(decoded_frames(output_path(settings, render))[0][0]))

    assert all(green > 200 and red < 60 for red, green, _ in colours), colours


def test_a_busy_service_sends_the_render_to_a_process_of_its_own(warm_backend, settings):
    busy = start(warm_backend, clip_render(LONG, frames=300))
    assert warm_service.slot_of(busy.farm_render_id) == 0

    render = start(warm_backend, clip_render(BLUE, frames=2))

    assert warm_service.slot_of(render.farm_render_id) is None
    assert wait_final(warm_backend, render).done
    warm_backend.cancel(busy)


def test_the_supervisor_starts_a_service_and_replaces_one_that_died(local_backend, settings, tmp_path_factory):
    settings.LOCAL_RENDER_WARM_DIR = tmp_path_factory.mktemp("sup")
    supervisor = warm_supervisor.Supervisor()
    try:
        supervisor.tick()
        first = wait_ready(0)
        os.kill(first["pid"], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while (warm_service.status(0) or {}).get("pid") in (None, first["pid"]) and time.monotonic() < deadline:
            supervisor.tick()
            time.sleep(0.2)

        second = wait_ready(0)
        assert second["pid"] != first["pid"]
        assert warm_supervisor.readiness() == {"enabled": True, "slots": 1, "ready": 1, "busy": 0}
    finally:
        supervisor.release()
        warm_service.service_stop(0)


def test_the_hostile_table_reaches_nothing_through_the_warm_service(warm_backend, settings):
    jobs_before = wait_ready(0)["jobs"]
    with Listener() as listener:
        assert run_probe_table(warm_backend, settings, listener.origin) == {}

        assert listener.reached() == (0, 0, {})
    assert wait_ready(0)["jobs"] == jobs_before + 1  # it ran in the warm service


def test_a_warm_job_of_a_render_no_longer_this_hosts_is_cancelled_by_the_stale_check(warm_backend, settings):
    service_pid = wait_ready(0)["pid"]
    render = start(warm_backend, clip_render(LONG, frames=300))  # claimed by no host
    wait_until(warm_backend, render, lambda progress: progress.fraction > 0)

    assert stale_processes_stop() == [render.pk]

    assert "cancelled" in wait_final(warm_backend, render).fatal_error
    assert_next_job_renders(warm_backend, settings, service_pid)
