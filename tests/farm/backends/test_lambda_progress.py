"""Following, cancelling and downloading Lambda renders, through real boto3 over HTTP to
the fake Remotion Lambda and moto S3: progress comes from the render's progress file,
the status routine (a billed invocation) only when the file cannot tell."""
import json
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import botocore.auth
import pytest

from farm.backends import FatalBackendError, TransientBackendError, lambda_progress_reads
from farm.backends.lambda_ import LambdaBackend
from tests.fakes import remotion_farm as remotion
from tests.farm.backends.lambda_support import make_render, started_render


# --- progress from the bucket ------------------------------------------------------


def advanced(fake_lambda, render):
    fake_lambda.farm.advance(render.farm_render_id)
    return render


def test_progress_is_read_from_the_progress_file_without_invoking_the_function(fake_lambda):
    backend = LambdaBackend()
    render = started_render(backend, fake_lambda, remotion.Progress(0.5), remotion.Done())

    starting = backend.progress(render)
    running = backend.progress(advanced(fake_lambda, render))
    done = backend.progress(advanced(fake_lambda, render))

    # Remotion's weights: nothing evaluated yet, then evaluation (10%) and invoking (10%)
    # complete, half the frames rendered (60%) and encoded (10%).
    assert starting.done is False and starting.fraction == pytest.approx(0.0)
    assert running.fraction == pytest.approx(0.1 + 0.1 + 0.6 * 0.5 + 0.1 * 0.5)
    assert running.output_key == "" and running.output_size is None and running.fatal_error is None
    assert done.done is True and done.fraction == 1.0 and done.fatal_error is None
    assert done.output_bucket == remotion.BUCKET
    assert done.output_key == f"renders/{render.farm_render_id}/montage-render-41.mp4"
    assert done.output_size == len(remotion.FAKE_MP4)
    assert done.estimated_cost == Decimal("0.0022") and done.cost_currency == "USD"
    assert {starting.invocations, running.invocations, done.invocations} == {0}
    assert fake_lambda.invocations_of("status") == []


def test_a_fatal_error_in_the_progress_file_carries_the_farms_message(fake_lambda):
    backend = LambdaBackend()
    farm_error = "delayRender() timed out after 60000ms"
    render = started_render(backend, fake_lambda, remotion.Progress(0.3), remotion.Fatal(farm_error))

    assert backend.progress(advanced(fake_lambda, render)).fatal_error is None
    failed = backend.progress(advanced(fake_lambda, render))

    assert failed.fatal_error == farm_error and failed.done is False
    assert fake_lambda.invocations_of("status") == []


def test_errors_that_will_be_retried_are_not_fatal(fake_lambda):
    backend = LambdaBackend()
    render = started_render(backend, fake_lambda)
    retried = {**remotion._fatal_error("Chunk 1 crashed"), "isFatal": False, "willRetry": True}
    write_progress(fake_lambda, render, {"errors": [retried]})

    assert backend.progress(render).fatal_error is None


def test_a_render_past_the_functions_timeout_is_asked_of_the_status_routine(fake_lambda):
    backend = LambdaBackend()
    render = started_render(backend, fake_lambda, remotion.Progress(0.4))
    advanced(fake_lambda, render)
    document = read_progress(fake_lambda, render)
    document["renderMetadata"]["startedDate"] -= 200_000  # 120 s function + 20 s slack ago
    write_progress(fake_lambda, render, document)

    progress = backend.progress(render)

    assert progress.invocations == 1 and len(fake_lambda.invocations_of("status")) == 1


# --- the progress file's presigned URL ------------------------------------------------


class SigningClock:
    def __init__(self):
        self._now = datetime.now(timezone.utc).replace(tzinfo=None)

    def now(self, remove_tzinfo=True):
        return self._now

    def move(self, seconds):
        self._now += timedelta(seconds=seconds)


@pytest.fixture
def signing_clock(monkeypatch):
    """botocore's clock for signatures, moved by hand (`.move(seconds)`): a URL signed
    after a move carries a later X-Amz-Date than one signed before it."""
    clock = SigningClock()
    monkeypatch.setattr(botocore.auth, "get_current_datetime", clock.now)
    return clock


