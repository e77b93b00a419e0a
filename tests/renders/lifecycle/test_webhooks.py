"""Remotion's signed webhooks, delivered by the fake farm as the real function sends them,
applied through the same lifecycle as polls."""
import json
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from renders.lifecycle import batch_polls, starts, transitions
from renders.lifecycle.transitions import Next
from renders.models import Render
from renders.requests import services
from tests.concurrency import run_at_once
from tests.factories import ClipFactory
from tests.fakes.lambda_fixtures import WEBHOOK_SECRET
from tests.fakes.remotion_farm import Done, Fatal, Progress, TimedOut
from tests.fakes.remotion_webhooks import signature

pytestmark = pytest.mark.django_db
URL = "/api/webhooks/remotion/"


def started(user, *steps, fake_lambda):
    if steps:
        fake_lambda.farm.script_next_render(*steps)
    render = services.render_request(user=user, kind="clip", target=ClipFactory(owner=user), size=(320, 180))
    starts.render_start(render.pk)
    return Render.objects.get(pk=render.pk)


def post(body, secret=WEBHOOK_SECRET, **headers):
    raw = json.dumps(body).encode()
    sig = signature(raw, secret) if secret is not None else "NO_SECRET_PROVIDED"
    return Client().generic(
        "POST", URL, raw, content_type="application/json", headers={"X-Remotion-Signature": sig, **headers}
    )


def output_key(render):
    return f"renders/{render.farm_render_id}/montage-render-{render.pk}.mp4"


def success_body(render, **changes):
    # Remotion's outputFile is path-style: https://s3.<region>.amazonaws.com/<bucket>/<key>
    output_file = f"https://s3.eu-central-1.amazonaws.com/{render.farm_bucket}/{output_key(render)}"
    return {
        "type": "success",
        "renderId": render.farm_render_id,
        "bucketName": render.farm_bucket,
        "outputFile": output_file,
        "outputUrl": output_file,
        "customData": {"render": render.pk, "attempt": render.start_attempt},
        "costs": {"estimatedCost": 0.0022, "currency": "USD"},
        **changes,
    }


def test_every_lambda_render_is_started_with_the_webhook(fake_lambda, lambda_webhooks, user):
    render = started(user, fake_lambda=fake_lambda)

    (start,) = fake_lambda.invocations_of("start")
    assert start.payload["webhook"] == {
        "url": "https://montage.example.com/api/webhooks/remotion/",
        "secret": WEBHOOK_SECRET,
        "customData": {"render": render.pk, "attempt": render.start_attempt},
    }


def test_without_webhook_settings_renders_start_without_one_and_poll_as_before(fake_lambda, user):
    render = started(user, fake_lambda=fake_lambda)
    assert fake_lambda.invocations_of("start")[0].payload["webhook"] is None
    assert transitions.poll_step(render, render.poll_seq).delay == 2


def test_success_webhook_completes_the_render_without_a_status_invocation(fake_lambda, lambda_webhooks, user):
    render = started(user, Progress(0.5), Done(), fake_lambda=fake_lambda)
    fake_lambda.farm.advance()
    fake_lambda.farm.advance()  # done: the farm calls the webhook

    (call,) = lambda_webhooks.calls
    assert call.status == 200
    assert call.headers["X-Remotion-Status"] == "success" and call.headers["X-Remotion-Mode"] == "production"
    render.refresh_from_db()
    assert (render.status, render.progress) == ("complete", 100)
    assert render.output_key == f"renders/{render.farm_render_id}/montage-render-{render.pk}.mp4"
    assert render.output_bucket == render.farm_bucket
    assert (render.estimated_cost, render.cost_currency) == (Decimal("0.0022"), "USD")
    assert render.lambda_invocations == 1 and fake_lambda.invocations_of("status") == []
    assert list(render.events.values_list("kind", flat=True))[-2:] == ["completed", "webhook"]
    # The webhook does not give the output's size: it is read from the bucket afterwards.
    assert render.output_size is None
    transitions.render_fill_output_size(render.pk)
    assert Render.objects.get(pk=render.pk).output_size > 0


def test_success_webhook_queues_the_size_lookup_when_it_commits(fake_lambda, lambda_webhooks, user,
                                                                 django_capture_on_commit_callbacks):
    render = started(user, Done(), fake_lambda=fake_lambda)
    with django_capture_on_commit_callbacks() as callbacks:
        assert post(success_body(render)).json() == {"outcome": "applied"}
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("step", "code", "message"),
    [
        (Fatal("delayRender() timed out in chunk 2"), "render_failed", "delayRender() timed out in chunk 2"),
        (Fatal("Scene 1: Code error: Unexpected token (3:4)"), "code_error", "Scene 1: Code error: Unexpected token (3:4)"),
        (TimedOut(), "timed_out", "Remotion Lambda's function timed out before the render finished."),
    ],
)
def test_error_and_timeout_webhooks_fail_the_render(fake_lambda, lambda_webhooks, user, step, code, message):
    render = started(user, step, fake_lambda=fake_lambda)
    fake_lambda.farm.advance()

    assert lambda_webhooks.calls[0].headers["X-Remotion-Status"] in ("error", "timeout")
    render.refresh_from_db()
    assert (render.status, render.error_code, render.error_message) == ("failed", code, message)


