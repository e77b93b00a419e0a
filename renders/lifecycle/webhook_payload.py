"""The body of a Remotion Lambda webhook, type-checked field by field before anything uses it.

A valid signature proves who sent the body, not that it is well formed: a leaked secret,
a Remotion upgrade or a proxy rewriting JSON must end as a 400 `invalid_webhook` with
nothing changed, never as a 500 halfway through applying it. Fields Montage does not
read (timeToFinish, lambdaErrors, expectedBucketOwner) are not checked.
"""
import json
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from config.api.exceptions import ApplicationError

OUTCOMES = ("success", "error", "timeout")
INVALID = "invalid_webhook"
KIND_NAMES = {str: "a string", dict: "an object", list: "a list"}


@dataclass(frozen=True)
class WebhookBody:
    type: str
    render_id: int  # customData.render: Montage's row
    attempt: str | None  # customData.attempt: the start it belongs to
    farm_render_id: str
    bucket: str
    output_file: str | None  # success only: the URL of the output object
    error_message: str | None  # error only: the first error's message
    estimated_cost: float | int | None
    currency: str

    def output_is(self, bucket, key):
        """Whether outputFile names `key` in `bucket` (path-style, as Remotion writes it,
        or virtual-hosted)."""
        if not self.output_file:
            return False
        url = urlsplit(self.output_file)
        path = unquote(url.path)
        return path == f"/{bucket}/{key}" or (url.hostname or "").startswith(f"{bucket}.") and path == f"/{key}"


def webhook_body_parse(body):
    try:
        payload = json.loads(body)
    except ValueError:
        raise _invalid("The body is not JSON.") from None
    _expect(isinstance(payload, dict), "The body is not a JSON object.")
    kind = payload.get("type")
    _expect(kind in OUTCOMES, f"`type` must be one of {', '.join(OUTCOMES)}.")
    farm_render_id = payload.get("renderId")
    _expect(isinstance(farm_render_id, str) and farm_render_id, "`renderId` must be a non-empty string.")
    custom = payload.get("customData")
    _expect(isinstance(custom, dict), "`customData` must be the object Montage sent.")
    render_id, attempt = custom.get("render"), custom.get("attempt")
    # bool is an int to Python: `true` must not be taken for render 1.
    _expect(type(render_id) is int and render_id > 0, "`customData.render` must be a render id.")
    _expect(attempt is None or isinstance(attempt, str), "`customData.attempt` must be a string.")
    costs = _optional(payload, "costs", dict) or {}
    estimated_cost = costs.get("estimatedCost")
    _expect(
        estimated_cost is None or (type(estimated_cost) in (int, float) and estimated_cost >= 0),
        "`costs.estimatedCost` must be a number.",
    )
    currency = _optional(costs, "currency", str)
    return WebhookBody(
        type=kind,
        render_id=render_id,
        attempt=attempt,
        farm_render_id=farm_render_id,
        bucket=_optional(payload, "bucketName", str) or "",
        output_file=_optional(payload, "outputFile", str),
        error_message=_first_error(payload),
        estimated_cost=estimated_cost,
        currency=currency or "",
    )


def _first_error(payload):
    errors = _optional(payload, "errors", list) or []
    for error in errors:
        _expect(isinstance(error, dict), "`errors` must be a list of objects.")
        _optional(error, "message", str)
    return next((error["message"] for error in errors if error.get("message")), None)


def _optional(container, key, kind):
    value = container.get(key)
    _expect(value is None or isinstance(value, kind), f"`{key}` must be {KIND_NAMES[kind]}.")
    return value


def _expect(condition, message):
    if not condition:
        raise _invalid(message)


def _invalid(message):
    return ApplicationError(INVALID, f"Not a Remotion webhook body with Montage's customData: {message}")
