"""How a failed call to Remotion Lambda maps onto TransientBackendError / FatalBackendError.

Transient means the same call may simply be made again. For `start` that is only true
when the farm certainly did not launch a render: a request that was never sent, or one
Lambda refused before running the function (429 throttling). A start whose answer was
lost may have launched a render: StartUnconfirmed, settled later by its webhook or a lookup.

The official client reports the function's own errors as RemotionRenderingOutputError
with a fixed prefix: "Remotion rendering error: " for a {"type":"error"} reply,
"Lambda function returned an error: " for FunctionError Unhandled. Both carry the farm's
message, which is what users and staff need to see.
"""
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError as BotoConnectionError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
)
from remotion_lambda.exception import RemotionException

from farm.backends.base import FatalBackendError, StartUnconfirmed, TransientBackendError

# Everything a call through the official client can raise besides programming errors.
FARM_ERRORS = (BotoCoreError, ClientError, RemotionException)

_CLIENT_PREFIXES = ("Remotion rendering error: ", "Lambda function returned an error: ")
_NEVER_SENT = (EndpointConnectionError, ConnectTimeoutError)


def start_error(exc):
    exc = _aws_cause(exc)
    if isinstance(exc, ClientError):
        return _client_error(exc)
    if isinstance(exc, _NEVER_SENT):
        return TransientBackendError(f"Could not reach Remotion Lambda: {exc}")
    if isinstance(exc, HTTPClientError):
        return StartUnconfirmed(f"Remotion Lambda did not confirm the start of the render ({exc}).")
    if isinstance(exc, BotoCoreError):  # no credentials, bad region...
        return FatalBackendError(f"Remotion Lambda cannot be called: {exc}", code="farm_misconfigured")
    message = _farm_message(exc)
    if message.startswith("Version mismatch"):
        return FatalBackendError(message, code="farm_misconfigured")
    return FatalBackendError(message, code="start_failed")


def status_error(exc):
    """For calls that only read or signal (status, cancel): they are safe to repeat.

    The status routine throws (FunctionError Unhandled) when it cannot read the render's
    progress file: Lambda's own timeout, S3 throttling inside the function, a cold start
    gone wrong. None of that says the render failed, since render failures come back in
    a successful reply (fatalErrorEncountered), so such errors are transient and our own
    deadline bounds how long they are retried. Only two answers can never improve: a
    version mismatch (the deployment is wrong) and a render the farm has no record of.
    """
    exc = _aws_cause(exc)
    if isinstance(exc, ClientError):
        return _client_error(exc)
    if isinstance(exc, (BotoConnectionError, HTTPClientError)):
        return TransientBackendError(f"Could not reach Remotion Lambda: {exc}")
    if isinstance(exc, BotoCoreError):
        return FatalBackendError(f"Remotion Lambda cannot be called: {exc}", code="farm_misconfigured")
    message = _farm_message(exc)
    if message.startswith("Version mismatch"):
        return FatalBackendError(message, code="farm_misconfigured")
    if message.startswith("No render with ID"):
        return FatalBackendError(message, code="render_failed")
    return TransientBackendError(f"Remotion Lambda status failed: {message}")


def storage_error(exc):
    """For S3 calls on the render buckets (deleting outputs): throttling, 5xx and network
    failures are worth repeating; a refusal (403, no such bucket) is not."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        if status == 429 or status >= 500 or error.get("Code") in ("SlowDown", "Throttling"):
            return TransientBackendError(f"S3 is unavailable ({error.get('Code')}): {error.get('Message')}")
        return FatalBackendError(
            f"S3 refused the call ({error.get('Code')}): {error.get('Message')}", code="storage_refused"
        )
    if isinstance(exc, (BotoConnectionError, HTTPClientError)):
        return TransientBackendError(f"Could not reach S3: {exc}")
    return FatalBackendError(f"S3 cannot be called: {exc}", code="farm_misconfigured")


def _farm_message(exc):
    text = str(exc)
    for prefix in _CLIENT_PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def _aws_cause(exc):
    """The client wraps some S3 failures (input props upload, progress read) in its own exceptions."""
    if isinstance(exc, RemotionException) and isinstance(exc.__cause__, (ClientError, BotoCoreError)):
        return exc.__cause__
    return exc


def _client_error(exc):
    error = exc.response.get("Error", {})
    code = error.get("Code", "")
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    message = error.get("Message") or str(exc)
    # 429: refused before the function ran. 5xx: AWS's own failure; its SDKs retry these too.
    if status == 429 or status >= 500 or code == "TooManyRequestsException":
        return TransientBackendError(f"Remotion Lambda is unavailable ({code}): {message}")
    return FatalBackendError(f"AWS refused the call ({code}): {message}", code="farm_misconfigured")
