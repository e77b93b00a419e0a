"""The local backend with real Node + Chromium renders (320x180 at 10 fps, a few frames)."""
import os
import signal
import time

import pytest

from farm.backends import BackendNotConfigured
from farm.backends import local as local_module
from farm.backends.local_process import is_running, render_pids
from tests.factories import SIMPLE_CODE
from tests.local_render import (
    BROKEN,
    centre_rgb,
    clip_render,
    decoded_frames,
    job_path,
    movie_render,
    output_path,
    pid_of,
    start,
    wait_final,
    wait_until,
)

pytestmark = pytest.mark.django_db

# Paints its own frame number (red), the length it believes it has (green) and a scene
# colour (blue), so decoded pixels tell which clip frame the movie showed.
FRAME_PROBE = """import {AbsoluteFill, useCurrentFrame, useVideoConfig} from 'remotion';
export default function Probe() {
  const frame = useCurrentFrame();
  const {durationInFrames} = useVideoConfig();
  return <AbsoluteFill style={{backgroundColor: `rgb(${frame * 20}, ${durationInFrames * 20}, BLUE)`}} />;
}
"""
# H.264 with 4:2:0 chroma moves flat colours by a few levels; the probe steps by 20.
COLOUR_TOLERANCE = 8
# Long enough (30 s of work) to be caught in the middle.
LONG_FRAMES = 300


def wait_for_no_processes(render, timeout=10):
    deadline = time.monotonic() + timeout
    while render_pids(job_path(render)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return render_pids(job_path(render))


@pytest.mark.render
def test_clip_renders_to_an_mp4_with_the_exact_frames_size_and_fps(local_backend, settings):
    render = start(local_backend, clip_render(SIMPLE_CODE, frames=9))

    progress = wait_final(local_backend, render)

    assert progress.fatal_error is None
    assert progress.done and progress.fraction == 1.0
    assert progress.output_key == f"renders/{render.pk}.mp4"
    render.output_key = progress.output_key
    path = local_backend.output_location(render).file_path
    assert path == output_path(settings, render)
    assert progress.output_size == path.stat().st_size > 0
    frames, width, height, fps = decoded_frames(path)
    assert (len(frames), width, height, fps) == (9, 320, 180, 10)


@pytest.mark.render
def test_movie_plays_each_scene_trimmed_and_in_order_with_its_own_frame_numbers(local_backend, settings):
    scenes = [
        {"code": FRAME_PROBE.replace("BLUE", "0"), "durationInFrames": 6, "fps": 10, "trimStart": 1, "trimEnd": 2},
        {"code": FRAME_PROBE.replace("BLUE", "200"), "durationInFrames": 8, "fps": 10, "trimStart": 2, "trimEnd": 1},
    ]
    render = start(local_backend, movie_render(scenes))

    progress = wait_final(local_backend, render)

    assert progress.done, progress.fatal_error
    frames, width, height, fps = decoded_frames(output_path(settings, render))
    assert (len(frames), width, height, fps) == (8, 320, 180, 10)
    # Scene 1 shows its frames 1..3 of 6, scene 2 its frames 2..6 of 8.
    expected = [(f * 20, 120, 0) for f in (1, 2, 3)] + [(f * 20, 160, 200) for f in (2, 3, 4, 5, 6)]
    actual = [centre_rgb(frame) for frame in frames]
    for index, (got, want) in enumerate(zip(actual, expected)):
        assert all(abs(g - w) <= COLOUR_TOLERANCE for g, w in zip(got, want)), (index, actual, expected)


@pytest.mark.render
@pytest.mark.parametrize("case", BROKEN)
def test_broken_code_fails_with_its_own_message_and_leaves_no_mp4(local_backend, settings, case):
    code, message, error_code = BROKEN[case]
    render = start(local_backend, clip_render(code, frames=5))

    progress = wait_final(local_backend, render)

    assert not progress.done
    assert message in progress.fatal_error
    assert progress.error_code == error_code
    assert not output_path(settings, render).exists()
    assert wait_for_no_processes(render) == []


@pytest.mark.render
def test_a_broken_scene_fails_the_movie_naming_the_scene(local_backend, settings):
    broken = "import _ from 'lodash';\nexport default () => null;"
    scenes = [
        {"code": SIMPLE_CODE, "durationInFrames": 3, "fps": 10, "trimStart": 0, "trimEnd": 0},
        {"code": broken, "durationInFrames": 3, "fps": 10, "trimStart": 0, "trimEnd": 0},
    ]
    render = start(local_backend, movie_render(scenes))

    progress = wait_final(local_backend, render)

    assert 'Scene 2: Code error: Cannot import "lodash"' in progress.fatal_error
    assert progress.error_code == "code_error"
    assert not output_path(settings, render).exists()


@pytest.mark.render
def test_cancel_mid_render_stops_every_process_and_leaves_no_mp4(local_backend, settings):
    render = start(local_backend, clip_render(SIMPLE_CODE, frames=LONG_FRAMES))
    midway = wait_until(local_backend, render, lambda progress: progress.fraction > 0)
    assert not midway.done and midway.fatal_error is None

    outcome = local_backend.cancel(render)

    assert outcome.stopped
    assert not is_running(pid_of(render), job_path(render))
    assert render_pids(job_path(render)) == []
    assert not output_path(settings, render).exists()
    assert not local_module._Paths(render).scratch.exists()
    assert local_backend.progress(render).fatal_error == "The render was cancelled."


@pytest.mark.render
def test_a_killed_render_process_is_a_fatal_error_and_its_browser_is_cleaned_up(local_backend, settings):
    render = start(local_backend, clip_render(SIMPLE_CODE, frames=LONG_FRAMES))
    wait_until(local_backend, render, lambda progress: progress.fraction > 0)

    os.kill(pid_of(render), signal.SIGKILL)
    progress = wait_final(local_backend, render, timeout=20)

    assert progress.fatal_error.startswith("The render process stopped without finishing")
    # Remotion's browser has its own process group and outlives Node unless we end it.
    assert render_pids(job_path(render)) == []
    assert not output_path(settings, render).exists()


def test_a_dead_process_reports_the_last_error_line_of_its_log(local_backend, settings):
    render = clip_render(SIMPLE_CODE, frames=5)
    render.farm_render_id = f"local-{render.pk}-{os.getpid()}"
    paths = local_module._Paths(render)
    paths.work.mkdir(parents=True)
    paths.log.write_text("starting\nError: Failed to launch the browser process\n    at stack line\n\n")

    progress = local_backend.progress(render)

    # Our own pid is alive but lacks the render's marker: a reused pid is not the render.
    assert progress.fatal_error == (
        "The render process stopped without finishing: Error: Failed to launch the browser process"
    )


def test_a_configured_browser_that_is_not_executable_is_refused(settings, tmp_path):
    settings.REMOTION_BROWSER_EXECUTABLE = str(tmp_path / "no-such-chromium")

    with pytest.raises(BackendNotConfigured, match="REMOTION_BROWSER_EXECUTABLE=.*no-such-chromium"):
        local_module.LocalBackend().check_configured()


def test_without_any_browser_the_message_says_what_to_install(settings, monkeypatch, tmp_path):
    settings.REMOTION_BROWSER_EXECUTABLE = None
    monkeypatch.setattr(local_module, "DEFAULT_BROWSER", str(tmp_path / "missing"))
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(BackendNotConfigured, match="apt-get install -y chromium-headless-shell"):
        local_module.browser_executable()

