"""Starting renders on the Lambda backend, through real boto3 over HTTP to the fake
Remotion Lambda (and moto S3), and its configuration check."""
import json
from pathlib import Path

import boto3
import pytest
from remotion_lambda import RemotionClient, RenderMediaParams

from farm.backends import (
    BackendNotConfigured,
    FatalBackendError,
    StartUnconfirmed,
    TransientBackendError,
    get_backend,
)
from farm.backends.base import ASSET_HOSTS_VARIABLE
from farm.backends.lambda_ import LambdaBackend
from tests.fakes import remotion_farm as remotion
from tests.farm.backends.lambda_support import CLIP_PROPS, make_render


def only_start_payload(fake_lambda):
    (invocation,) = fake_lambda.invocations_of("start")
    return invocation.payload


# --- start ---------------------------------------------------------------------------


def test_get_backend_returns_the_lambda_backend(fake_lambda):
    assert isinstance(get_backend().wrapped, LambdaBackend)
    assert get_backend().name == "lambda"


def test_start_sends_the_official_clients_payload(fake_lambda):
    started = LambdaBackend().start(make_render())

    payload = only_start_payload(fake_lambda)
    official = RemotionClient(
        remotion.REGION, remotion.SERVE_URL, remotion.FUNCTION_NAME, session=boto3.Session()
    )
    reference = official.construct_render_request(RenderMediaParams(composition="X"), "video-or-audio")
    assert set(payload) == set(json.loads(reference))
    assert payload["type"] == "start"
    assert payload["version"] == "4.0.527"
    assert payload["serveUrl"] == remotion.SERVE_URL
    assert payload["composition"] == "DynamicCode"
    assert payload["codec"] == "h264"
    assert payload["privacy"] == "private"
    compact_props = json.dumps(CLIP_PROPS, separators=(",", ":"))
    assert payload["inputProps"] == {"type": "payload", "payload": compact_props}
    assert payload["timeoutInMilliseconds"] == 60_000
    assert payload["maxRetries"] == 1
    assert payload["enableCancellation"] is True
    assert payload["outName"] == "montage-render-41.mp4"
    assert payload["downloadBehavior"] == {"type": "download", "fileName": "montage-render-41.mp4"}
    assert started.farm_render_id in fake_lambda.farm.renders
    assert started.farm_bucket == remotion.BUCKET


def test_start_tells_the_page_its_asset_hosts(fake_lambda, settings):
    settings.RENDER_ASSET_HOSTS = ["cdn.example.com", "fonts.example.com:8443"]

    LambdaBackend().start(make_render())

    env = only_start_payload(fake_lambda)["envVariables"]
    assert env == {ASSET_HOSTS_VARIABLE: "cdn.example.com,fonts.example.com:8443"}
    # The same name the bundle's seal reads.
    assert f"'{ASSET_HOSTS_VARIABLE}'" in (Path(settings.REMOTION_PROJECT_DIR) / "src" / "seal.ts").read_text()


def test_movie_start_gets_the_movie_browser_timeout(fake_lambda):
    LambdaBackend().start(make_render("movie", {"scenes": []}))

    assert only_start_payload(fake_lambda)["timeoutInMilliseconds"] == 240_000


def test_large_input_props_travel_through_the_render_bucket(fake_lambda):
    props = {"scenes": [{"code": "x" * 1000, "durationInFrames": 30} for _ in range(200)]}

    started = LambdaBackend().start(make_render("movie", props))

    sent = only_start_payload(fake_lambda)["inputProps"]
    assert sent["type"] == "bucket-url" and sent["bucketName"] == remotion.BUCKET
    fake_lambda.farm.s3.head_object(Bucket=remotion.BUCKET, Key=f"input-props/{sent['hash']}.json")
    assert fake_lambda.farm.renders[started.farm_render_id].input_props == props


