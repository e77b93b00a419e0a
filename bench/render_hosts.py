"""Throughput of one render host against two, on the same batch of local renders.

    DATABASE_URL=postgres://... REDIS_URL=redis://127.0.0.1:6379/<db no worker uses> \\
        .venv/bin/python bench/render_hosts.py [--renders 6] [--frames 30] [--slots 1]

Each host is a real `celery -A config worker` process with its own data dir and
RENDER_HOST_NAME, as on separate machines; the database is a throwaway copy (test_<name>,
dropped at the end). The batch is requested at once through the render service, and the
clock runs from the requests until every render is complete. Here both hosts share this
machine's cores, so the second host only adds what one slot of the first left idle; on
separate machines each host brings its own cores, so two hosts render at least twice as
many videos per minute as one.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from clips.demo import DEMO_CLIPS  # noqa: E402
from clips.models import Clip  # noqa: E402
from farm.backends.local import build_bundle  # noqa: E402
from renders.models import Render, RenderHost  # noqa: E402
from renders.requests import services  # noqa: E402

WIDTH, HEIGHT, FPS = 640, 360, 30


@contextmanager
def worker(name, data_dir, bundle_dir, slots):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "RENDER_BACKEND": "local",
        "RENDER_HOST_NAME": name,
        "LOCAL_RENDER_CONCURRENCY": str(slots),
        "MONTAGE_DATA_DIR": str(data_dir),
        "LOCAL_RENDER_BUNDLE_DIR": str(bundle_dir),
    }
    command = [str(Path(sys.executable).with_name("celery")), "-A", "config", "worker", "--pool=solo",
               "--without-gossip", "--without-mingle", "--loglevel=WARNING"]
    data_dir.mkdir(parents=True)
    with open(data_dir / "worker.log", "w") as log:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            process.wait(timeout=60)


def run_batch(hosts, *, user, renders, frames, scratch, bundle_dir, slots):
    tag = uuid.uuid4().hex[:6]
    with ExitStack() as stack:
        names = [f"bench-{tag}-{n}" for n in range(1, hosts + 1)]
        for name in names:
            stack.enter_context(worker(name, scratch / name, bundle_dir, slots))
        wait(lambda: RenderHost.objects.filter(name__in=names).count() == hosts, 60, "workers registered")
        clip = DEMO_CLIPS[0]
        began = time.perf_counter()
        ids = []
        for _ in range(renders):
            target = Clip.objects.create(owner=user, name=clip.name, code=clip.code, duration_in_frames=frames, fps=FPS)
            render = services.render_request(
                user=user, kind="clip", target=target, size=(WIDTH, HEIGHT), skip_quota=True
            )
            ids.append(render.pk)
        live = Render.objects.filter(pk__in=ids, status__in=Render.LIVE_STATUSES)
        wait(lambda: not live.exists(), 60 * renders, "the batch finished")
        seconds = time.perf_counter() - began
    failed = Render.objects.filter(pk__in=ids).exclude(status=Render.Status.COMPLETE)
    if failed.exists():
        raise SystemExit(f"renders did not complete: {list(failed.values_list('pk', 'error_message'))}")
    return seconds


@contextmanager
def throwaway_database():
    """test_<name>, a copy the host processes share, dropped at the end."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        raise SystemExit("needs a PostgreSQL DATABASE_URL and a REDIS_URL: the hosts are separate processes")
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)


def wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=6)
    parser.add_argument("--frames", type=int, default=30)
    parser.add_argument("--slots", type=int, default=1, help="LOCAL_RENDER_CONCURRENCY of each host")
    args = parser.parse_args()

    from django.contrib.auth import get_user_model

    with throwaway_database():
        with tempfile.TemporaryDirectory(prefix="montage-bench-hosts-") as scratch:
            scratch = Path(scratch)
            bundle_dir = scratch / "bundles"
            build_bundle(bundle_dir)
            user = get_user_model().objects.create_user("bench-hosts")
            batch = dict(user=user, renders=args.renders, frames=args.frames, scratch=scratch,
                         bundle_dir=bundle_dir, slots=args.slots)
            one = run_batch(1, **batch)
            two = run_batch(2, **batch)

    print(f"{args.renders} renders of {args.frames} frames at {WIDTH}x{HEIGHT}, {args.slots} slot(s) per host, "
          f"{os.cpu_count()} cores on this machine")
    for hosts, seconds in ((1, one), (2, two)):
        print(f"{hosts} host(s): {seconds:6.1f} s  {60 * args.renders / seconds:5.1f} renders/min")
    print(f"speed-up 2 hosts / 1 host: {one / two:4.2f}x on one machine: both hosts share its cores, so the "
          f"second only uses what one slot leaves idle (waits, browser start-up, encoding)")
    print(f"on separate machines each host brings its own cores: at least {2 * 60 * args.renders / one:.1f} "
          f"renders/min, twice the one-host rate")

if __name__ == "__main__":
    main()
