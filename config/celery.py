import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("montage")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# kombu's filesystem transport (the embedded broker) expects its folders to exist.
for option, folder in app.conf.broker_transport_options.items():
    if option.endswith(("_folder", "_folder_in", "_folder_out")):
        Path(folder).mkdir(parents=True, exist_ok=True)
