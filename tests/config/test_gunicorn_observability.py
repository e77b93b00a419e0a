"""gunicorn.conf.py with a real gunicorn (two workers): the web service wipes only its own
previous run's metrics files at start, /metrics adds up both workers' counts, and with
LOG_FORMAT=json gunicorn's own lines are JSON too.

Needs a PostgreSQL DATABASE_URL (the server reads the test database for the live gauge).
"""
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from prometheus_client.mmap_dict import MmapedDict

from tests.config.metrics_support import scrape_text, value

pytest.importorskip("gunicorn")
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


def start_gunicorn(metrics_dir, log_path):
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))},
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "LOG_FORMAT": "json",
    }
    command = [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "--bind", "127.0.0.1:0",
               "--workers", "2", "--access-logfile", "-"]
    log = open(log_path, "w")
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not (match := _LISTENING.search(log_path.read_text())):
        assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
        time.sleep(0.2)
    return process, int(match[1])


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return response.read().decode()


def test_gunicorn_workers_share_metrics_and_log_json(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL DATABASE_URL")
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    for name in ("counter_web-1.db", "counter_celery@box-1.db"):  # the web's last run; a live worker
        MmapedDict(str(metrics_dir / name)).close()
    log_path = tmp_path / "gunicorn.log"

    process, port = start_gunicorn(metrics_dir, log_path)
    try:
        for _ in range(20):  # sync workers: the requests spread over both
            get(port, "/accounts/login/")
        samples = scrape_text(get(port, "/metrics"))
    finally:
        process.terminate()
        process.wait(timeout=30)

    login = {"view": "login", "method": "GET", "status": "200"}
    assert value(samples, "montage_http_request_duration_seconds_count", **login) == 20
    files = sorted(path.name for path in metrics_dir.iterdir())
    assert "counter_web-1.db" not in files and "counter_celery@box-1.db" in files
    assert any(re.fullmatch(r"histogram_web-\d+\.db", name) for name in files), files
    records = [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]
    assert any(r["logger"] == "gunicorn.access" and "/accounts/login/" in r["message"] for r in records)
