"""The multiprocess metrics directory: a service starting wipes only what its own previous
run and dead one-off processes left, and a real second process's counts show in /metrics."""
import os
import subprocess
import sys

import pytest
from django.conf import settings

from config import metrics_process
from tests.config.metrics_support import scrape, value

RECORD = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from config import metrics
metrics.farm_calls.labels(backend="local", operation="start", outcome="ok").inc(3)
"""


@pytest.fixture
def metrics_dir(tmp_path, monkeypatch):
    directory = tmp_path / "metrics"
    directory.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    yield directory
    metrics_process._service = None


def record_in_another_process(metrics_dir):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    env.pop("DATABASE_URL", None)
    process = subprocess.run([sys.executable, "-c", RECORD], cwd=settings.BASE_DIR, env=env, timeout=120)
    assert process.returncode == 0
    return process


@pytest.mark.django_db
def test_counts_of_another_process_show_in_metrics(client, metrics_dir):
    record_in_another_process(metrics_dir)
    record_in_another_process(metrics_dir)
    samples = scrape(client)
    assert value(samples, "montage_farm_calls_total", backend="local", operation="start", outcome="ok") == 6


def test_a_service_start_wipes_its_previous_run_and_dead_one_offs_only(metrics_dir):
    dead_pid = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout.strip()
    files = {
        f"counter_web-{dead_pid}.db": False,  # the web's previous run: wiped
        "histogram_web-1.db": False,
        f"counter_{dead_pid}.db": False,  # a finished one-off command: wiped
        f"counter_{os.getpid()}.db": True,  # a one-off still running: kept
        "counter_celery@box-1.db": True,  # another service, maybe still writing: kept
        "counter_xweb-1.db": True,
    }
    for name in files:
        (metrics_dir / name).write_bytes(b"")

    metrics_process.service_start("web")

    assert {name: (metrics_dir / name).exists() for name in files} == files