def signed_at(get):
    return parse_qs(urlsplit(get).query)["X-Amz-Date"][0]


def test_a_render_is_read_through_one_presigned_url_signed_at_its_first_poll(
    fake_lambda, s3_gate, signing_clock
):
    backend = LambdaBackend()
    render = started_render(backend, fake_lambda, remotion.Progress(0.5))

    backend.progress(render)
    signing_clock.move(300)
    running = backend.progress(advanced(fake_lambda, render))

    assert running.fraction == pytest.approx(0.1 + 0.1 + 0.6 * 0.5 + 0.1 * 0.5) and running.invocations == 0
    first, second = s3_gate.gets
    assert urlsplit(first).path == f"/{remotion.BUCKET}/renders/{render.farm_render_id}/progress.json"
    assert second == first  # signed once: a URL signed at the second poll would be dated 5 minutes later
    assert parse_qs(urlsplit(first).query)["X-Amz-Expires"] == ["900"]


def test_a_presigned_url_is_signed_again_before_it_expires(fake_lambda, s3_gate, signing_clock, monkeypatch):
    backend = LambdaBackend()
    render = started_render(backend, fake_lambda, remotion.Progress(0.5))
    backend.progress(render)
    (first,) = s3_gate.gets
    lifetime = int(parse_qs(urlsplit(first).query)["X-Amz-Expires"][0])

    # A minute before the URL expires: a read sent with it could still reach S3 too late.
    nearly_expired = time.monotonic() + lifetime - 60
    monkeypatch.setattr(lambda_progress_reads, "monotonic", lambda: nearly_expired)
    signing_clock.move(lifetime - 60)
    backend.progress(render)

    assert signed_at(s3_gate.gets[1]) > signed_at(first)


def test_the_oldest_presigned_urls_make_room_for_new_ones(fake_lambda, s3_gate, signing_clock, monkeypatch):
    monkeypatch.setattr(lambda_progress_reads, "MAX_URLS", 2)
    backend = LambdaBackend()
    oldest, older, newest = (started_render(backend, fake_lambda) for _ in range(3))
    for render in (oldest, older, newest):
        backend.progress(render)

    signing_clock.move(60)
    backend.progress(newest)
    backend.progress(oldest)

    first_oldest, _, first_newest, newest_again, oldest_again = s3_gate.gets
    assert newest_again == first_newest  # still held
    assert signed_at(oldest_again) > signed_at(first_oldest)  # dropped, so signed again


@pytest.mark.parametrize(
    "status, code, message",
    [
        (403, "AccessDenied", "Request has expired"),
        (400, "ExpiredToken", "The provided token has expired."),
    ],
)
def test_a_refused_presigned_url_is_signed_again_once_and_read(
    fake_lambda, s3_gate, signing_clock, status, code, message
):
    backend = LambdaBackend()
    render = started_render(backend, fake_lambda, remotion.Progress(0.5))
    backend.progress(render)
    signing_clock.move(60)
    s3_gate.refuse(status, code, message)

    running = backend.progress(advanced(fake_lambda, render))
    backend.progress(render)

    assert running.fraction > 0 and running.invocations == 0
    assert fake_lambda.invocations_of("status") == []
    first, refused, signed_again, reused = s3_gate.gets
    assert refused == first and signed_at(signed_again) > signed_at(first) and reused == signed_again


@pytest.mark.parametrize(
    "status, code, times, gets",
    [
        (403, "AccessDenied", 2, 2),  # signed again once, refused again: no more attempts
        (400, "InvalidArgument", 1, 1),  # not about the URL: not signed again
        (500, "InternalError", 1, 1),  # transient: the next poll is the retry
    ],
)
def test_a_progress_file_s3_will_not_give_falls_back_to_the_status_routine(
    fake_lambda, s3_gate, status, code, times, gets
):
    backend = LambdaBackend()
    render = started_render(backend, fake_lambda, remotion.Progress(0.25))
    s3_gate.refuse(status, code, "refused", times=times)

    progress = backend.progress(render)

    assert (progress.fraction, progress.invocations) == (0.25, 1)
    assert len(s3_gate.gets) == gets


