"""gunicorn reads this file from the working directory by itself (the Procfile's command
line holds the bind address, workers and timeouts).

It makes the web process observable like the others: gunicorn's own error and access lines
go through Montage's LOGGING (LOG_FORMAT=json included), and the multiprocess metrics
directory is cleaned for the web service when it starts and when a worker exits.
"""
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings  # noqa: E402

from config.metrics_process import gunicorn_child_exit as child_exit  # noqa: E402,F401
from config.metrics_process import gunicorn_on_starting as on_starting  # noqa: E402,F401

# Without handlers of their own, gunicorn's loggers propagate to Montage's root handler.
logconfig_dict = {
    **settings.LOGGING,
    "loggers": {
        **settings.LOGGING["loggers"],
        "gunicorn.error": {"handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
    },
}
