"""Montage's local render path against the bare Remotion CLI, on the same composition.

    .venv/bin/python bench/local_render.py [--runs 3] [--frames 30]

Renders the title-card demo clip at 640x360 through LocalBackend (start, then poll until
done, as the poll task does but every 0.1 s) and with `remotion render` on the same
prebuilt bundle, and prints the median wall times and their ratio. Both get the same
browser, props and concurrency, so the difference is Montage's own overhead: a detached
Node process, the code check, the progress file and the final move. Not part of the tests.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from clips.demo import DEMO_CLIPS  # noqa: E402
from farm.backends.local import LocalBackend, browser_executable, build_bundle  # noqa: E402
from renders.models import Render  # noqa: E402

WIDTH, HEIGHT, FPS = 640, 360, 30


def timed(action):
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def render_with_montage(props, frames, run):
    # Never saved: the backend needs the snapshot fields and a pk, not a database row.
    render = Render(
        pk=run,
        kind=Render.Kind.CLIP,
        composition_id="DynamicCode",
        input_props=props,
        width=WIDTH,
        height=HEIGHT,
        fps=FPS,
        duration_in_frames=frames,
    )
    backend = LocalBackend()
    render.farm_render_id = backend.start(render).farm_render_id
    while True:
        progress = backend.progress(render)
        if progress.fatal_error:
            raise SystemExit(f"Montage render failed: {progress.fatal_error}")
        if progress.done:
            return
        time.sleep(0.1)


def render_with_cli(serve_url, props_file, output):
    subprocess.run(
        [
            str(Path(settings.REMOTION_PROJECT_DIR) / "node_modules" / ".bin" / "remotion"),
            "render",
            str(serve_url),
            "DynamicCode",
            str(output),
            f"--props={props_file}",
            f"--browser-executable={browser_executable()}",
            "--codec=h264",
            "--concurrency=1",
            "--log=error",
        ],
        cwd=settings.REMOTION_PROJECT_DIR,
        check=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--frames", type=int, default=30)
    args = parser.parse_args()

    clip = DEMO_CLIPS[0]
    props = {"code": clip.code, "durationInFrames": args.frames, "fps": FPS, "width": WIDTH, "height": HEIGHT}
    with tempfile.TemporaryDirectory(prefix="montage-bench-") as scratch:
        scratch = Path(scratch)
        with override_settings(
            LOCAL_RENDER_DIR=scratch / "local-renders",
            MEDIA_ROOT=scratch / "media",
            LOCAL_RENDER_BUNDLE_DIR=scratch / "bundles",
        ):
            began = time.perf_counter()
            serve_url = build_bundle()
            bundle_seconds = time.perf_counter() - began
            props_file = scratch / "props.json"
            props_file.write_text(json.dumps(props))
            montage = [timed(lambda run=run: render_with_montage(props, args.frames, run)) for run in range(args.runs)]
            cli = [
                timed(lambda run=run: render_with_cli(serve_url, props_file, scratch / f"cli-{run}.mp4"))
                for run in range(args.runs)
            ]

    print(f"{clip.name}, {WIDTH}x{HEIGHT}, {args.frames} frames at {FPS} fps, {args.runs} runs each")
    print(f"bundle (cold, once):   {bundle_seconds:6.2f} s")
    print(f"Montage LocalBackend:  {statistics.median(montage):6.2f} s median  {[round(s, 2) for s in montage]}")
    print(f"Remotion CLI:          {statistics.median(cli):6.2f} s median  {[round(s, 2) for s in cli]}")
    print(f"ratio Montage / CLI:   {statistics.median(montage) / statistics.median(cli):6.2f}")


if __name__ == "__main__":
    main()
