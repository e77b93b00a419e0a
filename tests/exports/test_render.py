"""The export renders what Montage renders: the exported project, rendered by the Remotion
CLI as its README says, against Montage's own render of the same movie, frame by frame.

No network: the project gets the repository's remotion/node_modules (a superset of its
lock file, at the same versions) instead of `npm ci`, and the local Chromium."""
import math
import os
import subprocess
import time

import pytest

from farm.backends import get_backend
from farm.backends.local import browser_executable
from renders.lifecycle.driver import render_drive
from renders.requests import services
from tests.exports.movie import timeline_movie, unzip
from tests.local_render import decoded_frames

pytestmark = [pytest.mark.render, pytest.mark.django_db]
WIDTH, HEIGHT = 320, 180
# Decoded H.264 frames whose every pixel matches to within a level or two are above this.
MIN_PSNR_DB = 40.0


def psnr(ours, theirs):
    """Peak signal-to-noise ratio of two RGB frames in dB (inf when identical)."""
    a, b = _pixels(ours), _pixels(theirs)
    if a == b:
        return math.inf
    squared = sum((x - y) * (x - y) for x, y in zip(a, b))
    return 10 * math.log10(255 * 255 * len(a) / squared)


def _pixels(frame):
    plane, row = frame.planes[0], frame.width * 3
    data = bytes(plane)
    return b"".join(data[y * plane.line_size : y * plane.line_size + row] for y in range(frame.height))


def no_drive_sleep(seconds):
    time.sleep(min(seconds, 0.2))


def test_an_exported_movie_renders_the_frames_montage_renders(api, user, local_backend, tmp_path, settings):
    movie = timeline_movie(user)
    render = services.render_request(user=user, kind="movie", target=movie, size=(WIDTH, HEIGHT))
    render = render_drive(render.pk, sleep=no_drive_sleep)
    assert render.status == "complete", render.error_message

    project = unzip(api.get(f"/api/movies/{movie.pk}/export/").content, tmp_path)
    (project / "node_modules").symlink_to(settings.REMOTION_PROJECT_DIR / "node_modules")
    # The README's command, with this machine's browser, at a small size, and without the
    # webpack cache the CLI would otherwise write into the shared node_modules.
    subprocess.run(
        [
            "npx", "remotion", "render", "Movie", "out/movie.mp4",
            f"--browser-executable={browser_executable()}",
            f"--width={WIDTH}", f"--height={HEIGHT}", "--bundle-cache=false", "--log=error",
        ],
        cwd=project,
        env={**os.environ, "npm_config_offline": "true", "npm_config_update_notifier": "false"},
        check=True,
        timeout=300,
    )

    ours, *_ = decoded_frames(get_backend(render.backend).output_location(render).file_path)
    theirs, width, height, fps = decoded_frames(project / "out/movie.mp4")
    assert (len(theirs), width, height, fps) == (movie.total_duration_in_frames, WIDTH, HEIGHT, 10)
    assert len(ours) == len(theirs) == 37
    figures = [psnr(a, b) for a, b in zip(ours, theirs)]
    identical = sum(math.isinf(value) for value in figures)
    print(f"\nexport vs Montage: {identical}/{len(figures)} frames identical, PSNR dB per frame: "
          + " ".join("inf" if math.isinf(value) else f"{value:.1f}" for value in figures))
    assert min(figures) >= MIN_PSNR_DB, figures
