"""Shared by the preview browser tests and bench/preview_first_frame.py: the player bundle,
an embed URL for a target, and frames read back as RGB bytes."""
import tempfile
from pathlib import Path

import av
import pytest

from previews.bundle import build_player
from previews.services import preview_issue


@pytest.fixture(scope="session")
def player_bundle():
    """The player bundle in PLAYER_BUNDLE_DIR, as `make test` builds it (a no-op when current)."""
    return build_player()


def embed_url(live_server, owner, kind, target, size=None, **query):
    url = live_server.url + preview_issue(user=owner, kind=kind, target=target, size=size).embed_url
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def frame_ready(frame, value):
    """Wait until the embed document in `frame` (a Playwright Frame or Page) painted frame `value`."""
    frame.wait_for_selector(f"html[data-frame-ready='{value}']", state="attached")


def rgb_rows(frame):
    """An av.VideoFrame as rows of RGB bytes, without the plane's padding."""
    frame = frame.reformat(format="rgb24")
    plane = frame.planes[0]
    data = bytes(plane)
    return [data[row * plane.line_size : row * plane.line_size + frame.width * 3] for row in range(frame.height)]


def png_rows(png_bytes):
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "shot.png"
        path.write_bytes(png_bytes)
        with av.open(str(path)) as container:
            return rgb_rows(next(container.decode(video=0)))


def mean_abs_diff(rows_a, rows_b):
    """Mean absolute difference per channel, as a fraction of full scale (0..1)."""
    assert (len(rows_a), len(rows_a[0])) == (len(rows_b), len(rows_b[0])), "frames of different sizes"
    total = sum(sum(abs(a - b) for a, b in zip(row_a, row_b)) for row_a, row_b in zip(rows_a, rows_b))
    return total / (len(rows_a) * len(rows_a[0]) * 255)