def test_a_slow_progress_file_falls_back_to_the_status_routine(fake_lambda, s3_gate):
    backend = LambdaBackend(status_read_timeout=0.2)
    render = started_render(backend, fake_lambda, remotion.Progress(0.25))
    s3_gate.delay_next(1.0)

    progress = backend.progress(render)

    assert (progress.fraction, progress.invocations) == (0.25, 1)
    assert len(s3_gate.gets) == 1


# --- the status routine, when the progress file cannot be read -----------------------


def status_only(backend, fake_lambda, *steps):
    """A started render whose progress file is gone: only the status routine can tell."""
    render = started_render(backend, fake_lambda, *steps)
    fake_lambda.farm.s3.delete_object(Bucket=remotion.BUCKET, Key=f"renders/{render.farm_render_id}/progress.json")
    return render


def test_unreadable_progress_file_falls_back_to_the_status_routine(fake_lambda):
    backend = LambdaBackend()
    render = status_only(backend, fake_lambda, remotion.Progress(0.25), remotion.Done())

    running = backend.progress(render)

    assert (running.fraction, running.done, running.invocations) == (0.25, False, 1)
    assert running.cost_currency == "USD" and running.estimated_cost > 0


def test_throttled_status_is_transient(fake_lambda):
    backend = LambdaBackend(status_attempts=1)
    render = status_only(backend, fake_lambda)
    fake_lambda.throttle("status", 1)

    with pytest.raises(TransientBackendError, match="TooManyRequestsException"):
        backend.progress(render)

    assert [i.outcome for i in fake_lambda.invocations_of("status")] == ["TooManyRequestsException"]


def test_status_throttling_is_retried_by_boto(fake_lambda):
    backend = LambdaBackend(status_attempts=2)
    render = status_only(backend, fake_lambda, remotion.Progress(0.6))
    fake_lambda.throttle("status", 1)

    assert backend.progress(render).fraction == 0.6
    outcomes = [i.outcome for i in fake_lambda.invocations_of("status")]
    assert outcomes == ["TooManyRequestsException", "success"]


def test_crashed_status_call_is_transient_and_polling_goes_on(fake_lambda):
    backend = LambdaBackend()
    crash = remotion.Crash("Task timed out after 120.00 seconds")
    render = status_only(backend, fake_lambda, crash, remotion.Progress(0.7))

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
    render = status_only(backend, fake_lambda)
    fake_lambda.farm.version = "4.0.600"  # the function was redeployed under us

    with pytest.raises(FatalBackendError) as caught:
        backend.progress(render)

    assert caught.value.code == "farm_misconfigured"
    assert caught.value.message.startswith("Version mismatch: When calling getRenderProgress()")


def read_progress(fake_lambda, render):
    key = f"renders/{render.farm_render_id}/progress.json"
    return json.loads(fake_lambda.farm.s3.get_object(Bucket=remotion.BUCKET, Key=key)["Body"].read())


def write_progress(fake_lambda, render, changes):
    key = f"renders/{render.farm_render_id}/progress.json"
    document = {**read_progress(fake_lambda, render), **changes}
    fake_lambda.farm.s3.put_object(Bucket=remotion.BUCKET, Key=key, Body=json.dumps(document))


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
    done = backend.progress(advanced(fake_lambda, render))
    render.output_bucket, render.output_key = done.output_bucket, done.output_key

    first = backend.output_location(render).redirect_url
    settings.REMOTION_DOWNLOAD_URL_TTL = 600
    second = backend.output_location(render).redirect_url

    assert parse_qs(urlsplit(first).query)["X-Amz-Expires"] == ["3600"]
    assert parse_qs(urlsplit(second).query)["X-Amz-Expires"] == ["600"]
    with urllib.request.urlopen(second) as response:
        assert response.read() == remotion.FAKE_MP4
        assert response.headers["Content-Disposition"] == 'attachment; filename="montage-render-41.mp4"'
