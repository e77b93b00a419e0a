"""What Celery processes do for observability: name the worker's metrics files, serve
its metrics on worker-only machines, and tag every log line of a render task with the
render's id (Celery's own "received" / "succeeded" lines included)."""
import logging
import logging.config

from celery import signals
from django.conf import settings

from config import metrics_process
from config.logs import RENDER_TASK_PREFIX, render_id_bind, render_id_unbind

logger = logging.getLogger(__name__)
_log_contexts = {}


@signals.setup_logging.connect
def _logging(**kwargs):
    # Connected, this replaces Celery's own set-up: the worker and beat log through the
    # same LOGGING (LOG_FORMAT, LOG_LEVEL) as the web, Celery's own task lines included.
    logging.captureWarnings(True)  # as Django does: Python warnings become log lines too
    logging.config.dictConfig(settings.LOGGING)


@signals.celeryd_init.connect
def _worker_starting(sender, **kwargs):
    # In the worker's main process, before the pool forks: the children inherit the name.
    metrics_process.service_start(sender)


@signals.worker_ready.connect
def _worker_ready(**kwargs):
    if settings.WORKER_METRICS_PORT:
        from config.metrics_view import worker_exporter_start

        server = worker_exporter_start(settings.WORKER_METRICS_BIND, settings.WORKER_METRICS_PORT)
        logger.info("Serving metrics on %s:%s", *server.server_address[:2])


@signals.worker_process_shutdown.connect
def _worker_child_exit(**kwargs):
    metrics_process.process_exit()


@signals.task_prerun.connect
def _task_log_context(task_id, task, args, **kwargs):
    # Render tasks take the render id first; the retention task takes a dict and passes
    # the id with its own lines.
    if task.name.startswith(RENDER_TASK_PREFIX) and args and isinstance(args[0], int):
        _log_contexts[task_id] = render_id_bind(args[0])


@signals.task_postrun.connect
def _task_log_context_end(task_id, **kwargs):
    token = _log_contexts.pop(task_id, None)
    if token is not None:
        render_id_unbind(token)
