"""No paid farm render left behind: starts whose answer was lost are adopted or restarted,
never failed nor doubled."""
from datetime import timedelta

import pytest
from django.utils import timezone

from farm.backends import StartedRender
from renders.lifecycle import starts
from renders.lifecycle.sweep import renders_sweep
from renders.lifecycle.transitions import Next, render_poll
from renders.models import Render
from renders.requests import services
from renders.tasks import record_start_render
from tests.factories import ClipFactory
from tests.fakes.remotion_farm import Done, Progress

pytestmark = pytest.mark.django_db
SETTLE_SECONDS = 150  # the fake function's 120 s timeout + the webhook's retries


def requested(user):
    return services.render_request(user=user, kind="clip", target=ClipFactory(owner=user), size=(320, 180))


def start_with_answer_lost(fake_lambda, user, *steps):
    """The farm accepts the start, but its answer never comes back."""
    fake_lambda.farm.script_next_render(*steps)
    fake_lambda.drop_reply("start")
    render = requested(user)
    assert starts.render_start(render.pk).next is Next.NOTHING
    return Render.objects.get(pk=render.pk)


def after_settling(render):
    """Time passes: the farm is surely done with whatever it started; the sweep looks."""
    long_ago = timezone.now() - timedelta(seconds=SETTLE_SECONDS + 1)
    Render.objects.filter(pk=render.pk).update(start_sent_at=long_ago, last_polled_at=long_ago)
    return renders_sweep().to_resolve


def test_a_start_whose_answer_is_lost_is_neither_failed_nor_sent_again(fake_lambda, user):
    render = start_with_answer_lost(fake_lambda, user, Progress(0.5))

    assert render.status == "pending" and render.start_attempt and render.start_sent_at
    assert render.events.filter(kind="transient_error", message__contains="did not confirm").exists()
    assert starts.render_start(render.pk).next is Next.NOTHING, "a redelivered start must not re-send it"
    assert len(fake_lambda.invocations_of("start")) == 1


def test_its_webhook_adopts_the_farm_render(fake_lambda, lambda_webhooks, user):
    render = start_with_answer_lost(fake_lambda, user, Done())
    (farm_render_id,) = fake_lambda.farm.renders

    fake_lambda.farm.advance()  # the farm finishes and calls the webhook

    render.refresh_from_db()
    assert (render.status, render.farm_render_id) == ("complete", farm_render_id)
    assert render.events.filter(kind="adopted", message__contains="webhook").exists()
    assert len(fake_lambda.invocations_of("start")) == 1


def test_a_webhook_of_an_older_attempt_is_refused(fake_lambda, lambda_webhooks, user):
    render = start_with_answer_lost(fake_lambda, user, Done())
    Render.objects.filter(pk=render.pk).update(start_attempt="a-newer-attempt")

    fake_lambda.farm.advance()

    assert {call.status for call in lambda_webhooks.calls} == {409}
    assert Render.objects.get(pk=render.pk).status == "pending"


def test_without_a_webhook_the_render_is_found_by_its_output_name_and_adopted(fake_lambda, user):
    render = start_with_answer_lost(fake_lambda, user, Done())
    (farm_render_id,) = fake_lambda.farm.renders
    fake_lambda.farm.advance()  # finished on the farm; nobody was told

    assert after_settling(render) == [render.pk]
    step = starts.render_resolve_start(render.pk)

    assert step.next is Next.POLL
    render.refresh_from_db()
    assert (render.status, render.farm_render_id) == ("rendering", farm_render_id)
    assert render.events.filter(kind="adopted", message__contains="lookup").exists()
    assert render_poll(render.pk, step.seq).next is Next.NOTHING
    assert Render.objects.get(pk=render.pk).status == "complete"
    assert len(fake_lambda.invocations_of("start")) == 1


def test_a_sent_start_the_farm_never_ran_is_restarted(fake_lambda, user):
    render = requested(user)
    now = timezone.now()
    # The worker died after marking the start sent, before (or while) the farm was asked.
    Render.objects.filter(pk=render.pk).update(claimed_at=now, start_attempt="lost", start_sent_at=now)

    assert after_settling(render) == [render.pk]
    step = starts.render_resolve_start(render.pk)

    assert step.next is Next.START_AGAIN
    render.refresh_from_db()
    assert (render.status, render.claimed_at, render.start_attempt) == ("pending", None, "")
    assert render.events.filter(kind="restarted").exists()
    assert starts.render_start(render.pk).next is Next.POLL
    assert len(fake_lambda.invocations_of("start")) == 1


def test_a_lost_start_of_a_render_cancelled_meanwhile_is_stopped_on_the_farm(fake_lambda, user):
    render = start_with_answer_lost(fake_lambda, user, Progress(0.5))
    (farm_render_id,) = fake_lambda.farm.renders
    services.render_cancel(render=render)
    started = fake_lambda.farm.renders[farm_render_id]

    step = starts.render_record_start(render.pk, render.start_attempt, StartedRender(farm_render_id, started.bucket))

    assert step.next is Next.NOTHING
    assert fake_lambda.farm.s3.get_object(Bucket=started.bucket, Key=f"renders/{farm_render_id}/cancel.json")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_farm_id_survives_a_database_outage_right_after_the_start(fake_lambda, user, database_outage):
    render = requested(user)
    fake_lambda.after_invoke("start", database_outage.begin)  # the farm accepted it; the database is gone

    step = starts.render_start(render.pk)

    assert step.next is Next.RECORD_START
    attempt, farm_render_id, bucket = step.started
    assert farm_render_id in fake_lambda.farm.renders
    database_outage.end()
    record_start_render.apply(args=(render.pk, attempt, farm_render_id, bucket))
    render.refresh_from_db()
    assert (render.status, render.farm_render_id) == ("rendering", farm_render_id)
    assert len(fake_lambda.invocations_of("start")) == 1
