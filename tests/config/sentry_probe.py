"""Run by tests/config/test_sentry.py as its own process: one failing view request and one
failing Celery task with whatever SENTRY_DSN the environment holds, then a flush."""
import os
import sys

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
sys.path.insert(0, os.getcwd())
django.setup()

import sentry_sdk  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from config.celery import app  # noqa: E402


@app.task(name="probe.failing_task")
def failing_task():
    raise RuntimeError("probe task failure")


with override_settings(ROOT_URLCONF="tests.config.sentry_probe_urls", ALLOWED_HOSTS=["testserver"]):
    # Credentials come from the test, so the source lines Sentry sends along never hold them.
    secret = os.environ["PROBE_SECRET"]
    response = Client(raise_request_exception=False).get(
        "/boom/", HTTP_AUTHORIZATION=f"Token {secret}", HTTP_COOKIE=f"sessionid={secret}"
    )
    assert response.status_code == 500, response.status_code
failing_task.apply()
sentry_sdk.flush(timeout=10)
