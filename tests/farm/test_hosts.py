"""Which host takes a render, where its polls and its stop go (farm/hosts.py)."""
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from config.celery import app as celery_app
from farm import hosts
from renders.lifecycle import routing
from renders.lifecycle.driver import render_drive
from renders.models import Render, RenderHost
from renders.requests import services
from tests.factories import RenderFactory, RenderHostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def here(settings):
    settings.RENDER_HOST_NAME = "here"
    settings.LOCAL_RENDER_CONCURRENCY = 2
    return RenderHostFactory(name="here", slots=2)


def running_on(host, status=Render.Status.RENDERING, **fields):
    return RenderFactory(host=host, status=status, claimed_at=timezone.now(), farm_render_id="local-1-999999", **fields)


def slot_taken():
    with transaction.atomic():
        return hosts.host_slot_take()


def queued_messages(queue):
    """Everything sent to `queue` on the tests' in-memory broker, taken off it."""
    with celery_app.connection_for_read() as conn:
        simple = conn.SimpleQueue(queue)
        messages = []
        while True:
            try:
                message = simple.get(timeout=0.05)
            except simple.Empty:
                return messages
            messages.append((message.headers["task"], *message.payload[0]))
            message.ack()


def test_a_host_counts_only_its_own_renders_against_its_slots(here):
    elsewhere = RenderHostFactory(slots=1)
    running_on(elsewhere)
    running_on(elsewhere, status=Render.Status.PENDING)
    running_on(here)
    running_on(here, status=Render.Status.COMPLETE)
    assert slot_taken() == here

    running_on(here, status=Render.Status.PENDING)
    assert slot_taken() is None


def test_a_machine_with_no_worker_becomes_a_host_when_it_takes_a_slot(settings):
    settings.RENDER_HOST_NAME = "terminal"
    host = slot_taken()
    assert (host.name, host.slots) == ("terminal", settings.LOCAL_RENDER_CONCURRENCY)


def test_a_local_render_is_polled_on_its_host_queue_and_only_there(here):
    other = RenderHostFactory(name="other")
    mine, theirs, unclaimed = running_on(here), running_on(other), RenderFactory()
    queues = [routing.poll_queue(r) for r in (mine, theirs, unclaimed)]
    assert queues == ["render-host.here", "render-host.other", "celery"]
    assert [hosts.render_polled_here(r) for r in (mine, theirs, unclaimed)] == [True, False, True]


def test_a_cancel_from_another_machine_is_sent_to_the_render_host(here, django_capture_on_commit_callbacks):
    render = running_on(RenderHostFactory(name="far"))
    queued_messages("render-host.far")

    with django_capture_on_commit_callbacks(execute=True):
        services.render_cancel(render=render)

    render.refresh_from_db()
    assert render.status == "cancelled"
    assert render.events.get(kind="cancelled").message.endswith("The stop was sent to render host far.")
    assert queued_messages("render-host.far") == [("renders.tasks.stop_farm_work", render.pk)]


def test_the_heartbeat_refreshes_the_row_and_recreates_a_deleted_one(here, settings):
    RenderHost.objects.filter(pk=here.pk).update(last_heartbeat_at=timezone.now() - timedelta(minutes=5), slots=9)
    hosts.host_heartbeat()
    here.refresh_from_db()
    assert here.slots == 2 and timezone.now() - here.last_heartbeat_at < timedelta(seconds=5)

    settings.RENDER_HOST_NAME = "renamed"
    hosts.host_heartbeat()
    assert RenderHost.objects.filter(name="renamed").exists()


def test_registering_again_is_a_new_boot(here):
    again = hosts.host_register()
    assert (again.pk, again.boot_id != here.boot_id) == (here.pk, True)


def test_the_terminal_driver_only_watches_a_render_another_host_runs(here, caplog):
    render = running_on(RenderHostFactory(name="other"))
    seen = []

    def other_machine_finishes(current):
        seen.append(current.status)
        if len(seen) == 3:
            Render.objects.filter(pk=render.pk).update(status=Render.Status.COMPLETE)

    final = render_drive(render.pk, on_update=other_machine_finishes, sleep=lambda seconds: None)

    assert (final.status, final.poll_count, seen) == ("complete", 0, ["rendering"] * 3 + ["complete"])
    assert "poll dropped" not in caplog.text
    assert RenderHost.objects.get(pk=here.pk).last_heartbeat_at == here.last_heartbeat_at
