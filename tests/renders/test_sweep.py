"""The sweep finds live renders nobody looks after and resumes or ends them."""
from datetime import timedelta

import pytest
from django.utils import timezone

from renders import lifecycle, services
from renders.models import Render
from renders.sweep import renders_sweep
from tests.factories import ClipFactory
from tests.fakes.remotion_farm import Progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def render(fake_lambda, user):
    fake_lambda.farm.script_next_render(Progress(0.4))
    return services.render_request(user=user, kind="clip", target=ClipFactory(owner=user), size=(320, 180))


def age(render, seconds, **extra):
    Render.objects.filter(pk=render.pk).update(last_polled_at=timezone.now() - timedelta(seconds=seconds), **extra)


def test_renders_looked_after_recently_are_left_alone(render):
    lifecycle.render_start(render.pk)
    assert renders_sweep() == ([], [])


def test_a_rendering_render_whose_polling_stopped_is_polled_again(render):
    lifecycle.render_start(render.pk)
    age(render, 600)
    assert renders_sweep() == ([], [render.pk])
    assert renders_sweep() == ([], []), "a second sweep must not resume it twice"
    assert render.events.filter(kind="resumed").count() == 1


def test_a_pending_render_whose_start_was_lost_is_started_again(render):
    age(render, 600)
    assert renders_sweep() == ([render.pk], [])


def test_a_render_whose_start_was_interrupted_after_the_claim_fails(render):
    age(render, 600, claimed_at=timezone.now() - timedelta(seconds=600))
    renders_sweep()
    render.refresh_from_db()
    assert (render.status, render.error_code) == ("failed", "start_interrupted")


def test_a_render_queued_too_long_fails(render, settings):
    settings.RENDER_QUEUE_TIMEOUT_SECONDS = 60
    Render.objects.filter(pk=render.pk).update(created_at=timezone.now() - timedelta(seconds=120))
    age(render, 600)
    renders_sweep()
    render.refresh_from_db()
    assert (render.status, render.error_code) == ("failed", "queue_timeout")


def test_a_stale_render_past_its_deadline_times_out(fake_lambda, render):
    lifecycle.render_start(render.pk)
    age(render, 600, deadline_at=timezone.now() - timedelta(seconds=1))
    assert renders_sweep() == ([], [])
    render.refresh_from_db()
    assert (render.status, render.error_code) == ("failed", "timed_out")


def test_final_renders_are_never_touched(render):
    age(render, 600, status=Render.Status.COMPLETE)
    assert renders_sweep() == ([], [])
