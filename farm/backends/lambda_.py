"""Remotion Lambda through the official `remotion-lambda` client and boto3.

The client builds the payloads exactly as Remotion 4.0.527 sends them (and uploads large
input props to the render bucket); this module picks how each call may be retried and
turns every failure into a backend error (farm/backends/lambda_errors.py). Endpoints
are never set here: boto3 reads AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL_S3 itself.
Clients are shared per process (lambda_clients.py). Progress is read from the render's
progress file in the bucket (lambda_progress_reads.py, lambda_progress.py); the status
routine, a billed invocation, is asked only when the file cannot tell.
"""
import functools
import json
import re
import time
from decimal import Decimal

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from remotion_lambda import Privacy, RenderMediaParams, ShouldDownload, Webhook
from remotion_lambda.exception import RemotionInvalidArgumentException

from farm import webhook_contract
from farm.backends import lambda_clients, lambda_errors, lambda_progress_reads
from farm.backends.base import (
    ASSET_HOSTS_VARIABLE,
    RENDERER_OUTPUT_MAX,
    BackendNotConfigured,
    CancelOutcome,
    OutputLocation,
    RenderBackend,
    RenderProgress,
    StartedRender,
    TransientBackendError,
    failure_code,
)
from farm.backends.lambda_progress import PROGRESS_KEY, status_from_progress_file
from renders.limits import limits_for

REQUIRED_SETTINGS = ("REMOTION_AWS_REGION", "REMOTION_LAMBDA_FUNCTION_NAME", "REMOTION_SERVE_URL")
# Deployed function names end with their timeout ("...-120sec"); 900 s is Lambda's maximum.
_FUNCTION_TIMEOUT = re.compile(r"-(\d+)sec\b")
LAMBDA_MAX_TIMEOUT_SECONDS = 900
# A Remotion render id (with its expiry prefix when deleteAfter was given): never a path.
_FARM_ID = re.compile(r"[A-Za-z0-9-]+")
# RENDER_RETENTION_DAYS values Remotion's bucket lifecycle rules can also enforce.
_DELETE_AFTER = {1: "1-day", 3: "3-days", 7: "7-days", 30: "30-days"}
START_READ_MARGIN_SECONDS = 10
CONNECT_TIMEOUT_SECONDS = 10
STATUS_READ_TIMEOUT_SECONDS = 15
STATUS_ATTEMPTS = 3
# A start whose answer was lost has finished or died (and sent its webhook) by the time
# the function's own timeout has passed; this much more covers the webhook's retries.
START_SETTLE_MARGIN_SECONDS = 30


