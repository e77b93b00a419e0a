"""The README's API walkthrough, run as written: its shell block, by bash, against a live
server and a real worker rendering on the fake Remotion Lambda.

Needs DATABASE_URL (PostgreSQL: the worker process must see the test database) and
REDIS_URL, as CI provides.
"""
import io
import re
import subprocess
import textwrap

import pytest
from django.conf import settings
from django.core.management import call_command

from renders.models import Render, RenderCharge
from tests.renders.celery_worker import lambda_worker_process

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PASSWORD = "a walkthrough password"


def walkthrough():
    """The indented code block of "## The API" that starts with `B=`, blank lines included."""
    readme = (settings.BASE_DIR / "README.md").read_text()
    section = readme[readme.index("## The API") : readme.index("| endpoint | what it does |")]
    block = re.search(r"^    B=.*?(?=^\S|\Z)", section, re.S | re.M).group(0)
    return textwrap.dedent(block).strip() + "\n"


def test_the_api_walkthrough_works_as_written(live_server, fake_lambda, redis_broker, monkeypatch, tmp_path):
    # The README's account step: `python manage.py create_editor editor` (password asked).
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD))
    call_command("create_editor", "editor", "--password-stdin", stdout=io.StringIO())
    script = walkthrough()
    assert script.startswith("B=http://127.0.0.1:8000\n")
    script = script.replace("B=http://127.0.0.1:8000", f"B={live_server.url}", 1)
    stop_clock = fake_lambda.farm.run_clock(0.3)

    with lambda_worker_process(redis_broker):
        # `read` takes the password from standard input, as it would from the keyboard.
        result = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", script],
            input=PASSWORD + "\n", capture_output=True, text=True, cwd=tmp_path, timeout=180, check=False,
        )
    stop_clock()

    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"render \d+ is complete", result.stdout), result.stdout
    assert (tmp_path / "movie.mp4").read_bytes()[4:8] == b"ftyp"
    assert '"renders":1,"complete":1' in result.stdout  # this month's usage, from today's date
    # The walkthrough ends by deleting the render; its accounting stays.
    assert not Render.objects.exists() and RenderCharge.objects.get().complete
