"""The sweep finds live renders nobody looks after and resumes or ends them, never
doubling a poll chain that is merely late."""
from datetime import timedelta

import pytest
from django.utils import timezone

from renders.lifecycle import starts, transitions
from renders.lifecycle.sweep import renders_sweep
from renders.lifecycle.transitions import Next
from renders.models import Render
from renders.requests import services
from tests.factories import ClipFactory
from tests.fakes.remotion_farm import Progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def render(fake_lambda, user):
    fake_lambda.farm.script_next_render(Progress(0.4))
    return services.render_request(user=user, kind="clip", target=ClipFactory(owner=user), size=(320, 180))


def age(render, seconds, **extra):
    Render.objects.filter(pk=render.pk).update(last_polled_at=timezone.now() - timedelta(seconds=seconds), **extra)


def swept():
    result = renders_sweep()
    return result.to_start, [render_id for render_id, _ in result.to_poll], result.to_resolve


def test_renders_looked_after_recently_are_left_alone(render):
    starts.render_start(render.pk)
    assert swept() == ([], [], [])


def test_a_rendering_render_whose_polling_stopped_is_polled_again_once(render):
    starts.render_start(render.pk)
    age(render, 600)
    result = renders_sweep()
    ((render_id, step),) = result.to_poll
    assert (render_id, step.next, step.delay, step.queue) == (render.pk, Next.POLL, 0.0, "polls")
    assert swept() == ([], [], []), "a second sweep must not resume it twice"
    assert render.events.filter(kind="resumed").count() == 1


def test_a_late_chain_is_replaced_not_doubled(render, fake_lambda):
    late_link = starts.render_start(render.pk)  # the chain's next poll, stuck in a queue
    age(render, 600)
    (_, resumed_link), = renders_sweep().to_poll

    # The late link finally runs: it is no longer the chain's turn, so it ends quietly.
    assert transitions.render_poll(render.pk, late_link.seq).next is Next.NOTHING
    # The sweep's link carries on, and a duplicate delivery of it does nothing.
    fake_lambda.farm.advance()
    assert transitions.render_poll(render.pk, resumed_link.seq).next is Next.POLL
    assert transitions.render_poll(render.pk, resumed_link.seq).next is Next.NOTHING
    assert Render.objects.get(pk=render.pk).poll_count == 1


def test_a_pending_render_whose_start_was_lost_is_started_again(render):
    age(render, 600)
    assert swept() == ([render.pk], [], [])


def test_a_render_claimed_but_never_sent_to_the_farm_is_restarted(render, fake_lambda):
    age(render, 600, claimed_at=timezone.now() - timedelta(seconds=600))
    assert swept() == ([render.pk], [], [])
    render.refresh_from_db()
    assert (render.status, render.claimed_at) == ("pending", None)
    assert render.events.filter(kind="restarted").exists()
    assert starts.render_start(render.pk).next is Next.POLL
    assert len(fake_lambda.invocations_of("start")) == 1


def test_a_sent_start_without_an_answer_waits_for_the_farm_to_settle(render, fake_lambda):
    now = timezone.now()
    age(render, 600, claimed_at=now, start_attempt="a1", start_sent_at=now - timedelta(seconds=60))
    assert swept() == ([], [], []), "the farm may still be rendering it: neither restarted nor failed"

    settle = 120 + 30  # the function's timeout (from its name) and the webhook's retries
    age(render, 600, start_sent_at=now - timedelta(seconds=settle + 1))
    assert swept() == ([], [], [render.pk])
    assert Render.objects.get(pk=render.pk).status == "pending"


def test_a_render_queued_too_long_fails(render, settings):
    settings.RENDER_QUEUE_TIMEOUT_SECONDS = 60
    Render.objects.filter(pk=render.pk).update(created_at=timezone.now() - timedelta(seconds=120))
    age(render, 600)
    renders_sweep()
    render.refresh_from_db()
    assert (render.status, render.error_code) == ("failed", "queue_timeout")


def test_a_stale_render_past_its_deadline_times_out(fake_lambda, render):
    starts.render_start(render.pk)
    age(render, 600, deadline_at=timezone.now() - timedelta(seconds=1))
    assert swept() == ([], [], [])
    render.refresh_from_db()
    assert (render.status, render.error_code) == ("failed", "timed_out")


def test_final_renders_are_never_touched(render):
    age(render, 600, status=Render.Status.COMPLETE)
    assert swept() == ([], [], [])