class LambdaBackend(RenderBackend):
    name = "lambda"

    def __init__(self, *, start_read_timeout=None, status_read_timeout=STATUS_READ_TIMEOUT_SECONDS,
                 status_attempts=STATUS_ATTEMPTS):
        self._start_read_timeout = start_read_timeout
        self._status_read_timeout = status_read_timeout
        self._status_config = _status_config(status_read_timeout, status_attempts)

    @property
    def start_settle_seconds(self):
        return _function_seconds() + START_SETTLE_MARGIN_SECONDS

    def check_configured(self):
        missing = [name for name in REQUIRED_SETTINGS if not getattr(settings, name, None)]
        if missing:
            # The caller prefixes "Render service not configured."
            raise BackendNotConfigured(f"Missing {', '.join(missing)}.")

    def start(self, render):
        out_name = output_name(render.pk)
        params = RenderMediaParams(
            composition=render.composition_id,
            input_props=render.input_props,
            codec="h264",
            privacy=Privacy.PRIVATE,
            # The browser's delayRender timeout, not the Lambda function's.
            timeout_in_milliseconds=limits_for(render.kind).browser_timeout_seconds * 1000,
            max_retries=1,
            enable_cancellation=True,
            out_name=out_name,
            download_behavior=ShouldDownload(type="download", fileName=out_name),
            # The bucket then expires the render's files itself, even if our sweep never runs.
            delete_after=_DELETE_AFTER.get(settings.RENDER_RETENTION_DAYS),
            webhook=_webhook(render),
            # The page's Content-Security-Policy admits these hosts besides the site.
            env_variables={ASSET_HOSTS_VARIABLE: ",".join(settings.RENDER_ASSET_HOSTS)},
        )
        try:
            response = self._client(start=True).render_media_on_lambda(params)
        except lambda_errors.FARM_ERRORS as exc:
            raise lambda_errors.start_error(exc) from exc
        return StartedRender(farm_render_id=response.render_id, farm_bucket=response.bucket_name)

    def progress(self, render):
        status = self._status_from_bucket(render)
        if status is not None:
            return _render_progress(status)
        try:
            reply = self._client().get_render_progress(render.farm_render_id, render.farm_bucket)
        except lambda_errors.FARM_ERRORS as exc:
            raise lambda_errors.status_error(exc) from exc
        return _render_progress(vars(reply), invocations=1)

    def _status_from_bucket(self, render):
        """What the status routine would answer, from the progress file; None when unsure."""
        self.check_configured()
        body = lambda_progress_reads.read(
            render.farm_bucket,
            PROGRESS_KEY.format(render_id=render.farm_render_id),
            connect_timeout=CONNECT_TIMEOUT_SECONDS, read_timeout=self._status_read_timeout,
        )
        if body is None:
            return None  # the status routine reports why (and retries what is transient)
        try:
            progress = json.loads(body)
        except ValueError:
            return None  # likewise
        return status_from_progress_file(
            progress,
            render_id=render.farm_render_id,
            bucket=render.farm_bucket,
            now_ms=int(time.time() * 1000),
            function_timeout_ms=_function_seconds() * 1000,
        )

    def progress_from_webhook(self, render, payload):
        return RenderProgress(
            fraction=1.0,
            done=True,
            output_bucket=render.farm_bucket,
            output_key=output_key(render.pk, render.farm_render_id),
            output_size=None,  # not in the webhook: fill_output_size asks the bucket afterwards
            estimated_cost=_cost(payload.estimated_cost),
            cost_currency=payload.currency,
        )

    def output_size(self, render):
        self.check_configured()
        try:
            return self._s3().head_object(Bucket=render.output_bucket, Key=render.output_key)["ContentLength"]
        except lambda_errors.FARM_ERRORS as exc:
            raise lambda_errors.status_error(exc) from exc

    def find_started(self, render):
        """The render started by a start whose answer was lost, found by its output's name.

        Only called once the farm is done with it (start_settle_seconds): a render it
        accepted has written its output by then, or has failed.
        """
        self.check_configured()
        suffix = "/" + output_name(render.pk)
        s3 = self._s3()
        try:
            for bucket in render_buckets(s3):
                for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="renders/"):
                    for item in page.get("Contents", ()):
                        if item["Key"].endswith(suffix):
                            return StartedRender(farm_render_id=item["Key"].split("/")[1], farm_bucket=bucket)
        except lambda_errors.FARM_ERRORS as exc:
            raise lambda_errors.status_error(exc) from exc
        return None

    def cancel(self, render):
        try:
            self._client().cancel_render_on_lambda(render.farm_render_id, render.farm_bucket)
        except RemotionInvalidArgumentException:
            return CancelOutcome(
                stopped=False,
                message="The render was started without cancellation, so Remotion Lambda finishes it anyway.",
            )
        except lambda_errors.FARM_ERRORS as exc:
            raise lambda_errors.status_error(exc) from exc
        return CancelOutcome(stopped=True)

    def output_location(self, render):
        self.check_configured()
        # Presigning is local computation; a fresh URL per request, since stored ones go stale.
        url = lambda_clients.client("s3", lambda_clients.PRESIGN_CONFIG).generate_presigned_url(
            "get_object",
            Params={"Bucket": render.output_bucket, "Key": render.output_key},
            ExpiresIn=settings.REMOTION_DOWNLOAD_URL_TTL,
        )
        return OutputLocation(redirect_url=url)

    def delete_output(self, render):
        self.check_configured()
        s3 = self._s3()
        try:
            # Chunks, progress file, input props and (by default) the output itself.
            if render.farm_bucket and _FARM_ID.fullmatch(render.farm_render_id):
                pages = s3.get_paginator("list_objects_v2").paginate(
                    Bucket=render.farm_bucket, Prefix=f"renders/{render.farm_render_id}/"
                )
                for page in pages:
                    _delete_objects(s3, render.farm_bucket, [obj["Key"] for obj in page.get("Contents", [])])
            if render.output_bucket and render.output_key:
                s3.delete_object(Bucket=render.output_bucket, Key=render.output_key)
        except (BotoCoreError, ClientError) as exc:
            raise lambda_errors.storage_error(exc) from exc

    def _start_config(self):
        # One attempt only: boto3 re-sends a request whose answer timed out, and a re-sent
        # start launches a second render. The read timeout outlasts the function itself, so
        # a slow start is waited for rather than mistaken for a lost one.
        return _start_config(self._start_read_timeout or _function_seconds() + START_READ_MARGIN_SECONDS)

    def farm_client(self, *, start=False):
        """The official client: `start` for calls that do the work (a start, a still)."""
        return self._client(start=start)

    def _client(self, *, start=False):
        self.check_configured()
        return lambda_clients.remotion_client(self._start_config() if start else self._status_config)

    def _s3(self):
        return lambda_clients.client("s3", self._status_config)


