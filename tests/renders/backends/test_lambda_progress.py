"""Following, cancelling and downloading Lambda renders, through real boto3 over HTTP to
the fake Remotion Lambda and moto S3."""
import json
import urllib.request
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from renders.backends import FatalBackendError, TransientBackendError
from renders.backends.lambda_ import LambdaBackend
from tests.fakes import remotion_farm as remotion
from tests.renders.backends.lambda_support import make_render, started_render


# --- progress ------------------------------------------------------------------------


def test_progress_maps_running_then_done(fake_lambda):
    backend = LambdaBackend()
    render = started_render(backend, fake_lambda, remotion.Progress(0.25), remotion.Done())

    running = backend.progress(render)
    done = backend.progress(render)

    assert (running.fraction, running.done, running.fatal_error) == (0.25, False, None)
    assert running.output_key == "" and running.output_size is None
    assert running.cost_currency == "USD" and running.estimated_cost > 0
    assert done.done is True and done.fraction == 1.0 and done.fatal_error is None
    assert done.output_bucket == remotion.BUCKET
    assert done.output_key == f"renders/{render.farm_render_id}/montage-render-41.mp4"
    assert done.output_size == len(remotion.FAKE_MP4)
    assert done.estimated_cost == Decimal("0.0022") and done.cost_currency == "USD"


def test_fatal_render_error_carries_the_farms_message(fake_lambda):
    backend = LambdaBackend()
    farm_error = "delayRender() timed out after 60000ms"
    render = started_render(backend, fake_lambda, remotion.Progress(0.3), remotion.Fatal(farm_error))

    assert backend.progress(render).fatal_error is None
    failed = backend.progress(render)

    assert failed.fatal_error == farm_error
    assert failed.done is False


def test_throttled_status_is_transient(fake_lambda):
    backend = LambdaBackend(status_attempts=1)
    render = started_render(backend, fake_lambda)
    fake_lambda.throttle("status", 1)

    with pytest.raises(TransientBackendError, match="TooManyRequestsException"):
        backend.progress(render)

    assert [i.outcome for i in fake_lambda.invocations_of("status")] == ["TooManyRequestsException"]


def test_status_throttling_is_retried_by_boto(fake_lambda):
    backend = LambdaBackend(status_attempts=2)
    render = started_render(backend, fake_lambda, remotion.Progress(0.6))
    fake_lambda.throttle("status", 1)

    assert backend.progress(render).fraction == 0.6
    outcomes = [i.outcome for i in fake_lambda.invocations_of("status")]
    assert outcomes == ["TooManyRequestsException", "success"]


def test_crashed_status_call_is_transient_and_polling_goes_on(fake_lambda):
    backend = LambdaBackend()
    crash = remotion.Crash("Task timed out after 120.00 seconds")
    render = started_render(backend, fake_lambda, crash, remotion.Progress(0.7))

    with pytest.raises(TransientBackendError, match="Task timed out"):
        backend.progress(render)

    assert backend.progress(render).fraction == 0.7
    assert [i.outcome for i in fake_lambda.invocations_of("status")] == ["unhandled", "success"]


def test_status_of_a_render_the_farm_does_not_know_is_fatal(fake_lambda):
    render = make_render()
    render.farm_render_id, render.farm_bucket = "gonegonego", remotion.BUCKET

    with pytest.raises(FatalBackendError) as caught:
        LambdaBackend().progress(render)

    assert caught.value.code == "render_failed"
    assert caught.value.message.startswith('No render with ID "gonegonego"')


def test_status_version_mismatch_is_fatal(fake_lambda):
    backend = LambdaBackend()
    render = started_render(backend, fake_lambda)
    fake_lambda.farm.version = "4.0.600"  # the function was redeployed under us

    with pytest.raises(FatalBackendError) as caught:
        backend.progress(render)

    assert caught.value.code == "farm_misconfigured"
    assert caught.value.message.startswith("Version mismatch: When calling getRenderProgress()")


# --- cancel, output ------------------------------------------------------------------


def test_cancel_writes_the_cancellation_file(fake_lambda):
    backend = LambdaBackend()
    render = started_render(backend, fake_lambda)

    outcome = backend.cancel(render)

    assert outcome.stopped is True
    cancel_key = f"renders/{render.farm_render_id}/cancel.json"
    cancel_file = fake_lambda.farm.s3.get_object(Bucket=remotion.BUCKET, Key=cancel_key)
    assert isinstance(json.loads(cancel_file["Body"].read())["cancelledAt"], int)


def test_cancel_of_a_render_started_without_cancellation_only_stops_tracking(fake_lambda):
    backend = LambdaBackend()
    render = started_render(backend, fake_lambda)
    progress_key = f"renders/{render.farm_render_id}/progress.json"
    older_start = json.dumps({"cancellationEnabled": False})
    fake_lambda.farm.s3.put_object(Bucket=remotion.BUCKET, Key=progress_key, Body=older_start)

    outcome = backend.cancel(render)

    assert outcome.stopped is False and "without cancellation" in outcome.message
    folder = f"renders/{render.farm_render_id}/"
    listed = fake_lambda.farm.s3.list_objects_v2(Bucket=remotion.BUCKET, Prefix=folder)
    assert [item["Key"] for item in listed["Contents"]] == [progress_key]


def test_output_location_is_a_fresh_presigned_url_that_downloads(fake_lambda, settings):
    backend = LambdaBackend()
    render = started_render(backend, fake_lambda, remotion.Done())
    done = backend.progress(render)
    render.output_bucket, render.output_key = done.output_bucket, done.output_key

    first = backend.output_location(render).redirect_url
    settings.REMOTION_DOWNLOAD_URL_TTL = 600
    second = backend.output_location(render).redirect_url

    assert parse_qs(urlsplit(first).query)["X-Amz-Expires"] == ["3600"]
    assert parse_qs(urlsplit(second).query)["X-Amz-Expires"] == ["600"]
    with urllib.request.urlopen(second) as response:
        assert response.read() == remotion.FAKE_MP4
        assert response.headers["Content-Disposition"] == 'attachment; filename="montage-render-41.mp4"'
