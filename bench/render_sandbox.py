"""What a local render's network sealing costs: the same render with the namespace off,
in its namespace, and in its namespace with an asset host (the allowlisting proxy then
starts with it).

    .venv/bin/python bench/render_sandbox.py [--runs 5] [--frames 10]

Renders the title-card demo clip through LocalBackend (start, then poll every 0.1 s, as
bench/local_render.py does), the three modes interleaved run by run so that a busy
machine slows them alike, and prints each mode's median wall time and its difference to
"off". Not part of the tests.
"""
import argparse
import json
import statistics
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from local_render import FPS, HEIGHT, WIDTH, render_with_montage, timed  # also sets Django up

from django.test.utils import override_settings  # noqa: E402

from clips.demo import DEMO_CLIPS  # noqa: E402
from farm.backends.local import build_bundle  # noqa: E402

MODES = {
    "off": {"RENDER_NETWORK_ISOLATION": "off"},
    "namespace": {"RENDER_NETWORK_ISOLATION": "namespace"},
    "namespace + asset proxy": {"RENDER_NETWORK_ISOLATION": "namespace"},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--frames", type=int, default=10)
    args = parser.parse_args()

    clip = DEMO_CLIPS[0]
    props = {"code": clip.code, "durationInFrames": args.frames, "fps": FPS, "width": WIDTH, "height": HEIGHT}
    asset_host = ThreadingHTTPServer(("127.0.0.1", 0), SimpleHTTPRequestHandler)
    threading.Thread(target=asset_host.serve_forever, daemon=True).start()
    MODES["namespace + asset proxy"]["RENDER_ASSET_HOSTS"] = [f"127.0.0.1:{asset_host.server_address[1]}"]
    times = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory(prefix="montage-bench-") as scratch:
        scratch = Path(scratch)
        paths = {"LOCAL_RENDER_DIR": scratch / "local-renders", "MEDIA_ROOT": scratch / "media"}
        with override_settings(LOCAL_RENDER_BUNDLE_DIR=scratch / "bundles", **paths):
            build_bundle()
            render_with_montage(props, args.frames, 0)  # warm the page cache
            for run in range(1, args.runs + 1):
                for index, (mode, changes) in enumerate(MODES.items()):
                    with override_settings(**changes):
                        pk = run * len(MODES) + index
                        times[mode].append(timed(lambda pk=pk: render_with_montage(props, args.frames, pk)))
    asset_host.shutdown()

    base = statistics.median(times["off"])
    print(f"{clip.name}, {WIDTH}x{HEIGHT}, {args.frames} frames at {FPS} fps, {args.runs} runs per mode")
    print(json.dumps({mode: [round(s, 2) for s in runs] for mode, runs in times.items()}))
    for mode, runs in times.items():
        median = statistics.median(runs)
        print(f"{mode:24} {median:6.2f} s median  ({median - base:+.2f} s vs off)")


if __name__ == "__main__":
    main()
