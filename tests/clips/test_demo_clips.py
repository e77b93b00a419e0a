"""The demo clips are real, renderable Remotion code."""
import re
from pathlib import Path

import pytest

from clips.demo import DEMO_CLIPS
from tests.local_render import decoded_frames, movie_render, start, wait_final

FRAMES_PER_CLIP = 2


def test_demo_clips_import_only_react_and_remotion():
    for clip in DEMO_CLIPS:
        modules = set(re.findall(r"^import .* from '([^']+)';$", clip.code, flags=re.MULTILINE))
        assert modules and modules <= {"react", "remotion"}, (clip.file, modules)


@pytest.mark.render
@pytest.mark.django_db
def test_every_demo_clip_renders(local_backend, settings):
    # One movie of all of them, a couple of frames from the middle of each: every clip is
    # compiled, validated and drawn, in one browser session.
    scenes = [
        {
            "code": clip.code,
            "durationInFrames": clip.duration_in_frames,
            "fps": clip.fps,
            "trimStart": (clip.duration_in_frames - FRAMES_PER_CLIP) // 2,
            "trimEnd": clip.duration_in_frames - FRAMES_PER_CLIP - (clip.duration_in_frames - FRAMES_PER_CLIP) // 2,
        }
        for clip in DEMO_CLIPS
    ]
    render = start(local_backend, movie_render(scenes, fps=30))

    progress = wait_final(local_backend, render)

    assert progress.done, progress.fatal_error
    frames, width, height, _ = decoded_frames(Path(settings.MEDIA_ROOT) / progress.output_key)
    assert (len(frames), width, height) == (FRAMES_PER_CLIP * len(DEMO_CLIPS), 320, 180)
