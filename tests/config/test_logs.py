"""LOG_FORMAT=json through the real formatter and filter of config/logs.py: one JSON object
per line, `render_id` on the lines about a render. (A real worker's log: see
tests/config/test_worker_observability.py.)"""
import json
import logging
import logging.config

import pytest

from config.logs import logging_config, render_id_bind, render_id_unbind
from tests.factories import RenderFactory


@pytest.fixture
def json_line():
    """Formats a record as the console handler does with LOG_FORMAT=json."""
    config = logging_config(log_format="json", level="INFO")
    configurator = logging.config.DictConfigurator(config)
    formatter = configurator.configure_formatter(config["formatters"]["json"])
    render_filter = configurator.configure_filter(config["filters"]["render_id"])

    def format_record(record):
        render_filter.filter(record)
        line = formatter.format(record)
        assert "\n" not in line
        return json.loads(line)

    return format_record


@pytest.mark.django_db
def test_a_cancel_through_the_api_logs_a_line_with_the_render_id(api, user, caplog, json_line):
    render = RenderFactory(owner=user, status="pending")
    with caplog.at_level(logging.INFO):
        assert api.post(f"/api/renders/{render.pk}/cancel/").status_code == 200

    (record,) = [r for r in caplog.records if getattr(r, "event", None) == "cancelled"]
    line = json_line(record)
    assert line["render_id"] == render.pk
    assert line["logger"] == "renders.lifecycle.history" and line["level"] == "INFO"
    assert line["message"].startswith(f"render {render.pk} cancelled")


def test_lines_logged_while_a_render_is_worked_on_carry_its_id(json_line):
    def record(message):
        return logging.getLogger("boto").makeRecord("boto", logging.WARNING, __file__, 1, message, (), None)

    token = render_id_bind(42)
    inside = json_line(record("throttled"))
    render_id_unbind(token)
    outside = json_line(record("unrelated"))
    assert inside["render_id"] == 42 and inside["message"] == "throttled"
    assert "render_id" not in outside


@pytest.mark.parametrize(
    "task, args, render_id",
    [("renders.tasks.poll_render", "(42,)", 42), ("renders.tasks.start_render", "[7]", 7),
     ("renders.tasks.sweep_renders", "()", None), ("other.app.task", "(42,)", None)],
)
def test_celerys_task_received_lines_get_the_render_id_of_the_task(json_line, task, args, render_id):
    # Celery's worker logs "Task ... received" before any task code runs, with the task's
    # name and argument repr in record.data.
    data = {"id": "c0ffee", "name": task, "args": args, "kwargs": "{}", "eta": None}
    record = logging.getLogger("celery.worker.strategy").makeRecord(
        "celery.worker.strategy", logging.INFO, __file__, 1, "Task %(name)s[%(id)s] received", (data,), None,
        extra={"data": data},
    )
    assert json_line(record).get("render_id") == render_id


@pytest.mark.parametrize(
    "logger, level, message, kept",
    [
        ("celery.beat", logging.INFO, "Scheduler: Sending due task poll-due-renders (renders.tasks.poll_due_renders)", False),
        ("celery.worker.strategy", logging.INFO, "Task renders.tasks.poll_due_renders[c0ffee] received", False),
        ("celery.app.trace", logging.INFO, "Task renders.tasks.poll_due_renders[c0ffee] succeeded in 1.0s: None", False),
        ("celery.app.trace", logging.ERROR, "Task renders.tasks.poll_due_renders[c0ffee] raised unexpected: boom", True),
        ("celery.app.trace", logging.INFO, "Task renders.tasks.start_render[c0ffee] succeeded in 0.1s: None", True),
    ],
)
def test_the_every_second_poller_runs_leave_no_info_lines_but_their_errors_stay(logger, level, message, kept):
    config = logging_config(log_format="plain", level="INFO")
    assert "routine_tasks" in config["loggers"][logger]["filters"]
    routine_filter = logging.config.DictConfigurator(config).configure_filter(config["filters"]["routine_tasks"])
    record = logging.getLogger(logger).makeRecord(logger, level, __file__, 1, message, (), None)
    assert routine_filter.filter(record) is kept
