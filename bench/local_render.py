"""Montage's local render path against the bare Remotion CLI, on the same composition.

    .venv/bin/python bench/local_render.py [--runs 3] [--frames 30]

Renders the title-card demo clip at 640x360 through LocalBackend (start, then poll until
done, as the poll task does but every 0.1 s) on a warm service (farm/backends/
warm_service.py) and as one process per render (its fallback), and with `remotion render`
on the same prebuilt bundle, interleaved run by run so machine load hits all alike; prints
the median wall times, their ratios to the CLI, and the memory (PSS) of the idle warm
service with its browser. All get the same browser and props; Montage draws frames in
LOCAL_RENDER_FRAME_CONCURRENCY pages, the CLI is run as it comes (half the cores) and also
with Montage's concurrency, so the ratio to both is shown. Not part of the tests.
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
from farm import warm_supervisor  # noqa: E402
from farm.backends import warm_service  # noqa: E402
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


def render_with_cli(serve_url, props_file, output, concurrency=None):
    """`remotion render` as it comes (its own concurrency: half the cores), or with `concurrency`."""
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
            *([f"--concurrency={concurrency}"] if concurrency else []),
            "--log=error",
        ],
        cwd=settings.REMOTION_PROJECT_DIR,
        check=True,
    )


def service_pss_mb(slot):
    """Proportional set size of the service's processes (Node, the sandbox's launcher,
    Chromium and its helpers): shared pages are split between their sharers."""
    total_kb = 0
    for pid in warm_service.service_pids(slot) + renderer_descendants(slot):
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total_kb += next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    return total_kb / 1024


def renderer_descendants(slot):
    """Chromium's sandboxed helpers hide their environment (so the marker): found by parent."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    roots = set(warm_service.service_pids(slot))
    found = []
    for pid in parents:
        ancestor = parents.get(pid, 0)
        while ancestor > 1 and ancestor not in roots:
            ancestor = parents.get(ancestor, 0)
        if ancestor in roots and pid not in roots:
            found.append(pid)
    return found


def wait_idle(slot):
    while True:
        answer = warm_service.status(slot)
        if answer and not answer["busy"]:
            return answer
        time.sleep(0.05)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--frames", type=int, default=30)
    args = parser.parse_args()

    clip = DEMO_CLIPS[0]
    props = {"code": clip.code, "durationInFrames": args.frames, "fps": FPS, "width": WIDTH, "height": HEIGHT}
    concurrency = settings.LOCAL_RENDER_FRAME_CONCURRENCY
    times = {"warm": [], "process": [], "cli": [], "cli_same": []}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="montage-bench-", dir="/tmp") as scratch:
        scratch = Path(scratch)
        with override_settings(
            LOCAL_RENDER_DIR=scratch / "local-renders",
            MEDIA_ROOT=scratch / "media",
            LOCAL_RENDER_BUNDLE_DIR=scratch / "bundles",
            LOCAL_RENDER_WARM_DIR=scratch / "warm",
            LOCAL_RENDER_CONCURRENCY=1,
        ):
            began = time.perf_counter()
            serve_url = build_bundle()
            bundle_seconds = time.perf_counter() - began
            props_file = scratch / "props.json"
            props_file.write_text(json.dumps(props))
            warm_service.service_start(0, {**warm_supervisor.wanted_config(), "idleExitSeconds": 600})
            try:
                wait_idle(0)
                time.sleep(2)  # let the fresh browser settle before measuring its memory
                idle_pss = service_pss_mb(0)
                for run in range(args.runs):
                    wait_idle(0)
                    times["warm"].append(timed(lambda: render_with_montage(props, args.frames, 2 * run)))
                    with override_settings(LOCAL_RENDER_WARM=False):
                        times["process"].append(timed(lambda: render_with_montage(props, args.frames, 2 * run + 1)))
                    output = scratch / f"cli-{run}.mp4"
                    times["cli"].append(timed(lambda: render_with_cli(serve_url, props_file, output)))
                    times["cli_same"].append(
                        timed(lambda: render_with_cli(serve_url, props_file, output, concurrency))
                    )
            finally:
                warm_service.service_stop(0)

    cli = statistics.median(times["cli"])
    print(f"{clip.name}, {WIDTH}x{HEIGHT}, {args.frames} frames at {FPS} fps, {args.runs} runs each")
    print(f"load average (1, 5, 15 min): before {load_before}, after {os.getloadavg()}")
    print(f"bundle (cold, once):   {bundle_seconds:6.2f} s")
    cli_same = statistics.median(times["cli_same"])
    print(f"Montage frame concurrency {concurrency}; ratios to the CLI as it comes / with --concurrency={concurrency}")
    labels = (
        ("warm", "LocalBackend, warm"), ("process", "LocalBackend, process"), ("cli", "Remotion CLI"),
        ("cli_same", f"CLI --concurrency={concurrency}"),
    )
    for name, label in labels:
        median = statistics.median(times[name])
        print(
            f"{label:24s} {median:6.2f} s median  {[round(s, 2) for s in times[name]]}  "
            f"ratio {median / cli:4.2f} / {median / cli_same:4.2f}"
        )
    print(f"idle warm service PSS: {idle_pss:6.0f} MB (slot 0: Node, Chromium and its helpers)")


if __name__ == "__main__":
    main()