def test_throttled_start_is_transient_and_sent_once(fake_lambda):
    fake_lambda.throttle("start", 1)
    backend = LambdaBackend()

    with pytest.raises(TransientBackendError, match="TooManyRequestsException"):
        backend.start(make_render())
    assert [i.outcome for i in fake_lambda.invocations_of("start")] == ["TooManyRequestsException"]

    started = backend.start(make_render())  # our own retry, as the start task does it
    assert [i.outcome for i in fake_lambda.invocations_of("start")] == ["TooManyRequestsException", "success"]
    assert list(fake_lambda.farm.renders) == [started.farm_render_id]


def test_lambda_service_error_on_start_is_transient_and_sent_once(fake_lambda):
    fake_lambda.refuse("start", 500, "ServiceException", "Lambda encountered an internal error.")

    with pytest.raises(TransientBackendError, match="ServiceException"):
        LambdaBackend().start(make_render())

    assert len(fake_lambda.invocations_of("start")) == 1


def test_access_denied_on_start_is_fatal_misconfiguration(fake_lambda):
    denied = "User: arn:aws:iam::123456789012:user/montage is not authorized to perform: lambda:Invoke"
    fake_lambda.refuse("start", 403, "AccessDeniedException", denied)

    with pytest.raises(FatalBackendError, match="lambda:Invoke") as caught:
        LambdaBackend().start(make_render())

    assert caught.value.code == "farm_misconfigured"


def test_start_whose_answer_times_out_is_unconfirmed_and_never_resent(fake_lambda):
    fake_lambda.delay_reply("start", 5)

    with pytest.raises(StartUnconfirmed, match="did not confirm"):
        LambdaBackend(start_read_timeout=0.3).start(make_render())

    assert len(fake_lambda.invocations_of("start")) == 1
    assert len(fake_lambda.farm.renders) == 1  # it did launch: a re-send would have made two


def test_start_whose_answer_is_dropped_is_unconfirmed(fake_lambda):
    fake_lambda.drop_reply("start")

    with pytest.raises(StartUnconfirmed):
        LambdaBackend().start(make_render())

    assert len(fake_lambda.farm.renders) == 1


def test_start_waits_longer_than_the_function_can_run(settings):
    settings.REMOTION_LAMBDA_FUNCTION_NAME = remotion.FUNCTION_NAME  # ...-120sec

    config = LambdaBackend()._start_config()

    assert config.read_timeout > 120
    assert config.retries == {"total_max_attempts": 1}


def test_version_mismatch_is_fatal_with_the_farms_message(fake_lambda):
    fake_lambda.farm.version = "4.0.500"

    with pytest.raises(FatalBackendError) as caught:
        LambdaBackend().start(make_render())

    assert caught.value.message.startswith("Version mismatch: When calling renderMediaOnLambda()")
    assert caught.value.code == "farm_misconfigured"


def test_unknown_function_is_fatal_misconfiguration(fake_lambda, settings):
    settings.REMOTION_LAMBDA_FUNCTION_NAME = "remotion-render-4-0-400-mem2048mb-disk2048mb-120sec"

    with pytest.raises(FatalBackendError) as caught:
        LambdaBackend().start(make_render())

    assert caught.value.code == "farm_misconfigured"
    assert "ResourceNotFoundException" in caught.value.message
    assert fake_lambda.invocations == []


def test_unreachable_lambda_is_transient(fake_lambda, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:9")  # nothing listens there

    with pytest.raises(TransientBackendError, match="Could not reach"):
        LambdaBackend().start(make_render())


# --- configuration -------------------------------------------------------------------


@pytest.mark.parametrize(
    "missing", ["REMOTION_AWS_REGION", "REMOTION_LAMBDA_FUNCTION_NAME", "REMOTION_SERVE_URL"]
)
def test_missing_setting_is_not_configured(fake_lambda, settings, missing):
    backend = LambdaBackend()
    backend.check_configured()
    setattr(settings, missing, None)

    with pytest.raises(BackendNotConfigured, match=missing):
        backend.check_configured()
    with pytest.raises(BackendNotConfigured):
        backend.start(make_render())
    assert fake_lambda.invocations == []
