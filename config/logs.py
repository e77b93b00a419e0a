"""Log configuration: plain text by default, one JSON object per line with LOG_FORMAT=json.

Every line logged while a render is being worked on carries `render_id`: a render task
binds it in a context variable for as long as it runs (config/celery_hooks.py),
renders/lifecycle/history.py passes it with each event, and the filter on the console handler
copies it onto the record, so the lines of Django, Celery, boto and our own modules all
get it without passing it around.
"""
import contextvars
import logging
import re

_render_id = contextvars.ContextVar("render_id", default=None)
# Celery logs "Task ... received" in the worker's main process, before any task code
# runs; the tasks of renders.tasks take the render id as their first argument.
RENDER_TASK_PREFIX = "renders.tasks."
_FIRST_ARGUMENT = re.compile(r"^[(\[]\s*(\d+)")
ROUTINE_TASKS = ("renders.tasks.poll_due_renders",)
# The loggers of Celery's "Sending due task", "Task ... received", "... succeeded" and
# "Discarding revoked task" (a run that expired while it waited).
CELERY_TASK_LOGGERS = ("celery.beat", "celery.worker.strategy", "celery.app.trace", "celery.worker.request")


def render_id_bind(render_id):
    """Tag what this thread logs from now on with `render_id`; returns the token to unbind."""
    return _render_id.set(render_id)


def render_id_unbind(token):
    _render_id.reset(token)


class RenderIdFilter(logging.Filter):
    def filter(self, record):
        if getattr(record, "render_id", None) is None:
            render_id = _render_id.get() or _celery_task_render_id(record)
            if render_id is not None:
                record.render_id = render_id
        return True


class RoutineTaskFilter(logging.Filter):
    """Drops Celery's INFO lines (sent, received, succeeded) about ROUTINE_TASKS: beat sends
    the batch poller every second, and those lines would otherwise be most of the log."""

    def filter(self, record):
        return record.levelno > logging.INFO or not any(task in record.getMessage() for task in ROUTINE_TASKS)


def _celery_task_render_id(record):
    data = getattr(record, "data", None)
    if not isinstance(data, dict) or not str(data.get("name", "")).startswith(RENDER_TASK_PREFIX):
        return None
    match = _FIRST_ARGUMENT.match(str(data.get("args", "")))
    return int(match[1]) if match else None


def logging_config(*, log_format, level):
    """The LOGGING setting for LOG_FORMAT ("plain" or "json") and LOG_LEVEL."""
    formatters = {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "{asctime}{levelname}{name}{message}",
            "style": "{",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "render_id": {"()": "config.logs.RenderIdFilter"},
            "routine_tasks": {"()": "config.logs.RoutineTaskFilter"},
        },
        "formatters": {log_format: formatters[log_format]},
        "handlers": {
            # Standard error, so commands' own output on standard output stays clean.
            "console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["render_id"]}
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's defaults give these their own plain handlers (on the console while
            # DEBUG); without them every line comes out once, in LOG_FORMAT.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": level, "propagate": True},
            "django.db.backends": {"level": "WARNING"},
            **{name: {"filters": ["routine_tasks"]} for name in CELERY_TASK_LOGGERS},
        },
    }
