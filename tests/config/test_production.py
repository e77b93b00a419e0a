"""The production web process over real HTTP: gunicorn from the Procfile, WhiteNoise over
collectstatic, health and readiness, start-up refusals, the slow-body timeout, and /metrics
counting a render a worker finished."""
import json
import re
import socket
import time

import pytest
from rest_framework.authtoken.models import Token

from renders.models import Render
from tests.config.metrics_support import scrape_text, value
from tests.factories import ClipFactory, UserFactory
from tests.fakes.remotion_farm import Done, Progress
from tests.production_server import ROOT, procfile_command, start_production_server
from tests.renders.celery_worker import celery_worker_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

HASHED_CACHE = "max-age=315360000, public, immutable"


def _assets(html, pattern):
    return re.findall(rf'(?:href|src)="(/static/{pattern})"', html)


def _get_asset(server, path, content_type):
    response, body = server.get(path, headers={"Accept-Encoding": "gzip"})
    assert response.status == 200, path
    assert response.getheader("Content-Type").startswith(content_type), path
    assert response.getheader("Cache-Control") == HASHED_CACHE, path
    assert response.getheader("Content-Encoding") == "gzip", path
    assert body


def test_pages_are_styled_with_hashed_long_cached_static_files(production_server):
    response, body = production_server.get("/accounts/login/")
    assert response.status == 200
    html = body.decode()
    [css] = _assets(html, r"css/montage\.[0-9a-f]{12}\.css")
    [htmx] = _assets(html, r"vendor/htmx\.min\.[0-9a-f]{12}\.js")
    _get_asset(production_server, css, "text/css")
    _get_asset(production_server, htmx, "text/javascript")

    response, body = production_server.get("/admin/login/")
    assert response.status == 200
    for css in _assets(body.decode(), r"admin/css/[\w/.-]+\.[0-9a-f]{12}\.css"):
        _get_asset(production_server, css, "text/css")
    assert _assets(body.decode(), r"admin/css/base\.[0-9a-f]{12}\.css")


def test_the_api_docs_load_their_assets_from_the_server(production_server):
    response, body = production_server.get("/api/docs/")
    assert response.status == 200
    html = body.decode()
    [css] = _assets(html, r"drf_spectacular_sidecar/swagger-ui-dist/swagger-ui\.[0-9a-f]{12}\.css")
    [bundle] = _assets(html, r"drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle\.[0-9a-f]{12}\.js")
    _get_asset(production_server, css, "text/css")
    _get_asset(production_server, bundle, "text/javascript")


def test_plain_http_pages_redirect_but_probes_are_answered(production_server):
    response, _ = production_server.get("/accounts/login/", https=False)
    assert response.status == 301
    assert response.getheader("Location") == f"https://127.0.0.1:{production_server.port}/accounts/login/"
    # A load balancer probes the container by its address over plain HTTP.
    response, body = production_server.get("/healthz", https=False, headers={"Host": "10.0.0.7:8000"})
    assert (response.status, json.loads(body)) == (200, {"status": "ok"})


def test_readyz_is_green_with_every_dependency_up(production_server):
    response, body = production_server.get("/readyz", https=False)
    report = json.loads(body)
    assert response.status == 200, report
    assert report["status"] == "ok"
    assert {name: check["status"] for name, check in report["checks"].items()} == {
        "database": "ok", "broker": "ok", "cache": "ok", "render_backend": "ok",
    }


def test_readyz_answers_503_quickly_when_the_broker_is_down(transactional_db, production_server_env, tmp_path, unused_port):
    closed = f"redis://127.0.0.1:{unused_port}/0"
    with start_production_server(tmp_path / "gunicorn.log", REDIS_URL=closed, **production_server_env) as server:
        response, body = server.get("/readyz", https=False, timeout=20)
    report = json.loads(body)
    assert response.status == 503
    assert report["status"] == "error"
    assert report["checks"]["broker"]["status"] == "error"
    assert report["checks"]["database"]["status"] == "ok"
    assert str(unused_port) not in body.decode()  # no addresses in the body


def test_production_refuses_to_start_without_database_url(production_server_env, tmp_path):
    with start_production_server(
        tmp_path / "gunicorn.log", wait=False, DATABASE_URL=None, **production_server_env
    ) as server:
        server.process.wait(timeout=60)
        assert server.process.returncode != 0
        assert "DATABASE_URL is required in production" in server.log()