def test_a_duplicate_or_replayed_webhook_changes_nothing_twice(fake_lambda, lambda_webhooks, user):
    render = started(user, Done(), fake_lambda=fake_lambda)
    first = post(success_body(render))
    events = render.events.count()

    again = post(success_body(render))
    late_error = post({**success_body(render), "type": "error", "errors": [{"message": "late"}]})

    assert first.json() == {"outcome": "applied"}
    assert again.json() == late_error.json() == {"outcome": "already_applied"}
    render.refresh_from_db()
    assert render.status == "complete" and render.events.count() == events


@pytest.mark.parametrize(
    ("secret", "status", "code"),
    [(None, 401, "webhook_unsigned"), ("another-secret", 401, "webhook_signature_invalid")],
)
def test_unsigned_or_forged_webhooks_are_refused(fake_lambda, lambda_webhooks, user, secret, status, code):
    render = started(user, Done(), fake_lambda=fake_lambda)
    response = post(success_body(render), secret=secret)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Render.objects.get(pk=render.pk).status == "rendering"


def test_a_body_changed_after_signing_is_refused(fake_lambda, lambda_webhooks, user):
    render = started(user, Done(), fake_lambda=fake_lambda)
    raw = json.dumps(success_body(render)).encode()
    forged = raw.replace(b'"success"', b'"error"  ')
    response = Client().generic(
        "POST", URL, forged, content_type="application/json", headers={"X-Remotion-Signature": signature(raw, WEBHOOK_SECRET)}
    )
    assert response.status_code == 401
    assert Render.objects.get(pk=render.pk).status == "rendering"


def test_unknown_renders_and_other_farm_renders_are_refused(fake_lambda, lambda_webhooks, user):
    render = started(user, Done(), fake_lambda=fake_lambda)

    unknown = post(success_body(render, customData={"render": render.pk + 1000, "attempt": "x"}))
    other_farm_render = post(success_body(render, renderId="someoneelse"))
    malformed = post({"type": "success", "renderId": "x"})

    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    assert (other_farm_render.status_code, other_farm_render.json()["code"]) == (409, "farm_render_mismatch")
    assert (malformed.status_code, malformed.json()["code"]) == (400, "invalid_webhook")
    render.refresh_from_db()
    assert render.status == "rendering" and not render.events.filter(kind="webhook").exists()


def test_webhooks_are_refused_when_not_configured(fake_lambda, user, settings):
    render = started(user, Done(), fake_lambda=fake_lambda)
    response = post(success_body(render))
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_webhooks_are_not_subject_to_the_render_burst_limit(fake_lambda, lambda_webhooks, user, settings):
    settings.RENDER_BURST_RATE = "1/m"
    render = started(user, Done(), fake_lambda=fake_lambda)
    statuses = {post(success_body(render)).status_code for _ in range(3)}
    assert statuses == {200}


def test_with_webhooks_polling_is_a_slow_fallback(fake_lambda, lambda_webhooks, user, settings):
    settings.RENDER_FALLBACK_POLL_SECONDS = 45
    render = started(user, fake_lambda=fake_lambda)
    assert transitions.poll_step(render, render.poll_seq).delay == 45


def test_a_lost_webhook_is_caught_by_the_fallback_poll(fake_lambda, lambda_webhooks, user):
    render = started(user, Done(), fake_lambda=fake_lambda)
    lambda_webhooks.lose_next = 1
    fake_lambda.farm.advance()
    assert len(lambda_webhooks.calls) == 3 and {c.status for c in lambda_webhooks.calls} == {None}
    assert Render.objects.get(pk=render.pk).status == "rendering"

    assert transitions.render_poll(render.pk, render.poll_seq).next is Next.NOTHING

    render.refresh_from_db()
    assert render.status == "complete" and render.output_size > 0
    assert render.lambda_invocations == 1  # found in the progress file, not by invoking


def test_the_farm_retries_a_webhook_that_failed(fake_lambda, lambda_webhooks, user):
    render = started(user, Done(), fake_lambda=fake_lambda)
    deliver, failures = lambda_webhooks.transport, [503, None]  # a 503, then no answer at all

    def flaky(url, body, headers):
        return failures.pop(0) if failures else deliver(url, body, headers)

    lambda_webhooks.transport = flaky

    fake_lambda.farm.advance()

    assert [c.status for c in lambda_webhooks.calls] == [503, None, 200]
    assert Render.objects.get(pk=render.pk).status == "complete"


