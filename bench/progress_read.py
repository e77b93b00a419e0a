"""CPU per progress read of a Lambda render, as a polls worker makes it, against boto3's get_object.

    .venv/bin/python bench/progress_read.py [--renders 1000] [--reads 5000] [--threads 64] [--rounds 3]

Runs bench/fast_farm.py (answering at once) as the render bucket and reads the progress
file of N running renders through `LambdaBackend().progress(render)`: a URL presigned on
a render's first read and reused after, a GET over a keep-alive pool. Prints the CPU of
this process (all its threads) per read and reads per second, first reads (they presign)
apart from the rest, one thread and many, then the read alone through boto3's get_object,
as progress was read before, for comparison. Each figure is the median of the rounds. The
farm runs in a process of its own, so its CPU is not counted; it answers at once, so many
threads keep contending for the GIL, which costs CPU of its own. No database is needed.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fast_farm import BUCKET  # noqa: E402
from bench.lambda_box import farm_env, free_port, wait_for  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", type=int, default=1000)
    parser.add_argument("--reads", type=int, default=5000, help="reads per round")
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    port = free_port()
    farm = subprocess.Popen([sys.executable, str(ROOT / "bench" / "fast_farm.py"), str(port), "0"])
    farm_url = f"http://127.0.0.1:{port}"
    # Development settings: production's would demand a DATABASE_URL this bench never uses.
    os.environ.update(farm_env(farm_url), MONTAGE_ENV="development")
    try:
        wait_for(farm_url + "/__stats")
        import django

        django.setup()
        run(args)
    finally:
        farm.terminate()
        farm.wait()


def run(args):
    from farm.backends.lambda_ import LambdaBackend
    from farm.backends.lambda_progress import PROGRESS_KEY
    from renders.models import Render

    backend = LambdaBackend()
    renders = [Render(pk=n, backend="lambda", farm_render_id=f"bench{n:06d}", farm_bucket=BUCKET)
               for n in range(args.renders)]
    reads = [renders[n % len(renders)] for n in range(args.reads)]
    s3 = backend._s3()  # the client progress was read with before

    def progress(render):
        assert backend.progress(render).invocations == 0  # read from the file, never the status routine

    def get_object(render):
        s3.get_object(Bucket=BUCKET, Key=PROGRESS_KEY.format(render_id=render.farm_render_id))["Body"].read()

    print(f"{args.renders} renders, {args.reads} reads a round, median of {args.rounds} rounds; "
          f"{os.cpu_count()} CPUs, load average before: {os.getloadavg()[0]:.1f}")
    print(f"{'path':<46} {'threads':>7} {'CPU/read':>9} {'reads/s':>8}")
    get_object(renders[0])  # clients built and connected before anything is measured
    report("progress(): first read of a render (presigns)", progress, renders, 1, rounds=1)
    for threads in (1, args.threads):
        report("progress(): later reads (URL reused)", progress, reads, threads, args.rounds)
    for threads in (1, args.threads):
        report("boto3 get_object, the read alone (before)", get_object, reads, threads, args.rounds)


def report(label, read, renders, threads, rounds):
    cpu, wall = [], []
    for _ in range(rounds):
        cpu_before, wall_before = time.process_time(), time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:  # each thread reads its share in a loop
            list(pool.map(lambda n: [read(render) for render in renders[n::threads]], range(threads)))
        cpu.append(time.process_time() - cpu_before)
        wall.append(time.perf_counter() - wall_before)
    per_read, rate = statistics.median(cpu) / len(renders), len(renders) / statistics.median(wall)
    print(f"{label:<46} {threads:>7} {per_read * 1000:>7.3f}ms {rate:>8.0f}")


if __name__ == "__main__":
    main()