def _delete_objects(s3, bucket, keys):
    if not keys:
        return
    reply = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True})
    if reply.get("Errors"):
        first = reply["Errors"][0]
        raise TransientBackendError(
            f"S3 kept {len(reply['Errors'])} object(s) of {bucket}, e.g. {first.get('Key')}: {first.get('Message')}"
        )


def render_buckets(s3):
    # Remotion's own naming of the render bucket it creates per region.
    prefix = "remotionlambda-" + settings.REMOTION_AWS_REGION.replace("-", "")
    return [b["Name"] for b in s3.list_buckets().get("Buckets", ()) if b["Name"].startswith(prefix)]


def output_name(render_id):
    """The output's file name: stable per render (a lost start is found by it) and the
    name the download is saved under."""
    return f"montage-render-{render_id}.mp4"


def output_key(render_id, farm_render_id):
    return f"renders/{farm_render_id}/{output_name(render_id)}"


# One Config per set of values, shared by every backend instance: get_backend() makes one
# per call, and a Config built per poll was a tenth of the poll's CPU (the shared clients
# are also found faster by a Config they have seen).
@functools.cache
def _status_config(read_timeout, attempts):
    return Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=read_timeout,
        # Status and cancel only read or write the render's own files: safe to repeat.
        retries={"mode": "standard", "total_max_attempts": attempts},
    )


@functools.cache
def _start_config(read_timeout):
    return Config(connect_timeout=CONNECT_TIMEOUT_SECONDS, read_timeout=read_timeout, retries={"total_max_attempts": 1})


def _webhook(render):
    if not webhook_contract.webhooks_configured():
        return None
    return Webhook(
        secret=settings.REMOTION_WEBHOOK_SECRET,
        url=webhook_contract.webhook_url(),
        customData=webhook_contract.custom_data(render),
    )


def _function_seconds():
    """The deployed function's timeout, read from its name."""
    match = _FUNCTION_TIMEOUT.search(settings.REMOTION_LAMBDA_FUNCTION_NAME or "")
    return int(match[1]) if match else LAMBDA_MAX_TIMEOUT_SECONDS


def _render_progress(status, invocations=0):
    costs = status.get("costs") or {}
    accrued = costs.get("accruedSoFar")
    done = bool(status.get("done"))
    fatal_error = _fatal_error(status) if status.get("fatalErrorEncountered") else None
    return RenderProgress(
        fraction=1.0 if done else min(1.0, max(0.0, float(status.get("overallProgress") or 0))),
        done=done,
        fatal_error=fatal_error,
        error_code=failure_code(fatal_error, status.get("framesRendered")),
        output_bucket=status.get("outBucket") or "",
        output_key=status.get("outKey") or "",
        output_size=status.get("outputSizeInBytes"),
        estimated_cost=_cost(accrued),
        cost_currency=costs.get("currency") or "",
        invocations=invocations,
        renderer_output=_error_stacks(status) if fatal_error else "",
    )


def _error_stacks(status):
    """Every error Remotion reported with its stack (chunk, frame, attempt), newest last."""
    lines = [
        f"[chunk {e.get('chunk')}, frame {e.get('frame')}, attempt {e.get('attempt')}] "
        f"{e.get('stack') or e.get('message')}"
        for e in status.get("errors") or []
    ]
    return "\n".join(lines)[-RENDERER_OUTPUT_MAX:]


def _cost(amount):
    return None if amount is None else Decimal(str(amount)).quantize(Decimal("0.000001"))


def _fatal_error(status):
    # fatalErrorEncountered means some error is fatal and will not be retried; show that one.
    errors = status.get("errors") or []
    fatal = next((e for e in errors if e.get("isFatal") and not e.get("willRetry")), None)
    return (fatal or {}).get("message") or "Remotion Lambda reported a fatal error without a message."
