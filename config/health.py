"""Liveness and readiness for load balancers and orchestrators.

`/healthz` answers from memory (the process is up and serving). `/readyz` checks what a
request needs: the database, the broker, the cache and the configured render backend,
each bounded by a short timeout so a dead dependency is a quick 503, never a hung probe.
For the local backend it also says how renders are sealed from the network (`sandbox`).

Both are answered by HealthMiddleware, placed after SecurityMiddleware (the paths are in
SECURE_REDIRECT_EXEMPT, so plain-HTTP probes work) and before CommonMiddleware, which is
where Django validates the Host header: a probe addressed to the container's IP is not
in ALLOWED_HOSTS and must still get an answer. The bodies hold each check's state and,
for a failure, either the operator's message of a render backend that is not set up (what
is missing, never a setting's value) or the exception's type; addresses, credentials and
exception text go to the log.
"""
import logging
import time
import uuid

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from kombu import Connection

from farm import warm_supervisor
from farm.backends import BackendNotConfigured, get_backend, sandbox

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def healthz(request):
    return JsonResponse({"status": "ok"})


def readyz(request):
    checks = {name: _run(name, check) for name, check in CHECKS.items()}
    ready = all(result["status"] == "ok" for result in checks.values())
    body = {"status": "ok" if ready else "error", "checks": checks, "warm_renderer": _warm_renderer()}
    return JsonResponse(body, status=200 if ready else 503)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker():
    # Its own connection with a short connect timeout: the app's pool would retry for long.
    # The app found at run time, not imported: config/celery.py imports this module (through
    # its worker hooks and the metrics view).
    with Connection(
        current_app.conf.broker_url,
        connect_timeout=BROKER_TIMEOUT_SECONDS,
        transport_options=current_app.conf.broker_transport_options,
    ) as broker:
        broker.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)


def _cache():
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not return what was just stored")
    cache.delete(key)


def _render_backend():
    get_backend().check_ready()
    if settings.RENDER_BACKEND == "local":
        # Ready either way, but never silently unsealed: the report says how renders run.
        return {"sandbox": sandbox.isolation_summary()}
    return None


def _warm_renderer():
    # Reported, never a reason to refuse traffic: renders fall back to one process each.
    try:
        return warm_supervisor.readiness()
    except Exception:  # a readiness probe reports, it does not fail on a report
        logger.warning("readyz: the warm renderer report failed", exc_info=True)
        return {"enabled": True, "error": "unavailable"}


CHECKS = {"database": _database, "broker": _broker, "cache": _cache, "render_backend": _render_backend}


def _run(name, check):
    started = time.monotonic()
    try:
        details = check() or {}
    except BackendNotConfigured as err:
        # Written for operators ("Missing REMOTION_SERVE_URL."), names no secret.
        logger.warning("readyz: %s failed: %s", name, err)
        return {"status": "error", "error": err.message, "ms": _elapsed_ms(started)}
    except Exception as err:  # a readiness probe reports every failure, whatever its type
        logger.warning("readyz: %s failed", name, exc_info=True)
        return {"status": "error", "error": type(err).__name__, "ms": _elapsed_ms(started)}
    return {"status": "ok", **details, "ms": _elapsed_ms(started)}


def _elapsed_ms(started):
    return round((time.monotonic() - started) * 1000)


class HealthMiddleware:
    paths = {"/healthz": healthz, "/readyz": readyz}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = self.paths.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
