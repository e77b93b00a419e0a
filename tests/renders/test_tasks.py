"""Task names are an interface: beat, the broker's queued messages and the code below the
tasks that queues them by name all use the dotted names the tasks had before renders/ was
split by role."""
from config.celery import app
from farm import hosts
from renders import tasks
from renders.lifecycle import webhooks
from renders.requests import services

OLD_NAMES = {
    "start_render", "record_start_render", "resolve_start_render", "poll_render", "poll_due_renders",
    "fill_output_size", "stop_farm_work", "sweep_renders", "delete_render_output", "expire_render_outputs",
    "prune_idempotency_keys",
}


def test_every_task_keeps_its_dotted_name_from_before_the_split():
    for name in OLD_NAMES:
        assert getattr(tasks, name).name == f"renders.tasks.{name}"
        assert app.tasks[f"renders.tasks.{name}"].run == getattr(tasks, name).run


def test_what_is_queued_by_name_and_scheduled_by_beat_names_a_registered_task():
    queued = {
        services.START_RENDER_TASK, services.DELETE_OUTPUT_TASK, webhooks.FILL_OUTPUT_SIZE_TASK,
        hosts.STOP_FARM_WORK_TASK,
    }
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert (queued | scheduled) <= set(app.tasks)
