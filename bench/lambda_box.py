"""The processes of a worker box for the Lambda benchmarks (bench/lambda_polling.py,
bench/progress_read.py): its Celery workers and beat, the environment that points them at
bench/fast_farm.py, and the helpers that start and watch them."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Workers:
    """The processes of a box: the polls worker (prefork), the default queue's worker, beat."""

    def __init__(self, args):
        celery = str(Path(sys.executable).with_name("celery"))
        common = ["-A", "config", "worker", "--without-gossip", "--without-mingle", "--loglevel=WARNING"]
        self.commands = [
            # Prefork, as in the Procfile: each process runs the batch poller beat sends it.
            [celery, *common, "--queues=polls", "--hostname=polls@bench", f"--concurrency={args.poll_processes}"],
            [celery, *common, "--queues=celery", "--hostname=worker@bench", "--concurrency=2"],
            # Beat sends the batch poller its runs, as in production.
            [celery, "-A", "config", "beat", "--loglevel=WARNING", f"--schedule={ROOT / 'var' / 'bench-beat-schedule'}"],
        ]

    def __enter__(self):
        from config.celery import app

        self.processes = [spawn(command) for command in self.commands]
        names = {"polls@bench", "worker@bench"}
        deadline = time.time() + 120
        while time.time() < deadline:  # every worker connected and consuming
            if names <= {name for reply in app.control.ping(timeout=1.0) for name in reply}:
                return self
        raise RuntimeError("the workers did not start within 120 s")

    def __exit__(self, *exc):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait()

    def cpu(self):
        """CPU seconds used so far by the polls worker, its pool's processes included."""
        polls = self.processes[0].pid
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            if int(stat.parent.name) == polls or int(fields[1]) == polls:
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")


def farm_env(farm_url):
    """The environment that points a process's Lambda backend at bench/fast_farm.py."""
    return {
        # Production settings (no DEBUG query log), without the TLS redirect: the bench's
        # web server for webhooks is plain HTTP on loopback.
        "MONTAGE_ENV": "production",
        "SECRET_KEY": "bench-only-" + "0123456789abcdef" * 4,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "RENDER_BACKEND": "lambda",
        "REMOTION_AWS_REGION": "us-east-1",
        "REMOTION_LAMBDA_FUNCTION_NAME": "remotion-render-4-0-527-mem2048mb-disk2048mb-120sec",
        "REMOTION_SERVE_URL": "https://remotionlambda-useast1-benchfarm.s3.us-east-1.amazonaws.com/sites/m/index.html",
        "AWS_ENDPOINT_URL_LAMBDA": farm_url,
        "AWS_ENDPOINT_URL_S3": farm_url,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "RENDER_DEADLINE_SECONDS": "3600",
        "RENDER_STALE_AFTER_SECONDS": "600",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def machine_cpu():
    """CPU seconds the whole machine has used so far (every process, the fake farm and
    PostgreSQL included)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def spawn(command):
    """A process of the box; its output goes to var/bench-lambda.log, not into the figures."""
    log = ROOT / "var" / "bench-lambda.log"
    log.parent.mkdir(exist_ok=True)
    with open(log, "a") as output:
        return subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=output, stderr=subprocess.STDOUT)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, timeout=30):
    deadline = time.time() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # answering, even if with an error status
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)
