"""Hostile clips through the real local pipeline (320x180, a few frames): a silent or
greedy page ends in bounded time with no process left, and a render process sees none of
Django's secrets. What they reach on the network: test_sandbox_network.py.

Render rows are made directly (tests/local_render.py), as if the code had got past the
checks on save: the render-time seal must hold on its own.
"""
import os
import signal
import time
from pathlib import Path

import pytest

from farm.backends import local as local_module
from farm.backends.local_process import MARKER, render_pids
from tests.farm.backends.hostile import Listener, assert_readable_failure
from tests.local_render import clip_render, job_path, pid_of, start, wait_final, wait_until

pytestmark = [pytest.mark.django_db, pytest.mark.render]

STALL_SECONDS = 5
DJANGO_SECRETS = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")


@pytest.fixture
def listener():
    with Listener() as running:
        yield running


@pytest.fixture
def fast_stall(settings):
    settings.RENDER_STALL_TIMEOUT_SECONDS = STALL_SECONDS


def test_navigating_the_page_away_reaches_nothing(local_backend, listener, fast_stall):
    code = f"""import {{AbsoluteFill}} from 'remotion';
window.location.assign('{listener.origin}/location');
export default () => <AbsoluteFill style={{{{backgroundColor: 'black'}}}} />;
"""
    render = start(local_backend, clip_render(code, frames=2))

    progress = wait_final(local_backend, render, timeout=STALL_SECONDS + 30)

    if progress.fatal_error:
        assert_readable_failure(progress)
    assert (listener.connections, dict(listener.hits)) == (0, {})
    assert render_pids(job_path(render)) == []


ENDLESS = {
    "top_level_loop": "while (true) {}\nexport default () => <AbsoluteFill />;",
    "stuck_frame": "export default () => { if (useCurrentFrame() === 1) { while (true) {} } return <AbsoluteFill />; };",
}


@pytest.mark.parametrize("name", ENDLESS)
def test_a_page_that_stops_responding_fails_within_the_stall_timeout(local_backend, fast_stall, name):
    code = f"import {{AbsoluteFill, useCurrentFrame}} from 'remotion';\n{ENDLESS[name]}\n"
    render = start(local_backend, clip_render(code, frames=3))
    started = time.monotonic()

    progress = wait_final(local_backend, render, timeout=STALL_SECONDS + 30)

    assert "stopped responding" in progress.fatal_error
    # The timer fires after STALL_SECONDS of silence; the rest is start-up and shutdown.
    assert time.monotonic() - started < STALL_SECONDS + 20
    assert render_pids(job_path(render)) == []


def test_a_render_whose_node_process_goes_silent_is_killed_by_the_poll(local_backend, settings, fast_stall):
    render = start(local_backend, clip_render("export default () => null;\n", frames=300))
    wait_until(local_backend, render, lambda progress: progress.fraction > 0)
    # Node frozen: its own stall timer cannot fire; the progress file last changed long ago.
    os.kill(pid_of(render), signal.SIGSTOP)
    silent_since = time.time() - (STALL_SECONDS + local_module.STALL_GRACE_SECONDS + 1)
    os.utime(local_module._Paths(render).progress, (silent_since, silent_since))

    progress = local_backend.progress(render)

    assert "stopped responding" in progress.fatal_error
    assert render_pids(job_path(render)) == []


# JS objects fill the V8 heap; ArrayBuffers live outside it and meet the data limit.
# The cap ends a runaway allocation either as a failed allocation inside the page or as a
# renderer crash, which the render explains as going over the memory limit.
OVER_THE_LIMIT = "went over its memory limit of 384 MB"
RUNAWAY = {
    "js_heap": ("new Array(1e6).fill(hoard.length)", (OVER_THE_LIMIT,)),
    "array_buffers": ("new Uint8Array(5e7).fill(1)", ("Array buffer allocation failed", OVER_THE_LIMIT)),
}


@pytest.mark.parametrize("name", RUNAWAY)
def test_a_runaway_allocation_fails_that_render_only(local_backend, settings, name):
    settings.RENDER_BROWSER_MEMORY_MB = 384
    # Long enough that the memory cap, not the stall timer, ends it on a loaded machine.
    settings.RENDER_STALL_TIMEOUT_SECONDS = 30
    allocation, messages = RUNAWAY[name]
    code = f"""import {{AbsoluteFill}} from 'remotion';
const hoard = [];
export default () => {{ for (;;) {{ hoard.push({allocation}); }} }};
"""
    render = start(local_backend, clip_render(code, frames=2))

    progress = wait_final(local_backend, render, timeout=60)

    assert_readable_failure(progress)
    assert any(message in progress.fatal_error for message in messages), progress.fatal_error
    assert render_pids(job_path(render)) == []


def test_a_render_process_sees_none_of_djangos_secrets(local_backend, monkeypatch):
    for name in DJANGO_SECRETS:
        monkeypatch.setenv(name, f"{name.lower()}-must-not-leak")
    render = start(local_backend, clip_render("export default () => null;\n", frames=300))
    # Node, Chromium and its helpers are all up once frames are being rendered.
    progress = wait_until(local_backend, render, lambda progress: progress.fraction > 0)
    assert not (progress.done or progress.fatal_error), progress

    environments = {}
    for pid in render_pids(job_path(render)):
        with open(f"/proc/{pid}/environ", "rb") as environ:
            environments[pid] = dict(
                entry.decode().split("=", 1) for entry in environ.read().split(b"\0") if b"=" in entry
            )
    local_backend.cancel(render)

    assert len(environments) >= 3, "expected Node and Chromium's processes"
    for environment in environments.values():
        assert set(DJANGO_SECRETS) & set(environment) == set()
        assert environment[MARKER] == str(job_path(render))
        assert environment["HOME"] == str(job_path(render).parent)


def test_the_bundle_carries_no_server_paths(remotion_bundle_dir, settings):
    (bundle,) = [path for path in Path(remotion_bundle_dir).iterdir() if not path.name.startswith(".")]
    server_paths = {str(settings.BASE_DIR), str(Path(settings.BASE_DIR).resolve()), str(remotion_bundle_dir)}
    server_paths |= {str(Path(settings.REMOTION_PROJECT_DIR, "node_modules").resolve().parent.parent)}

    carriers = {
        file.name: sorted(p for p in server_paths if p in file.read_text(errors="replace"))
        for file in bundle.iterdir()
        if file.is_file()
    }

    assert {name: found for name, found in carriers.items() if found} == {}
