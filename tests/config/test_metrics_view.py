"""GET /metrics through the Django test client: what a render through the lifecycle against
the fake Lambda adds, the live renders gauge, request latency labels, the bearer token."""
import pytest

from farm.backends import TransientBackendError
from renders.lifecycle import starts, transitions
from renders.models import Render
from renders.requests import services
from tests.config.metrics_support import delta, scrape, value
from tests.factories import ClipFactory, RenderFactory
from tests.fakes.remotion_farm import Done, Fatal, Progress

pytestmark = pytest.mark.django_db


def poll_until_final(render_id, fake_lambda):
    for _ in range(20):
        fake_lambda.farm.advance()
        seq = Render.objects.get(pk=render_id).poll_seq
        if transitions.render_poll(render_id, seq).next is transitions.Next.NOTHING:
            return


def test_a_render_through_the_lifecycle_counts_its_outcome_duration_and_farm_calls(client, fake_lambda, user):
    clip = ClipFactory(owner=user, duration_in_frames=30)
    fake_lambda.farm.script_next_render(Progress(0.5), Done())
    fake_lambda.farm.script_next_render(Fatal("Error: chunk 2 crashed"))
    before = scrape(client)

    for _ in range(2):
        render = services.render_request(user=user, kind="clip", target=clip, size=(320, 180))
        starts.render_start(render.pk)
        poll_until_final(render.pk, fake_lambda)

    after = scrape(client)
    clip_lambda = {"kind": "clip", "backend": "lambda"}
    outcomes = "montage_render_outcomes_total"
    assert delta(before, after, outcomes, **clip_lambda, status="complete", error_code="") == 1
    assert delta(before, after, outcomes, **clip_lambda, status="failed", error_code="render_failed") == 1
    durations = "montage_render_duration_seconds_count"
    assert delta(before, after, durations, **clip_lambda, status="complete") == 1
    assert delta(before, after, durations, **clip_lambda, status="failed") == 1
    assert delta(before, after, "montage_render_queue_wait_seconds_count", **clip_lambda) == 2
    farm = {"backend": "lambda"}
    assert delta(before, after, "montage_farm_calls_total", **farm, operation="start", outcome="ok") == 2
    # Two polls for the first render (50%, done), one for the second.
    assert delta(before, after, "montage_farm_calls_total", **farm, operation="progress", outcome="ok") == 3
    assert delta(before, after, "montage_farm_call_duration_seconds_count", **farm, operation="progress") == 3


def test_farm_call_outcomes_tell_transient_from_fatal_errors(client, fake_lambda, user):
    clip = ClipFactory(owner=user, duration_in_frames=30)
    before = scrape(client)
    fake_lambda.throttle("start", 1)
    render = services.render_request(user=user, kind="clip", target=clip, size=(320, 180))
    with pytest.raises(TransientBackendError):
        starts.render_start(render.pk)
    fake_lambda.farm.version = "4.0.500"  # the function refuses another Remotion version: fatal
    starts.render_start(render.pk)

    after = scrape(client)
    farm = {"backend": "lambda", "operation": "start"}
    assert delta(before, after, "montage_farm_calls_total", **farm, outcome="transient_error") == 1
    assert delta(before, after, "montage_farm_calls_total", **farm, outcome="fatal_error") == 1


def test_the_live_renders_gauge_counts_pending_and_rendering_renders_in_the_database(client, user):
    RenderFactory.create_batch(2, owner=user, status="pending")
    RenderFactory(owner=user, status="rendering")
    RenderFactory(owner=user, status="complete")

    samples = scrape(client)
    assert value(samples, "montage_renders_live", status="pending", kind="clip") == 2
    assert value(samples, "montage_renders_live", status="rendering", kind="clip") == 1
    # Every combination is present, so a series drops to 0 instead of vanishing.
    assert ("montage_renders_live", frozenset({"status": "rendering", "kind": "movie"}.items())) in samples
    live_statuses = {dict(labels)["status"] for name, labels in samples if name == "montage_renders_live"}
    assert live_statuses == {"pending", "rendering"}


def test_request_latency_is_labelled_by_route_name_never_by_path(client, api, user):
    render = RenderFactory(owner=user)
    before = scrape(client)
    assert api.get(f"/api/renders/{render.pk}/").status_code == 200
    assert api.get("/api/renders/999999/").status_code == 404
    assert client.get("/no/such/page/").status_code == 404
    client.get("/static/css/no-such-file.css")
    assert client.get("/healthz").status_code == 200

    after = scrape(client)
    detail = {"view": "api-render-detail", "method": "GET"}
    assert delta(before, after, "montage_http_request_duration_seconds_count", **detail, status="200") == 1
    assert delta(before, after, "montage_http_request_duration_seconds_count", **detail, status="404") == 1
    unresolved = {"view": "<unresolved>", "method": "GET", "status": "404"}
    assert delta(before, after, "montage_http_request_duration_seconds_count", **unresolved) == 1
    healthz = {"view": "healthz", "method": "GET", "status": "200"}
    assert delta(before, after, "montage_http_request_duration_seconds_count", **healthz) == 1
    static = {"view": "<static>", "method": "GET"}
    assert sum(
        delta(before, after, "montage_http_request_duration_seconds_count", **static, status=status)
        for status in ("200", "404")
    ) == 1
    labels = {(k, v) for name, sample_labels in after for k, v in sample_labels if name.startswith("montage_http")}
    assert not any("/" in v for k, v in labels)
    # Whole values: a small id (SQLite's first render is 1) is a substring of "200" or "0.1".
    views = {v for k, v in labels if k == "view"}
    assert not views & {str(render.pk), "999999"}


@pytest.mark.parametrize(
    "header, status",
    [(None, 401), ("Token s3cret-metrics", 401), ("Bearer wrong", 403), ("Bearer s3cret-metrics", 200)],
)
def test_a_metrics_token_requires_the_bearer_header(client, settings, header, status):
    settings.METRICS_TOKEN = "s3cret-metrics"
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/metrics", **headers)
    assert response.status_code == status
    if status != 200:
        assert response.json()["code"] == "metrics_unauthorized"
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert b"montage_" not in response.content


def test_without_a_token_metrics_are_open_in_development_and_hidden_in_production(client, settings):
    settings.METRICS_TOKEN = None
    assert client.get("/metrics").status_code == 200
    settings.PRODUCTION = True
    assert client.get("/metrics").status_code == 404
