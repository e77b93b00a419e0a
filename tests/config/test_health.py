"""/healthz and /readyz in process; tests/config/test_production.py probes the real server."""
import pytest

from config.celery import app as celery_app


@pytest.fixture
def ready_backend(settings, remotion_bundle_dir):
    settings.RENDER_BACKEND = "local"
    settings.LOCAL_RENDER_BUNDLE_DIR = remotion_bundle_dir


def test_healthz_answers_without_touching_anything(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")  # a probe by IP address
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_each_check(client, db, ready_backend):
    response = client.get("/readyz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert {name: check["status"] for name, check in checks.items()} == {
        "database": "ok", "broker": "ok", "cache": "ok", "render_backend": "ok",
    }
    # Never silently unsealed: the report says how local renders are kept off the network.
    assert checks["render_backend"]["sandbox"] == "network namespace"


def test_readyz_says_when_local_renders_run_without_a_namespace(client, db, ready_backend, settings):
    settings.RENDER_NETWORK_ISOLATION = "off"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["render_backend"]["sandbox"] == "no network namespace (RENDER_NETWORK_ISOLATION=off)"


def test_a_local_backend_without_a_bundle_is_not_ready(client, db, settings, tmp_path):
    settings.LOCAL_RENDER_BUNDLE_DIR = tmp_path / "no-bundles-here"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["render_backend"] == {
        "status": "error", "error": "No Remotion bundle built yet: run `manage.py build_bundle`.",
        "ms": response.json()["checks"]["render_backend"]["ms"],
    }


def test_a_lambda_backend_without_its_settings_is_not_ready(client, db, settings):
    settings.RENDER_BACKEND = "lambda"
    settings.REMOTION_AWS_REGION = "eu-central-1"
    settings.REMOTION_LAMBDA_FUNCTION_NAME = None
    settings.REMOTION_SERVE_URL = None
    response = client.get("/readyz")
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "error"
    assert report["checks"]["render_backend"]["error"] == "Missing REMOTION_LAMBDA_FUNCTION_NAME, REMOTION_SERVE_URL."
    assert report["checks"]["database"]["status"] == "ok"
    assert "eu-central-1" not in response.content.decode()  # names settings, never their values


def test_a_dead_broker_is_a_quick_503_that_names_no_address(client, db, ready_backend, unused_port):
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis://:hunter2@127.0.0.1:{unused_port}/0"
    try:
        response = client.get("/readyz")
    finally:
        celery_app.conf.broker_url = previous
    assert response.status_code == 503
    broker = response.json()["checks"]["broker"]
    assert broker["status"] == "error"
    assert broker["ms"] < 5000
    body = response.content.decode()
    assert "hunter2" not in body and str(unused_port) not in body


def test_a_probe_is_never_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_readyz_reports_the_warm_renderer_without_depending_on_it(client, db, ready_backend, warm_pool, settings):
    settings.LOCAL_RENDER_CONCURRENCY = 2
    assert client.get("/readyz").json()["warm_renderer"] == {"enabled": True, "slots": 2, "ready": 0, "busy": 0}

    settings.RENDER_BROWSER_MEMORY_MB = 512
    warm_pool.serve(settings)  # slot 0 only

    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["warm_renderer"] == {"enabled": True, "slots": 2, "ready": 1, "busy": 0}