@pytest.mark.django_db(transaction=True)
def test_a_webhook_racing_a_poll_completes_the_render_once(fake_lambda, lambda_webhooks, user):
    render = started(user, Done(), fake_lambda=fake_lambda)
    lambda_webhooks.lose_next = 1
    fake_lambda.farm.advance()  # done in the bucket; its webhook is held back
    barrier = threading.Barrier(2)

    def by_webhook():
        barrier.wait()
        post(success_body(render))
        connection.close()

    def by_poll():
        barrier.wait()
        transitions.render_poll(render.pk, render.poll_seq)
        connection.close()

    run_at_once(by_webhook, by_poll)

    render.refresh_from_db()
    assert render.status == "complete"
    assert render.events.filter(kind="completed").count() == 1


# Correctly signed bodies that are not what Remotion sends: each a 400, nothing changed.
MALFORMED = {
    "not_json": b"{",
    "a_list": [1],
    "type_unknown": {"type": "done"},
    "type_not_a_string": {"type": ["success"]},
    "render_id_a_bool": {"customData": {"render": True, "attempt": "a"}},
    "render_id_a_string": {"customData": {"render": "1", "attempt": "a"}},
    "custom_data_a_string": {"customData": "render"},
    "attempt_a_number": {"customData": {"render": "RENDER", "attempt": 1}},
    "farm_id_missing": {"renderId": None},
    "farm_id_a_number": {"renderId": 7},
    "bucket_a_list": {"bucketName": ["b"]},
    "errors_a_list_of_numbers": {"type": "error", "errors": [1]},
    "errors_a_string": {"type": "error", "errors": "x"},
    "error_message_an_object": {"type": "error", "errors": [{"message": {"x": 1}}]},
    "costs_a_string": {"costs": "cheap"},
    "cost_a_string": {"costs": {"estimatedCost": "0.1", "currency": "USD"}},
    "cost_a_bool": {"costs": {"estimatedCost": True, "currency": "USD"}},
    "output_file_a_number": {"outputFile": 3},
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_signed_malformed_body_is_a_400_that_changes_nothing(fake_lambda, lambda_webhooks, user, name):
    render = started(user, Done(), fake_lambda=fake_lambda)
    before = Render.objects.filter(pk=render.pk).values().get()
    change = MALFORMED[name]
    if isinstance(change, dict):
        body = success_body(render, **change)
        if isinstance(body["customData"], dict) and body["customData"].get("render") == "RENDER":
            body["customData"]["render"] = render.pk
        raw = json.dumps(body).encode()
    else:
        raw = change if isinstance(change, bytes) else json.dumps(change).encode()
    response = Client().generic(
        "POST", URL, raw, content_type="application/json", headers={"X-Remotion-Signature": signature(raw, WEBHOOK_SECRET)}
    )

    assert (response.status_code, response.json()["code"]) == (400, "invalid_webhook")
    assert Render.objects.filter(pk=render.pk).values().get() == before
    assert not render.events.filter(kind="webhook").exists()


@pytest.mark.parametrize("output", [None, "other_bucket", "other_key"])
def test_a_success_not_naming_this_renders_output_completes_only_once_the_progress_read_says_so(
    fake_lambda, lambda_webhooks, user, output
):
    render = started(user, Done(), fake_lambda=fake_lambda)
    lambda_webhooks.lose_next = 1
    fake_lambda.farm.advance()  # done in the bucket; its own webhook is lost
    key = output_key(render)
    output_file = {
        None: None,
        "other_bucket": f"https://s3.eu-central-1.amazonaws.com/another-bucket/{key}",
        "other_key": f"https://s3.eu-central-1.amazonaws.com/{render.farm_bucket}/renders/x/montage-render-1.mp4",
    }[output]

    response = post(success_body(render, outputFile=output_file, outputUrl=output_file))

    assert response.json() == {"outcome": "verifying"}
    render.refresh_from_db()
    assert render.status == "rendering" and render.next_poll_at <= timezone.now()
    assert batch_polls.renders_poll_due(0.05) == 1
    render.refresh_from_db()
    assert (render.status, render.output_key, render.output_bucket) == ("complete", key, render.farm_bucket)


def test_a_success_naming_the_output_as_remotion_writes_it_completes(fake_lambda, lambda_webhooks, user):
    render = started(user, Done(), fake_lambda=fake_lambda)
    assert post(success_body(render)).json() == {"outcome": "applied"}
    assert Render.objects.get(pk=render.pk).status == "complete"
