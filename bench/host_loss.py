"""How long a render is stuck when its render host dies: from the kill to the render
running again on the other host, with the deployment's heartbeat settings.

    DATABASE_URL=postgres://... REDIS_URL=redis://127.0.0.1:6379/<db no worker uses> \\
        .venv/bin/python bench/host_loss.py [--frames 300] \\
        [--heartbeat 10] [--lost-after 60]

Two real `celery -A config worker` hosts (bench/render_hosts.py's), no beat and so no
sweep: the surviving host's heartbeat is what hands the render back. Host A takes the
render; once it is rendering, host A's worker and its render processes are SIGKILLed (the
machine dies). Expected: lost-after + at most one heartbeat + the start on host B.
"""
import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from render_hosts import FPS, HEIGHT, WIDTH, throwaway_database, wait, worker  # noqa: E402  (sets Django up)

from django.contrib.auth import get_user_model  # noqa: E402

from clips.demo import DEMO_CLIPS  # noqa: E402
from clips.models import Clip  # noqa: E402
from farm.backends import local_process  # noqa: E402
from farm.backends.local import build_bundle  # noqa: E402
from renders.models import Render, RenderHost  # noqa: E402
from renders.requests import services  # noqa: E402


def measure(*, scratch, frames, heartbeat, lost_after):
    os.environ["RENDER_HOST_HEARTBEAT_SECONDS"] = str(heartbeat)
    os.environ["RENDER_HOST_LOST_AFTER_SECONDS"] = str(lost_after)
    bundle_dir = scratch / "bundles"
    build_bundle(bundle_dir)
    user = get_user_model().objects.create_user("bench-host-loss")
    clip = DEMO_CLIPS[0]
    target = Clip.objects.create(
        owner=user, name=clip.name, code=clip.code, duration_in_frames=frames, fps=FPS
    )
    with worker("loss-a", scratch / "loss-a", bundle_dir, 1) as host_a:
        wait(lambda: RenderHost.objects.filter(name="loss-a").exists(), 60, "host a registered")
        render = services.render_request(
            user=user, kind="clip", target=target, size=(WIDTH, HEIGHT), skip_quota=True
        )
        running = Render.objects.filter(pk=render.pk, status="rendering", progress__gt=0)
        wait(lambda: running.filter(host__name="loss-a").exists(), 120, "the render running on host a")
        with worker("loss-b", scratch / "loss-b", bundle_dir, 1):
            wait(lambda: RenderHost.objects.filter(name="loss-b").exists(), 60, "host b registered")
            killed_at = time.perf_counter()
            host_a.send_signal(signal.SIGKILL)
            for job in local_process.marked_jobs():
                if Path(job).is_relative_to(scratch / "loss-a"):
                    local_process.kill_leftovers(Path(job))
            patience = lost_after + 10 * heartbeat + 120
            wait(lambda: running.filter(host__name="loss-b").exists(), patience, "the render on host b")
            recovered = time.perf_counter() - killed_at
            done = Render.objects.filter(pk=render.pk, status="complete")
            wait(done.exists, 600, "the render done")
    render = Render.objects.select_related("host").get(pk=render.pk)
    return recovered, f"render {render.pk} {render.status}, attempt {render.attempt}: {render.restart_note}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--heartbeat", type=int, default=10, help="RENDER_HOST_HEARTBEAT_SECONDS")
    parser.add_argument("--lost-after", type=int, default=60, help="RENDER_HOST_LOST_AFTER_SECONDS")
    args = parser.parse_args()
    with throwaway_database(), tempfile.TemporaryDirectory(prefix="montage-bench-loss-") as scratch:
        recovered, outcome = measure(
            scratch=Path(scratch), frames=args.frames, heartbeat=args.heartbeat, lost_after=args.lost_after
        )
    print(f"heartbeat every {args.heartbeat} s, a host is lost after {args.lost_after} s of silence")
    print(f"kill of host a -> the render rendering again (progress > 0) on host b: {recovered:.1f} s")
    print(f"  (host a's last heartbeat was up to {args.heartbeat} s before the kill; then lost-after,")
    print("  then up to one heartbeat of host b, then the start on b)")
    print(outcome)


if __name__ == "__main__":
    main()
