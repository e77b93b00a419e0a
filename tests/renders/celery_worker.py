"""A real Celery worker process on Redis, for tests of the whole pipeline.

Needs REDIS_URL and a PostgreSQL DATABASE_URL (CI provides both): the worker is another
process, so it must reach the test database over the network.
"""
import os
import signal
import subprocess
import sys
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app


@pytest.fixture
def redis_broker():
    """Tasks queued by the code under test go to Redis while the test runs."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and a PostgreSQL DATABASE_URL")
    previous = celery_app.conf.broker_url
    _switch_broker(redis_url)
    # Messages other runs left behind must not reach our worker: not only the queues the app
    # purges, but the polls and render-host queues and the unacked messages of a killed
    # worker, which Redis would hand out again.
    redis.Redis.from_url(redis_url).flushdb()
    yield redis_url
    _switch_broker(previous)


def _switch_broker(url):
    # The producer pool is built once from broker_url; drop it so the next publish uses `url`.
    celery_app.conf.broker_url = url
    celery_app.conf.broker_transport_options = {}
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def celery_worker_process(redis_url, *, log_name="worker", loglevel="WARNING", beat=False, **env_overrides):
    """`celery -A config worker` against the test database; its log (`process.log_path`)
    is printed at the end (pytest shows it when the test failed). With `beat`, it also runs
    the beat schedule, which drives the batch poller of Lambda renders."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        # The worker logs through settings.LOGGING, whose level LOG_LEVEL sets.
        "LOG_LEVEL": loglevel,
        **{name: str(value) for name, value in env_overrides.items()},
    }
    command = [
        str(Path(sys.executable).with_name("celery")), "-A", "config", "--quiet", "worker", "--pool=solo",
        "--queues=celery,polls", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]
    log_path = Path(settings.MEDIA_ROOT).parent / f"{log_name}.log"
    if beat:
        command += ["--beat", f"--schedule={log_path.with_suffix('.beat-schedule')}"]
    with open(log_path, "w+") as log:
        # Its own process group: with --beat the worker has a beat child, which a test that
        # kills the worker (a lost machine) would otherwise leave running after the test.
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        process.log_path = log_path
        try:
            yield process
        finally:
            process.terminate()
            process.wait(timeout=30)
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            log.seek(0)
            print(f"--- {log_name} ---", log.read(), sep="\n")


def lambda_worker_process(redis_url, **env_overrides):
    """A worker with beat (which drives the batch poller) rendering on the fake Lambda
    this process is configured for (tests/fakes/lambda_fixtures.py)."""
    return celery_worker_process(
        redis_url,
        beat=True,
        RENDER_BACKEND="lambda",
        REMOTION_AWS_REGION=settings.REMOTION_AWS_REGION,
        REMOTION_LAMBDA_FUNCTION_NAME=settings.REMOTION_LAMBDA_FUNCTION_NAME,
        REMOTION_SERVE_URL=settings.REMOTION_SERVE_URL,
        **env_overrides,
    )
