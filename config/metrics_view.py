"""GET /metrics in Prometheus' text format, the request-latency middleware, and the small
exporter a worker-only machine can serve instead.

METRICS_TOKEN, when set, must arrive as `Authorization: Bearer <token>`. When it is unset
the endpoint is open in development and answers 404 in production, so a production
deployment never exposes its metrics by accident.
"""
import hmac
import logging
import threading
import time
from http import HTTPStatus
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from config import metrics
from config.health import HealthMiddleware
from config.metrics_process import multiproc_dir
from renders.models import Render

logger = logging.getLogger(__name__)
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class LiveRendersCollector:
    """Renders pending or rendering, by status and kind, counted in the database at scrape
    time: a gauge kept up to date by the workers would drift whenever one died mid-update."""

    def collect(self):
        counts = {(status, kind): 0 for status in Render.LIVE_STATUSES for kind in Render.Kind.values}
        try:
            rows = list(
                Render.objects.filter(status__in=Render.LIVE_STATUSES)
                .values_list("status", "kind")
                .annotate(n=Count("id"))
                .order_by()
            )
        except DatabaseError as exc:
            # The other metrics matter most when the database is in trouble: serve them.
            logger.warning("Live renders gauge left out of this scrape: %s", exc)
            return
        for status, kind, n in rows:
            counts[(status, kind)] = n
        gauge = GaugeMetricFamily(
            "montage_renders_live",
            "Renders pending or rendering, by status and kind.",
            labels=["status", "kind"],
        )
        for (status, kind), n in sorted(counts.items()):
            gauge.add_metric([str(status), str(kind)], n)
        yield gauge


def exposition(*, live_renders):
    """Every process's metrics on this machine (or this process's, without a multiprocess
    directory), plus the database-wide live renders gauge when `live_renders`."""
    directory = multiproc_dir()
    if directory:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=directory)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    if live_renders:
        live = CollectorRegistry()
        live.register(LiveRendersCollector())
        body += generate_latest(live)
    return body


def metrics_refusal(authorization):
    """The HTTP status refusing a metrics request with this Authorization header, or None."""
    token = settings.METRICS_TOKEN
    if not token:
        return 404 if settings.PRODUCTION else None
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        return 401
    return None if hmac.compare_digest(given.strip().encode(), token.encode()) else 403


def metrics_view(request):
    refused = metrics_refusal(request.headers.get("Authorization"))
    if refused == 404:
        raise Http404
    if refused:
        response = JsonResponse(
            {"code": "metrics_unauthorized", "detail": "Metrics need `Authorization: Bearer <token>`."},
            status=refused,
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(live_renders=True), content_type=CONTENT_TYPE_LATEST)


class RequestMetricsMiddleware:
    """Times every request, labelled by its route name: never the raw path, whose ids
    would make a new series per object."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        began = time.perf_counter()
        response = self.get_response(request)
        metrics.http_request_duration.labels(
            view=_route_label(request),
            method=request.method if request.method in _METHODS else "other",
            status=str(response.status_code),
        ).observe(time.perf_counter() - began)
        return response


def _route_label(request):
    if request.resolver_match:
        return request.resolver_match.view_name
    # Answered by a middleware before URL resolution (probes, static files), or no route.
    if request.path_info in HealthMiddleware.paths:
        return request.path_info.lstrip("/")
    return "<static>" if request.path.startswith(settings.STATIC_URL) else "<unresolved>"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # every scrape would otherwise print a line
        pass


def _exporter_app(environ, start_response):
    refused = metrics_refusal(environ.get("HTTP_AUTHORIZATION"))
    if refused:
        start_response(f"{refused} {HTTPStatus(refused).phrase}", [("Content-Type", "text/plain")])
        return [b"Metrics need the METRICS_TOKEN bearer token.\n"]
    # A worker machine serves what its processes counted; the database-wide live renders
    # gauge comes from web's /metrics only, so it is not counted once per machine.
    start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
    return [exposition(live_renders=False)]


def worker_exporter_start(bind, port):
    """Serve this machine's metrics on bind:port from a daemon thread of the worker."""
    server = make_server(bind, port, _exporter_app, _ThreadingWSGIServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics-exporter", daemon=True).start()
    return server
