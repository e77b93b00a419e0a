"""Every Prometheus metric Montage records, in one place (exposed by config/metrics_view.py).

Labels are bounded sets only (route names, methods, status codes, render kinds, backends,
error codes): never a path, an id or a message.

Without PROMETHEUS_MULTIPROC_DIR (development, tests) values live in this process's
memory. With it, prometheus-client keeps each process's values in files in that
directory, so web's /metrics adds up what every web and worker process on the machine
counted (config/metrics_process.py names and cleans those files). prometheus-client
reads the variable when it is imported, so it must be in the environment at start.

Every metric has labels: a labelled metric creates no value (and in multiprocess mode no
file) until it is first used, after config/metrics_process.py has named the process.
"""
from prometheus_client import Counter, Histogram

from config import metrics_process

metrics_process.configure()

# Seconds; renders take seconds to minutes, requests milliseconds to seconds.
_REQUEST_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
_RENDER_BUCKETS = (1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 900, 1800)
_FARM_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 150)
_LAG_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300)

http_request_duration = Histogram(
    "montage_http_request_duration_seconds",
    "Time to answer an HTTP request, by route name, method and status code.",
    ["view", "method", "status"],
    buckets=_REQUEST_BUCKETS,
)

render_outcomes = Counter(
    "montage_render_outcomes",
    "Renders that reached a final status, by status and error code (empty unless failed).",
    ["kind", "backend", "status", "error_code"],
)

render_duration = Histogram(
    "montage_render_duration_seconds",
    "Time from the farm accepting a render to its final status.",
    ["kind", "backend", "status"],
    buckets=_RENDER_BUCKETS,
)

render_queue_wait = Histogram(
    "montage_render_queue_wait_seconds",
    "Time from a render's request to the farm accepting it.",
    ["kind", "backend"],
    buckets=_RENDER_BUCKETS,
)

farm_calls = Counter(
    "montage_farm_calls",
    "Calls to a render backend, by backend, operation and outcome "
    "(ok, transient_error, fatal_error, error).",
    ["backend", "operation", "outcome"],
)

farm_call_duration = Histogram(
    "montage_farm_call_duration_seconds",
    "Time a render backend call took, whatever its outcome.",
    ["backend", "operation"],
    buckets=_FARM_BUCKETS,
)

poll_lag = Histogram(
    "montage_render_poll_lag_seconds",
    "How late a scheduled poll task ran compared with when it was due, by queue.",
    ["queue"],
    buckets=_LAG_BUCKETS,
)
