"""A 1 s clip at 320x180 from the API request to `complete`, through a real Celery worker.

    .venv/bin/python bench/request_to_complete.py [--runs 7] [--redis redis://127.0.0.1:6379/11]

A throwaway data folder (SQLite shared by this process and the worker, MEDIA_ROOT, the
bundle) and `celery -A config worker` on Redis (the production broker; the embedded
filesystem broker adds up to a second of its own polling per hop), which supervises the
host's warm service as in production. Each run POSTs /api/clips/<id>/render/ through
Django's full stack in this process (DRF test client) and reads /api/renders/<id>/ every
20 ms until it is complete. Prints the median and each run's seconds, and the same with
the warm service switched off (one process per render) in another worker. Not part of the
tests. The Redis database given is emptied first: use one nobody else uses.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = tempfile.mkdtemp(prefix="montage-bench-r2c-", dir="/tmp")
ENV = {
    "MONTAGE_DATA_DIR": DATA,
    "RENDER_QUOTA_PER_HOUR": "100000",
    "RENDER_BURST_RATE": "100000/m",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(ENV)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    return parser.parse_args()


ARGS = parse()
os.environ["REDIS_URL"] = ARGS.redis

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from clips.demo import DEMO_CLIPS  # noqa: E402
from clips.models import Clip  # noqa: E402
from farm import warm_supervisor  # noqa: E402
from farm.backends import warm_service  # noqa: E402
from farm.backends.local import build_bundle  # noqa: E402

FPS = 10


def worker(warm, log_name):
    command = [
        str(Path(sys.executable).with_name("celery")), "-A", "config", "--quiet", "worker", "--pool=solo",
        "--queues=celery,polls", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]
    env = {**os.environ, **ENV, "REDIS_URL": ARGS.redis, "LOCAL_RENDER_WARM": "true" if warm else "false"}
    log = open(Path(DATA) / f"{log_name}.log", "w")
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_for_warm_service(timeout=120):
    deadline = time.monotonic() + timeout
    while warm_supervisor.readiness().get("ready") != 1:
        if time.monotonic() > deadline:
            raise SystemExit("The worker's warm service did not get ready.")
        time.sleep(0.1)


def request_to_complete(client, clip):
    began = time.perf_counter()
    response = client.post(f"/api/clips/{clip.pk}/render/", {"width": 320, "height": 180}, format="json")
    if response.status_code != 202:
        raise SystemExit(f"Render request refused: {response.status_code} {response.content[:300]!r}")
    url = f"/api/renders/{response.json()['id']}/"
    while (status := client.get(url).json()["status"]) not in ("complete", "failed", "cancelled"):
        time.sleep(0.02)
    if status != "complete":
        raise SystemExit(f"Render {status}: {client.get(url).json()}")
    return time.perf_counter() - began


def measure(client, clip, warm):
    process = worker(warm, "worker-warm" if warm else "worker-process")
    try:
        if warm:
            wait_for_warm_service()
        request_to_complete(client, clip)  # the worker's first task pays its imports
        return [request_to_complete(client, clip) for _ in range(ARGS.runs)]
    finally:
        process.terminate()
        process.wait(timeout=30)


def main():
    redis.Redis.from_url(ARGS.redis).flushdb()
    call_command("migrate", verbosity=0)
    build_bundle()
    user = User.objects.create_user("bench")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    demo = DEMO_CLIPS[0]
    clip = Clip.objects.create(
        owner=user, name=demo.name, code=demo.code, raw_code=demo.code, duration_in_frames=FPS, fps=FPS
    )
    load_before = os.getloadavg()
    try:
        warm = measure(client, clip, warm=True)
        process = measure(client, clip, warm=False)
    finally:
        # Unsupervised, it would exit by itself once idle; the folder goes now.
        warm_service.service_stop(0)
        shutil.rmtree(DATA, ignore_errors=True)
    print(f"{demo.name}, 1 s at {FPS} fps, 320x180, request -> complete through the API and a worker (Redis)")
    print(f"load average (1, 5, 15 min): before {load_before}, after {os.getloadavg()}")
    print(f"warm service:       p50 {statistics.median(warm):5.2f} s  {[round(s, 2) for s in warm]}")
    print(f"process per render: p50 {statistics.median(process):5.2f} s  {[round(s, 2) for s in process]}")


if __name__ == "__main__":
    main()
