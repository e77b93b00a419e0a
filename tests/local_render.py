"""Real, tiny renders through the LocalBackend, shared by the backend and demo-clip tests.

Its fixtures are loaded for every test by tests/conftest.py (pytest_plugins).
"""
import time
from pathlib import Path

import av
import pytest

from farm.backends import local as local_module
from farm.backends.local import LocalBackend, build_bundle
from renders.models import Render
from tests.factories import ClipFactory, MovieFactory

SIZE = (320, 180)
FPS = 10


@pytest.fixture(scope="session")
def remotion_bundle_dir(tmp_path_factory):
    """One bundle for the whole run: building it is the slow part (~13 s), renders are not."""
    root = tmp_path_factory.mktemp("remotion-bundles")
    build_bundle(root)
    return root


@pytest.fixture
def local_backend(settings, remotion_bundle_dir):
    settings.LOCAL_RENDER_BUNDLE_DIR = remotion_bundle_dir
    return LocalBackend()


def clip_render(code, *, frames, fps=FPS, size=SIZE):
    clip = ClipFactory(code=code, duration_in_frames=frames, fps=fps)
    return _render(clip, "DynamicCode", {"code": code, "durationInFrames": frames}, frames=frames, fps=fps, size=size)


def movie_render(scenes, *, fps=FPS, size=SIZE):
    """`scenes`: the MovieComposition scene props, as renders.requests.snapshots builds them."""
    frames = sum(s["durationInFrames"] - s["trimStart"] - s["trimEnd"] for s in scenes)
    return _render(MovieFactory(fps=fps), "MovieComposition", {"scenes": scenes}, frames=frames, fps=fps, size=size)


def _render(target, composition_id, props, *, frames, fps, size):
    """A Render row with its snapshot filled in, as the render service creates it."""
    kind = Render.Kind.CLIP if composition_id == "DynamicCode" else Render.Kind.MOVIE
    width, height = size
    return Render.objects.create(
        owner=target.owner,
        kind=kind,
        **{kind: target},
        backend=Render.Backend.LOCAL,
        composition_id=composition_id,
        input_props={**props, "fps": fps, "width": width, "height": height},
        width=width,
        height=height,
        fps=fps,
        duration_in_frames=frames,
    )


def start(backend, render):
    render.farm_render_id = backend.start(render).farm_render_id
    render.save(update_fields=["farm_render_id"])
    return render


def wait_until(backend, render, condition, *, timeout=90):
    """Poll `progress` as the poll task does, until `condition(progress)` or the render ends."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        progress = backend.progress(render)
        if condition(progress) or progress.done or progress.fatal_error:
            return progress
        time.sleep(0.2)
    raise AssertionError(f"{render} did not get there within {timeout} s")


def wait_final(backend, render, *, timeout=90):
    return wait_until(backend, render, lambda progress: False, timeout=timeout)


def decoded_frames(path):
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [frame.reformat(format="rgb24") for frame in container.decode(stream)]
        return frames, stream.codec_context.width, stream.codec_context.height, stream.average_rate


def centre_rgb(frame):
    """The colour at the frame's centre, read without numpy (not a dependency)."""
    plane = frame.planes[0]
    offset = (frame.height // 2) * plane.line_size + (frame.width // 2) * 3
    return tuple(bytes(plane)[offset : offset + 3])


def job_path(render):
    return local_module._Paths(render).job


def pid_of(render):
    return int(render.farm_render_id.rsplit("-", 1)[1])


def output_path(settings, render):
    return Path(settings.MEDIA_ROOT) / "renders" / f"{render.pk}.mp4"


# Clip code that must fail its render: (code, words of the message, error_code).
BROKEN = {
    # Sucrase would compile this; the strict check must not.
    "mismatched tags": (
        "export default function S() { return <div><span>hi</div></span>; }",
        'Unexpected closing "div" tag does not match opening "span" tag',
        "code_error",
    ),
    "unknown import": (
        "import confetti from 'canvas-confetti';\nexport default function S() { return null; }",
        'Cannot import "canvas-confetti"',
        "code_error",
    ),
    "throw while rendering": (
        "export default function S() { throw new Error('The clip broke on purpose'); }",
        "The clip broke on purpose",
        # The module evaluated fine; the component throws when drawn: not the compile step.
        "render_failed",
    ),
}
