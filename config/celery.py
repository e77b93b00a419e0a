import os
from pathlib import Path

from celery import Celery, signals
from django.db import close_old_connections

from config import celery_hooks  # noqa: F401  (connects the workers' signal handlers)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("montage")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# kombu's filesystem transport (the embedded broker) expects its folders to exist.
for option, folder in app.conf.broker_transport_options.items():
    if option.endswith(("_folder", "_folder_in", "_folder_out")):
        Path(folder).mkdir(parents=True, exist_ok=True)


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_old_database_connections(**kwargs):
    # What Django does around each request: keep the connection for CONN_MAX_AGE, drop it
    # once too old or broken. (CELERY_DB_REUSE_MAX stops the fixup closing it every task.)
    task = kwargs.get("sender")
    if not getattr(getattr(task, "request", None), "is_eager", False):
        close_old_connections()
# Every worker is part of its machine's render host and also consumes the host's queue
# (local polls and cancels), whatever -Q says: `celery -A config worker` is all it takes.
@signals.celeryd_after_setup.connect
def _join_render_host(sender, instance, **kwargs):
    from django.conf import settings

    from farm.host_worker import host_worker_setup
    from farm.hosts import host_queue

    instance.app.amqp.queues.select_add(host_queue(settings.RENDER_HOST_NAME))
    host_worker_setup()


@signals.worker_ready.connect
def _start_host_heartbeat(**kwargs):
    from farm.host_worker import host_worker_ready
    from renders.tasks import lost_hosts_restart

    host_worker_ready(on_heartbeat=lost_hosts_restart)


@signals.worker_shutdown.connect
def _stop_host_heartbeat(**kwargs):
    from farm.host_worker import host_worker_shutdown

    host_worker_shutdown()
