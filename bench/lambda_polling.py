"""How many live Lambda renders one worker box tracks, and how fast starts and webhooks land.

Runs the real processes (the `polls` worker, one process per core running the batch
poller, beat, a default-queue worker for starts, and a web server for webhooks) against
bench/fast_farm.py, a fake Remotion Lambda and render bucket answering every call after
50 ms. Needs PostgreSQL and Redis:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/montage_bench REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/lambda_polling.py [--renders 250,500,1000,2000] [--seconds 20]

(`make bench-lambda` runs it.) Phase 1, per N: N renders in `rendering`, polled every 2 s
(no webhooks, as today's clips), while new renders are requested 5 times a second:
polls/s, poll lag (the extra time between two reads of a render's progress file, beyond
2 s), the polls worker's CPU per poll, the CPUs it and the whole machine used, request ->
farm start latency. Phase 2, with webhooks: renders that finish 3 s after their start,
completion noticed after the farm finished, Lambda invocations per render. The figures go
to stdout.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.lambda_box import Workers, farm_env, free_port, machine_cpu, spawn, wait_for  # noqa: E402

POLL_INTERVAL = 2.0
WEBHOOK_SECRET = "bench-webhook-secret-0123456789abcdef"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", default="250,500,1000,2000")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured window per N")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--poll-processes", type=int, default=2, help="processes of the polls worker (one per core)")
    parser.add_argument("--webhook-renders", type=int, default=40)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the benchmark runs real worker processes.")

    _create_database(os.environ["DATABASE_URL"])
    farm_port = free_port()
    farm = subprocess.Popen([sys.executable, str(ROOT / "bench" / "fast_farm.py"), str(farm_port), str(args.latency)])
    farm_url = f"http://127.0.0.1:{farm_port}"
    os.environ.update(farm_env(farm_url))
    os.environ["POLL_PROCESSES"] = str(args.poll_processes)  # beat sends each process its runs
    try:
        wait_for(farm_url + "/__stats")
        bench = Bench(farm_url, args)
        print(f"fake farm: {args.latency * 1000:.0f} ms per call; polls worker: {args.poll_processes} processes, "
              f"{os.environ.get('POLL_CONCURRENT_READS', '200')} reads in flight each; {os.cpu_count()} CPUs, load average before: "
              f"{os.getloadavg()[0]:.1f} (other processes compete for them)")
        print(f"{'live':>6} {'polls/s':>8} {'lag p50':>8} {'lag p99':>8} {'lag max':>8} {'CPU/poll':>9} "
              f"{'polls CPUs':>10} {'box CPUs':>8} {'start p50':>10} {'start p99':>10}")
        rows = {}
        for count in [int(n) for n in args.renders.split(",")]:
            row = rows[count] = bench.tracking(count)
            print(f"{count:>6} {row['rate']:>8.0f} {row['lag50']:>7.2f}s {row['lag99']:>7.2f}s {row['lagmax']:>7.2f}s "
                  f"{row['cpu'] * 1000:>7.2f}ms {row['cores']:>10.2f} {row['machine']:>8.2f} {row['start50']:>9.3f}s "
                  f"{row['start99']:>9.3f}s ({row['started']}/{row['requested']} started)")
        _summary(rows)
        bench.webhooks()
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        farm.terminate()
        farm.wait()


def _summary(rows):
    kept_up = [count for count, row in rows.items() if row["lag99"] < 1.0 and row["start99"] < 0.3]
    print(f"\nhighest N with poll lag p99 < 1 s and request -> farm start p99 < 0.3 s: "
          f"{max(kept_up) if kept_up else 'none of those tried'}")
    missed = [count for count in rows if count not in kept_up]
    if missed:
        count = min(missed)
        row = rows[count]
        print(f"bottleneck at {count}: {row['rate']:.0f} polls/s of the {count / POLL_INTERVAL:.0f} needed, the polls "
              f"worker's CPU: {row['cores']:.2f} CPUs at {row['cpu'] * 1000:.2f} ms per poll (Celery run, claim and "
              f"store queries, a presigned GET, parsing), with the whole machine at {row['machine']:.2f} of its "
              f"{os.cpu_count()} (the fake farm, PostgreSQL, Redis and this script run on it too)")


class Bench:
    def __init__(self, farm_url, args):
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        self.farm_url = farm_url
        self.args = args
        self.user, self.clip = _owner_and_clip()

    def tracking(self, count):
        """N live renders polled every 2 s while new renders are requested."""
        from renders.models import Render

        _reset()
        ids = _live_renders(self.user, self.clip, count)
        with Workers(self.args) as workers:
            _fall_due_over(ids, POLL_INTERVAL)
            # Warm up: every render polled a few times, every start process has its clients.
            self._request_renders(POLL_INTERVAL * 3)
            cpu_before, machine_before, started = workers.cpu(), machine_cpu(), time.time()
            requested = self._request_renders(self.args.seconds)
            after, cpu_after, machine_after = self._stats(), workers.cpu(), machine_cpu()
            elapsed = time.time() - started
        window = [t for reads in after["reads"].values() for t in reads if started <= t <= started + elapsed]
        lags = [
            later - earlier - POLL_INTERVAL
            for reads in after["reads"].values()
            for earlier, later in zip(reads, reads[1:])
            if started <= later <= started + elapsed
        ]
        created = dict(Render.objects.filter(pk__in=requested).values_list("pk", "created_at"))
        start_latency = [
            after["starts"][f"montage-render-{pk}.mp4"] - created[pk].timestamp()
            for pk in requested
            if f"montage-render-{pk}.mp4" in after["starts"]
        ]
        return {
            "rate": len(window) / elapsed,
            "lag50": _percentile(lags, 50),
            "lag99": _percentile(lags, 99),
            "lagmax": max(lags, default=float("nan")),
            "cpu": (cpu_after - cpu_before) / max(1, len(window)),
            "cores": (cpu_after - cpu_before) / elapsed,
            "machine": (machine_after - machine_before) / elapsed,
            "start50": _percentile(start_latency, 50),
            "start99": _percentile(start_latency, 99) if len(start_latency) == len(requested) else float("inf"),
            "started": len(start_latency),
            "requested": len(requested),
        }

    def webhooks(self):
        """Renders that finish 3 s after starting, with webhooks: how soon each is complete."""
        from renders.models import Render

        _reset()
        web_port = free_port()
        os.environ.update(
            PUBLIC_BASE_URL=f"http://127.0.0.1:{web_port}", REMOTION_WEBHOOK_SECRET=WEBHOOK_SECRET
        )
        from django.conf import settings

        settings.PUBLIC_BASE_URL, settings.REMOTION_WEBHOOK_SECRET = os.environ["PUBLIC_BASE_URL"], WEBHOOK_SECRET
        _post(self.farm_url + "/__config", {"finish_after": 3.0})
        web = spawn([sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{web_port}"])
        try:
            wait_for(f"http://127.0.0.1:{web_port}/api/")
            with Workers(self.args):
                requested = self._request_renders(self.args.webhook_renders / 5)
                deadline = time.time() + 30
                while Render.objects.filter(pk__in=requested, status="complete").count() < len(requested):
                    if time.time() > deadline:
                        break
                    time.sleep(0.2)
        finally:
            web.terminate()
            web.wait()
        stats = self._stats()
        finished = stats["finished"]
        renders = list(Render.objects.filter(pk__in=requested))
        noticed = [
            r.completed_at.timestamp() - finished[r.farm_render_id]
            for r in renders
            if r.status == "complete" and r.farm_render_id in finished
        ]
        invocations = [r.lambda_invocations for r in renders]
        starts = sum(f"montage-render-{r.pk}.mp4" in stats["starts"] for r in renders)
        print(
            f"\nwebhooks: {len(noticed)}/{len(renders)} renders complete; noticed after the farm finished: "
            f"p50 {_percentile(noticed, 50):.3f}s, p99 {_percentile(noticed, 99):.3f}s"
        )
        print(
            f"Lambda invocations per render: {statistics.mean(invocations):.2f} "
            f"(start invocations {starts}, status invocations in the whole run {stats['status_calls']})"
        )

    def _request_renders(self, seconds):
        """Five render requests a second, through the same service as the API."""
        from renders.requests.services import render_request

        requested, started = [], time.time()
        while time.time() - started < seconds:
            render = render_request(user=self.user, kind="clip", target=self.clip, size=(320, 180), skip_quota=True)
            requested.append(render.pk)
            time.sleep(max(0.0, started + len(requested) / 5 - time.time()))
        time.sleep(1.0)  # the last start reaches the farm
        return requested

    def _stats(self):
        with urllib.request.urlopen(self.farm_url + "/__stats") as response:
            return json.loads(response.read())


def _owner_and_clip():
    from django.contrib.auth import get_user_model

    from clips.models import Clip

    user, _ = get_user_model().objects.get_or_create(username="lambda-bench")
    clip = Clip.objects.filter(owner=user).first() or Clip.objects.create(
        owner=user, name="bench", code="export default () => null;", duration_in_frames=30, fps=30
    )
    return user, clip


def _live_renders(user, clip, count):
    from datetime import timedelta

    from django.utils import timezone

    from renders.models import Render

    now = timezone.now()
    rows = [
        Render(owner=user, kind="clip", clip=clip, backend="lambda", status="rendering", composition_id="DynamicCode",
               input_props={}, width=320, height=180, fps=30, duration_in_frames=30, farm_render_id=f"bench{i:06d}",
               farm_bucket="remotionlambda-useast1-benchfarm", started_at=now, last_polled_at=now,
               deadline_at=now + timedelta(hours=1), poll_seq=1)
        for i in range(count)
    ]
    return [render.pk for render in Render.objects.bulk_create(rows, batch_size=500)]


def _fall_due_over(ids, seconds):
    """Spread the renders' first polls evenly over the next `seconds`, as renders started
    at random times would be."""
    from datetime import timedelta

    from django.utils import timezone

    from renders.models import Render

    now = timezone.now()
    rows = [Render(pk=pk, next_poll_at=now + timedelta(seconds=seconds * i / len(ids))) for i, pk in enumerate(ids)]
    Render.objects.bulk_update(rows, ["next_poll_at"], batch_size=500)


def _reset():
    from config.celery import app
    from renders.models import Render

    Render.objects.filter(owner__username="lambda-bench").delete()
    with app.connection_for_write() as conn:
        for queue in ("celery", "polls"):
            conn.default_channel.queue_purge(queue)


def _create_database(url):
    import dj_database_url
    import psycopg

    db = dj_database_url.parse(url)
    admin = dict(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None)
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def _post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    urllib.request.urlopen(request).close()


def _percentile(values, percent):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))]


if __name__ == "__main__":
    main()
