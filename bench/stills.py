"""Stills through Montage's API against `remotion still`, on the same bundle and clip.

    .venv/bin/python bench/stills.py [--runs 5] [--cached 50]

A throwaway data folder (SQLite, MEDIA_ROOT, bundle) and a warm service on slot 0, as a
worker would supervise it; requests go through Django's full stack in this process (the
DRF test client: URL routing, auth, throttle, serializers), so the figures are the
API's own work without an HTTP server in front. Prints, each as median of --runs:
- a 1920x1080 PNG still of the title-card demo clip, warm but never cached (another frame
  each run), against `remotion still` of the same frame;
- the same request once the still is stored (p50 and p95 of --cached requests).
Not part of the tests.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = tempfile.mkdtemp(prefix="montage-bench-stills-", dir="/tmp")
os.environ["MONTAGE_DATA_DIR"] = DATA
sys.path.insert(0, str(Path(__file__).resolve().parent))

from local_render import timed, wait_idle  # noqa: E402  (sets Django up)

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from clips.demo import DEMO_CLIPS  # noqa: E402
from clips.models import Clip  # noqa: E402
from farm import warm_supervisor  # noqa: E402
from farm.backends import warm_service  # noqa: E402
from farm.backends.local import browser_executable, build_bundle  # noqa: E402

WIDTH, HEIGHT = 1920, 1080


def still_with_cli(serve_url, props_file, frame, output):
    subprocess.run(
        [
            str(Path(settings.REMOTION_PROJECT_DIR) / "node_modules" / ".bin" / "remotion"),
            "still", str(serve_url), "DynamicCode", str(output), f"--props={props_file}", f"--frame={frame}",
            f"--browser-executable={browser_executable()}", "--image-format=png", "--log=error",
        ],
        cwd=settings.REMOTION_PROJECT_DIR,
        check=True,
    )


def ask(client, clip, frame):
    response = client.post(
        f"/api/clips/{clip.pk}/still/", {"frame": frame, "width": WIDTH, "height": HEIGHT, "format": "png"},
        format="json",
    )
    if response.status_code != 200:
        raise SystemExit(f"Still request failed: {response.status_code} {response.content[:300]!r}")
    return response.json()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cached", type=int, default=50)
    args = parser.parse_args()
    settings.STILL_RATE = "100000/m"
    settings.LOCAL_RENDER_CONCURRENCY = 1
    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    demo = DEMO_CLIPS[0]
    clip = Clip.objects.create(
        owner=user, name=demo.name, code=demo.code, raw_code=demo.code, duration_in_frames=demo.duration_in_frames,
        fps=demo.fps,
    )
    serve_url = build_bundle()
    props_file = Path(DATA) / "props.json"
    props = {"code": demo.code, "durationInFrames": demo.duration_in_frames, "fps": demo.fps}
    props_file.write_text(json.dumps({**props, "width": WIDTH, "height": HEIGHT}))
    load_before = os.getloadavg()
    warm_service.service_start(0, {**warm_supervisor.wanted_config(), "idleExitSeconds": 600})
    api, cli, cached = [], [], []
    try:
        wait_idle(0)
        ask(client, clip, 0)  # the service's first page load of the bundle is not a still's cost
        for run in range(1, args.runs + 1):
            wait_idle(0)
            api.append(timed(lambda run=run: ask(client, clip, run)))
            cli.append(timed(lambda run=run: still_with_cli(serve_url, props_file, run, Path(DATA) / f"{run}.png")))
        for _ in range(args.cached):
            began = time.perf_counter()
            assert ask(client, clip, 1)["cached"]
            cached.append(time.perf_counter() - began)
    finally:
        warm_service.service_stop(0)
        shutil.rmtree(DATA, ignore_errors=True)

    print(f"{demo.name}, {WIDTH}x{HEIGHT} PNG, {args.runs} runs each (another frame each run)")
    print(f"load average (1, 5, 15 min): before {load_before}, after {os.getloadavg()}")
    print(f"still API, warm, not cached: {statistics.median(api):6.3f} s median  {[round(s, 3) for s in api]}")
    print(f"remotion still (CLI):        {statistics.median(cli):6.3f} s median  {[round(s, 2) for s in cli]}")
    print(f"ratio API / CLI:             {statistics.median(api) / statistics.median(cli):6.3f}")
    cached.sort()
    print(
        f"still API, cached:           p50 {cached[len(cached) // 2] * 1000:5.1f} ms  "
        f"p95 {cached[int(len(cached) * 0.95)] * 1000:5.1f} ms  ({args.cached} requests)"
    )


if __name__ == "__main__":
    main()
