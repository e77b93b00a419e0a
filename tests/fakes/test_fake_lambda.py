"""The fake Remotion Lambda checked with plain boto3 and the official client's own payloads,
against ../shared/reference/remotion-lambda.md, so drift in the fake is caught here."""
import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ReadTimeoutError
from remotion_lambda import RemotionClient, RenderMediaParams

from tests.fakes.remotion_farm import (
    BUCKET,
    FAKE_MP4,
    FUNCTION_NAME,
    REGION,
    SERVE_URL,
    Crash,
    Done,
    Fatal,
    Progress,
)

SINGLE_ATTEMPT = Config(retries={"total_max_attempts": 1})


def invoke(payload, *, function_name=FUNCTION_NAME, config=SINGLE_ATTEMPT):
    client = boto3.client("lambda", region_name=REGION, config=config)
    response = client.invoke(FunctionName=function_name, Payload=json.dumps(payload))
    return response, json.loads(response["Payload"].read())


def official_start_payload(**params):
    client = RemotionClient(REGION, SERVE_URL, FUNCTION_NAME, session=boto3.Session())
    payload = client.construct_render_request(RenderMediaParams(**params), render_type="video-or-audio")
    return json.loads(payload)


def start(**params):
    _, reply = invoke(official_start_payload(composition="DynamicCode", input_props={"code": "x"}, **params))
    return reply


def status(reply, version="4.0.527"):
    payload = {
        "type": "status",
        "renderId": reply["renderId"],
        "bucketName": reply["bucketName"],
        "version": version,
        "logLevel": "info",
        "s3OutputProvider": None,
        "forcePathStyle": False,
    }
    return invoke(payload)


def test_info_answers_the_deployed_version(fake_lambda):
    response, reply = invoke({"type": "info", "logLevel": "info"})

    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in response
    assert reply == {"type": "success", "version": "4.0.527"}


def test_start_accepts_the_official_payload_and_writes_the_progress_file(fake_lambda):
    reply = start(enable_cancellation=True)

    assert reply["type"] == "success"
    assert reply["bucketName"] == BUCKET
    assert len(reply["renderId"]) == 10
    key = f"renders/{reply['renderId']}/progress.json"
    progress_file = fake_lambda.farm.s3.get_object(Bucket=BUCKET, Key=key)
    assert json.loads(progress_file["Body"].read())["cancellationEnabled"] is True
    (invocation,) = fake_lambda.invocations_of("start")
    assert invocation.outcome == "success"
    assert invocation.payload["composition"] == "DynamicCode"
    assert fake_lambda.farm.renders[reply["renderId"]].input_props == {"code": "x"}


def test_start_with_another_version_is_a_version_mismatch_error(fake_lambda):
    fake_lambda.farm.version = "4.0.500"

    reply = start()

    assert reply["type"] == "error"
    assert reply["message"].startswith("Version mismatch: When calling renderMediaOnLambda()")
    assert "has version 4.0.527" in reply["message"]
    assert fake_lambda.farm.renders == {}


def test_start_without_a_required_key_is_an_error_reply(fake_lambda):
    payload = official_start_payload(composition="DynamicCode")
    del payload["serveUrl"]

    _, reply = invoke(payload)

    assert reply["type"] == "error"
    assert "serveUrl" in reply["message"]


def test_start_resolves_input_props_uploaded_to_the_bucket(fake_lambda):
    props = {"code": "x" * 200_000}
    payload = official_start_payload(composition="DynamicCode", input_props=props)
    assert payload["inputProps"]["type"] == "bucket-url"

    _, reply = invoke(payload)

    assert fake_lambda.farm.renders[reply["renderId"]].input_props == props