def test_a_body_shorter_than_its_content_length_does_not_pin_the_worker(production_server_env, tmp_path):
    """Sync workers: gunicorn kills a worker that stays silent past WEB_TIMEOUT, so a client
    that announces more body than it sends costs one worker that long, not forever."""
    with start_production_server(tmp_path / "gunicorn.log", WEB_TIMEOUT=3, **production_server_env) as server:
        stalled = socket.create_connection(("127.0.0.1", server.port))
        stalled.sendall(
            b"POST /api/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"username\": "
        )
        started = time.monotonic()
        # The only worker is blocked reading that body; this request waits for its replacement.
        response, _ = server.get("/healthz", https=False, timeout=30)
        assert response.status == 200
        assert time.monotonic() - started >= 2
        stalled.settimeout(5)
        # The killed worker's last act: a 500 to the stalled client, then the socket closes.
        reply = stalled.recv(1024)
        stalled.close()
        assert reply == b"" or reply.startswith(b"HTTP/1.1 500"), reply
        assert "WORKER TIMEOUT" in server.log()


def test_the_procfile_runs_web_the_two_worker_kinds_and_exactly_one_beat():
    lines = [line for line in (ROOT / "Procfile").read_text().splitlines() if line.strip()]
    assert [line.split(":", 1)[0] for line in lines] == ["web", "worker", "polls", "beat"]
    assert "--queues=celery " in procfile_command("worker")
    # One process per poller run that beat sends (POLL_PROCESSES): they must agree.
    assert "--queues=polls " in procfile_command("polls")
    assert "--concurrency=${POLL_PROCESSES:-2} " in procfile_command("polls")
    assert procfile_command("web").startswith("gunicorn config.wsgi ")
    assert procfile_command("beat").startswith("celery -A config --quiet beat ")


def test_metrics_count_a_render_that_a_worker_finished(
    transactional_db, production_server_env, tmp_path, fake_lambda, redis_broker, settings
):
    """Web (gunicorn from the Procfile) and a Celery worker share a metrics directory, as on
    one production machine: the render the worker drove shows in web's /metrics."""
    lambda_env = {
        "RENDER_BACKEND": "lambda",
        "REMOTION_AWS_REGION": settings.REMOTION_AWS_REGION,
        "REMOTION_LAMBDA_FUNCTION_NAME": settings.REMOTION_LAMBDA_FUNCTION_NAME,
        "REMOTION_SERVE_URL": settings.REMOTION_SERVE_URL,
        "PROMETHEUS_MULTIPROC_DIR": tmp_path / "metrics",
    }
    user = UserFactory()
    token = Token.objects.create(user=user).key
    clip = ClipFactory(owner=user, duration_in_frames=30)
    fake_lambda.farm.script_next_render(Progress(0.5), Done())
    stop_clock = fake_lambda.farm.run_clock(0.5)
    complete = {"kind": "clip", "backend": "lambda", "status": "complete", "error_code": ""}

    with start_production_server(
        tmp_path / "gunicorn.log", **production_server_env, **lambda_env, METRICS_TOKEN="metrics-secret"
    ) as server, celery_worker_process(redis_broker, beat=True, **lambda_env):
        response, body = server.request(
            "POST", f"/api/clips/{clip.pk}/render/", body="{}",
            headers={"X-Forwarded-Proto": "https", "Authorization": f"Token {token}",
                     "Content-Type": "application/json"},
        )
        assert response.status == 202, body
        render_id = json.loads(body)["id"]
        deadline = time.monotonic() + 60
        samples = {}
        while value(samples, "montage_render_outcomes_total", **complete) < 1:
            assert time.monotonic() < deadline, Render.objects.get(pk=render_id).status
            time.sleep(0.3)
            response, body = server.get("/metrics", headers={"Authorization": "Bearer metrics-secret"})
            assert response.status == 200
            samples = scrape_text(body.decode())
        unauthenticated, _ = server.get("/metrics")
    stop_clock()

    assert unauthenticated.status == 401
    assert Render.objects.get(pk=render_id).status == "complete"
    assert value(samples, "montage_farm_calls_total", backend="lambda", operation="start", outcome="ok") == 1
    clip_lambda = {"kind": "clip", "backend": "lambda"}
    assert value(samples, "montage_render_duration_seconds_count", **clip_lambda, status="complete") == 1
    assert value(samples, "montage_render_queue_wait_seconds_count", **clip_lambda) == 1
    request = {"view": "api-clip-render", "method": "POST", "status": "202"}
    assert value(samples, "montage_http_request_duration_seconds_count", **request) == 1
    assert value(samples, "montage_renders_live", status="rendering", kind="clip") == 0
