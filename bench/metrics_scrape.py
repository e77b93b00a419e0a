"""What the multiprocess metrics cost: one scrape of /metrics adding up N processes' files,
and one histogram observation written to a file versus kept in memory.

    .venv/bin/python bench/metrics_scrape.py [--processes 20] [--routes 40]

Each of N real processes records a realistic spread of series into a shared
PROMETHEUS_MULTIPROC_DIR (every route x method x status, every farm operation and
outcome, render outcomes); then this process times the exposition /metrics serves (without
the database gauge). Not part of the tests.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

RECORD = """
import sys, time
from config import metrics
routes = int(sys.argv[1])
for route in range(routes):
    for method in ("GET", "POST"):
        for status in ("200", "404", "500"):
            metrics.http_request_duration.labels(view=f"route-{route}", method=method, status=status).observe(0.05)
for backend in ("local", "lambda"):
    for operation in ("start", "progress", "cancel"):
        for outcome in ("ok", "transient_error", "fatal_error"):
            metrics.farm_calls.labels(backend=backend, operation=operation, outcome=outcome).inc()
            metrics.farm_call_duration.labels(backend=backend, operation=operation).observe(0.2)
    for status, code in (("complete", ""), ("failed", "render_failed"), ("failed", "timed_out")):
        metrics.render_outcomes.labels(kind="clip", backend=backend, status=status, error_code=code).inc()
        metrics.render_duration.labels(kind="clip", backend=backend, status=status).observe(30)
if len(sys.argv) > 2:
    child = metrics.farm_call_duration.labels(backend="local", operation="progress")
    n = int(sys.argv[2])
    began = time.perf_counter()
    for _ in range(n):
        child.observe(0.2)
    print((time.perf_counter() - began) / n * 1e6)
"""


def run_recorder(directory, routes, observations=None):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": directory} if directory else dict(os.environ)
    if not directory:
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    args = [sys.executable, "-c", RECORD, str(routes)] + ([str(observations)] if observations else [])
    return subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=20)
    parser.add_argument("--routes", type=int, default=40)
    parser.add_argument("--scrapes", type=int, default=10)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        for _ in range(options.processes):
            run_recorder(directory, options.routes)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
        import django

        django.setup()
        from config.metrics_view import exposition

        timings, size = [], 0
        for _ in range(options.scrapes):
            began = time.perf_counter()
            size = len(exposition(live_renders=False))
            timings.append(time.perf_counter() - began)
        files = len(os.listdir(directory))
        print(f"scrape of {options.processes} processes ({files} files, {size / 1024:.0f} KiB of text): "
              f"median {statistics.median(timings) * 1000:.1f} ms over {options.scrapes} scrapes")

        with tempfile.TemporaryDirectory() as fresh:
            in_file = float(run_recorder(fresh, 1, observations=100_000))
        in_memory = float(run_recorder(None, 1, observations=100_000))
        print(f"one histogram observation: {in_file:.2f} us to a file, {in_memory:.2f} us in memory")


if __name__ == "__main__":
    main()