def test_throttled_invocation_is_a_429_too_many_requests_client_error(fake_lambda):
    fake_lambda.throttle("start", 1)

    with pytest.raises(ClientError) as caught:
        start()

    error = caught.value.response
    assert error["Error"]["Code"] == "TooManyRequestsException"
    assert error["Error"]["Message"] == "Rate Exceeded."
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert error["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert [i.outcome for i in fake_lambda.invocations_of("start")] == ["TooManyRequestsException"]
    assert fake_lambda.farm.renders == {}


def test_refused_invocation_is_the_aws_error_it_was_given(fake_lambda):
    fake_lambda.refuse("info", 500, "ServiceException", "Lambda encountered an internal error.")

    with pytest.raises(ClientError) as caught:
        invoke({"type": "info"})

    assert caught.value.response["Error"]["Code"] == "ServiceException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_boto_standard_retries_go_through_a_throttle(fake_lambda):
    fake_lambda.throttle("info", 1)

    _, reply = invoke({"type": "info"}, config=Config(retries={"mode": "standard", "total_max_attempts": 2}))

    assert reply["type"] == "success"
    assert [i.outcome for i in fake_lambda.invocations_of("info")] == ["TooManyRequestsException", "success"]


def test_unknown_function_is_resource_not_found(fake_lambda):
    with pytest.raises(ClientError) as caught:
        invoke({"type": "info"}, function_name="remotion-render-4-0-400-mem2048mb-disk2048mb-120sec")

    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_delayed_reply_times_out_after_the_render_launched(fake_lambda):
    fake_lambda.delay_reply("start", 5)
    short_timeout = Config(read_timeout=0.3, retries={"total_max_attempts": 1})

    with pytest.raises(ReadTimeoutError):
        invoke(official_start_payload(composition="DynamicCode"), config=short_timeout)

    assert len(fake_lambda.invocations_of("start")) == 1
    assert len(fake_lambda.farm.renders) == 1


def test_status_follows_the_script_and_writes_the_output(fake_lambda):
    fake_lambda.farm.script_next_render(Progress(0.25), Done())
    started = start(out_name="montage-render-1.mp4")

    _, running = status(started)
    response, done = status(started)

    assert (running["overallProgress"], running["done"], running["outKey"]) == (0.25, False, None)
    assert running["renderMetadata"]["compositionId"] == "DynamicCode"
    assert "FunctionError" not in response
    assert done["done"] is True and done["overallProgress"] == 1
    assert done["fatalErrorEncountered"] is False
    assert done["outBucket"] == BUCKET
    assert done["outKey"] == f"renders/{started['renderId']}/montage-render-1.mp4"
    assert done["outputFile"].endswith(done["outKey"])
    assert done["outputSizeInBytes"] == len(FAKE_MP4)
    assert set(done["costs"]) >= {"accruedSoFar", "displayCost", "currency"}
    output = fake_lambda.farm.s3.get_object(Bucket=BUCKET, Key=done["outKey"])
    assert output["Body"].read() == FAKE_MP4


def test_status_reports_a_fatal_error_in_remotions_errors_shape(fake_lambda):
    fake_lambda.farm.script_next_render(Fatal("delayRender() timed out"))
    _, reply = status(start())

    assert reply["fatalErrorEncountered"] is True and reply["done"] is False
    (error,) = reply["errors"]
    assert error["message"] == "delayRender() timed out"
    shape = {"type", "name", "stack", "frame", "chunk", "isFatal", "willRetry", "attempt", "totalAttempts"}
    assert shape <= set(error)


def test_status_crash_is_function_error_unhandled(fake_lambda):
    fake_lambda.farm.script_next_render(Crash("Task timed out after 120.00 seconds"), Progress(0.5))
    started = start()

    response, crashed = status(started)
    _, recovered = status(started)

    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    assert crashed["errorMessage"] == "Task timed out after 120.00 seconds"
    assert set(crashed) == {"errorType", "errorMessage", "trace"}
    assert recovered["overallProgress"] == 0.5


def test_status_of_an_unknown_render_or_version_is_unhandled(fake_lambda):
    started = start()

    unknown_response, unknown = status({"renderId": "nosuchrend", "bucketName": BUCKET})
    mismatch_response, mismatch = status(started, version="4.0.1")

    assert unknown_response["FunctionError"] == "Unhandled"
    assert unknown["errorMessage"].startswith('No render with ID "nosuchrend" found')
    assert mismatch_response["FunctionError"] == "Unhandled"
    assert mismatch["errorMessage"].startswith("Version mismatch")


def test_a_script_ending_in_progress_never_finishes(fake_lambda):
    fake_lambda.farm.script_next_render(Progress(0.1), Progress(0.4))
    started = start()

    replies = [status(started)[1] for _ in range(4)]

    assert [reply["overallProgress"] for reply in replies] == [0.1, 0.4, 0.4, 0.4]
    assert not any(reply["done"] for reply in replies)
