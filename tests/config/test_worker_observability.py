"""A real Celery worker process renders against the fake Lambda with a shared metrics
directory and LOG_FORMAT=json: web's /metrics (this process) shows what the worker
counted, the worker's own exporter serves the same, and every worker log line is one JSON
object, render lines carrying render_id.

Needs REDIS_URL and a PostgreSQL DATABASE_URL (the worker reaches the test database).
"""
import json
import os
import socket
import time
import urllib.error
import urllib.request

import pytest

from renders.models import Render
from tests.config.metrics_support import delta, scrape, scrape_text, value
from tests.factories import ClipFactory
from tests.fakes.remotion_farm import Done, Progress
from tests.renders.celery_worker import lambda_worker_process

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TOKEN = "worker-metrics-token"
COMPLETE = {"kind": "clip", "backend": "lambda", "status": "complete", "error_code": ""}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_final(render_id, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        render = Render.objects.get(pk=render_id)
        if render.is_final:
            return render
        time.sleep(0.2)
    raise AssertionError(f"render {render_id} still {render.status} after {timeout}s")


def eventually(read, check, timeout=10):
    deadline = time.monotonic() + timeout
    while not check(result := read()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return result


def exporter_text(port, token=TOKEN):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


def wait_for_exporter(port, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return exporter_text(port)
        except (ConnectionError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_worker_metrics_reach_web_and_the_exporter_and_its_logs_are_json_with_render_ids(
    api, client, user, fake_lambda, redis_broker, tmp_path, monkeypatch, settings
):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir))  # this process plays the web
    settings.METRICS_TOKEN = TOKEN
    auth = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    port = free_port()
    clip = ClipFactory(owner=user, duration_in_frames=30)
    fake_lambda.farm.script_next_render(Progress(0.5), Done())
    stop_clock = fake_lambda.farm.run_clock(0.5)

    with lambda_worker_process(
        redis_broker,
        PROMETHEUS_MULTIPROC_DIR=metrics_dir,
        METRICS_TOKEN=TOKEN,
        WORKER_METRICS_PORT=port,
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
    ):
        wait_for_exporter(port)
        before = scrape(client, **auth)
        render_id = api.post(f"/api/clips/{clip.pk}/render/", {}, format="json").json()["id"]
        assert wait_for_final(render_id).status == "complete"
        # The worker counts the outcome just after committing the final status.
        after = eventually(
            lambda: scrape(client, **auth),
            lambda samples: value(samples, "montage_render_outcomes_total", **COMPLETE),
        )
        exported = scrape_text(exporter_text(port))
        with pytest.raises(urllib.error.HTTPError) as refused:
            exporter_text(port, token="wrong")
        assert refused.value.code == 403
    stop_clock()

    assert delta(before, after, "montage_render_outcomes_total", **COMPLETE) == 1
    farm = {"backend": "lambda", "outcome": "ok"}
    assert delta(before, after, "montage_farm_calls_total", **farm, operation="start") == 1
    assert delta(before, after, "montage_farm_calls_total", **farm, operation="progress") >= 1
    assert delta(before, after, "montage_render_duration_seconds_count", kind="clip", backend="lambda",
                 status="complete") == 1
    # The polls (on their own queue) were scheduled with a countdown: their lateness was measured.
    assert delta(before, after, "montage_render_poll_lag_seconds_count", queue="polls") >= 1
    assert value(exported, "montage_render_outcomes_total", **COMPLETE) == 1
    assert not any(name == "montage_renders_live" for name, _ in exported)  # web's gauge only
    assert value(after, "montage_renders_live", status="rendering", kind="clip") == 0

    lines = [line for line in (tmp_path / "worker.log").read_text().splitlines() if line.strip()]
    if os.geteuid() == 0:
        # Celery warns about running as root before any logging is set up (never in production).
        start = next(i for i, line in enumerate(lines) if "SecurityWarning" in line)
        end = next(i for i, line in enumerate(lines) if "_warn_or_raise_security_error" in line)
        lines = lines[:start] + lines[end + 1:]
    # Celery's signal handler prints this with print(), not through logging.
    lines = [line for line in lines if line != "worker: Warm shutdown (MainProcess)"]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records)
    about_render = [
        r for r in records
        if r["logger"] == "renders.lifecycle.history" or "renders.tasks.start_render" in r["message"]
        or "renders.tasks.poll_render" in r["message"]
    ]
    kinds = {r.get("event") for r in about_render}
    assert {"started", "completed"} <= kinds
    celery_lines = [r for r in about_render if r["logger"].startswith("celery")]
    assert any("received" in r["message"] for r in celery_lines)
    assert any("succeeded" in r["message"] for r in celery_lines)
    assert all(r.get("render_id") == render_id for r in about_render), about_render
