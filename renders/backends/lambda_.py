"""Remotion Lambda through the official `remotion-lambda` client and boto3.

The client builds the payloads exactly as Remotion 4.0.527 sends them (and uploads large
input props to the render bucket); this module picks how each call may be retried and
turns every failure into a backend error (renders/backends/lambda_errors.py). Endpoints
are never set here: boto3 reads AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL_S3 itself.
"""
import re
from decimal import Decimal

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from remotion_lambda import Privacy, RemotionClient, RenderMediaParams, ShouldDownload
from remotion_lambda.exception import RemotionInvalidArgumentException

from renders.backends import lambda_errors
from renders.backends.base import (
    BackendNotConfigured,
    CancelOutcome,
    OutputLocation,
    RenderBackend,
    RenderProgress,
    StartedRender,
    TransientBackendError,
    failure_code,
)
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
# SigV4 (7-day maximum, every region) on the bucket's regional host: botocore would
# otherwise presign SigV2 URLs on the global s3.amazonaws.com host, which newer regions
# refuse. With a local endpoint (moto) botocore still falls back to path-style URLs.
_PRESIGN_CONFIG = Config(signature_version="s3v4", s3={"addressing_style": "virtual"})


class LambdaBackend(RenderBackend):
    name = "lambda"

    def __init__(self, *, start_read_timeout=None, status_read_timeout=STATUS_READ_TIMEOUT_SECONDS,
                 status_attempts=STATUS_ATTEMPTS):
        self._start_read_timeout = start_read_timeout
        self._status_config = Config(
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=status_read_timeout,
            # Status and cancel only read or write the render's own files: safe to repeat.
            retries={"mode": "standard", "total_max_attempts": status_attempts},
        )

    def check_configured(self):
        missing = [name for name in REQUIRED_SETTINGS if not getattr(settings, name, None)]
        if missing:
            # The caller prefixes "Render service not configured."
            raise BackendNotConfigured(f"Missing {', '.join(missing)}.")

    def start(self, render):
        out_name = f"montage-render-{render.pk}.mp4"  # stable per render, and the download's file name
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
        )
        try:
            response = self._client(start=True).render_media_on_lambda(params)
        except lambda_errors.FARM_ERRORS as exc:
            raise lambda_errors.start_error(exc) from exc
        return StartedRender(farm_render_id=response.render_id, farm_bucket=response.bucket_name)

    def progress(self, render):
        try:
            reply = self._client().get_render_progress(render.farm_render_id, render.farm_bucket)
        except lambda_errors.FARM_ERRORS as exc:
            raise lambda_errors.status_error(exc) from exc
        return _render_progress(vars(reply))

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
        url = self._session().client("s3", config=_PRESIGN_CONFIG).generate_presigned_url(
            "get_object",
            Params={"Bucket": render.output_bucket, "Key": render.output_key},
            ExpiresIn=settings.REMOTION_DOWNLOAD_URL_TTL,
        )
        return OutputLocation(redirect_url=url)

    def delete_output(self, render):
        self.check_configured()
        s3 = self._session().client("s3", config=self._status_config)
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
        read_timeout = self._start_read_timeout or _function_timeout(settings.REMOTION_LAMBDA_FUNCTION_NAME)
        return Config(
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=read_timeout,
            retries={"total_max_attempts": 1},
        )

    def _session(self):
        return boto3.Session(region_name=settings.REMOTION_AWS_REGION)

    def _client(self, *, start=False):
        self.check_configured()
        return RemotionClient(
            region=settings.REMOTION_AWS_REGION,
            serve_url=settings.REMOTION_SERVE_URL,
            function_name=settings.REMOTION_LAMBDA_FUNCTION_NAME,
            session=self._session(),
            config=self._start_config() if start else self._status_config,
        )


def _delete_objects(s3, bucket, keys):
    if not keys:
        return
    reply = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True})
    if reply.get("Errors"):
        first = reply["Errors"][0]
        raise TransientBackendError(
            f"S3 kept {len(reply['Errors'])} object(s) of {bucket}, e.g. {first.get('Key')}: {first.get('Message')}"
        )


def _function_timeout(function_name):
    match = _FUNCTION_TIMEOUT.search(function_name)
    seconds = int(match[1]) if match else LAMBDA_MAX_TIMEOUT_SECONDS
    return seconds + START_READ_MARGIN_SECONDS


def _render_progress(status):
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
        estimated_cost=None if accrued is None else Decimal(str(accrued)).quantize(Decimal("0.000001")),
        cost_currency=costs.get("currency") or "",
    )


def _fatal_error(status):
    # fatalErrorEncountered means some error is fatal and will not be retried; show that one.
    errors = status.get("errors") or []
    fatal = next((e for e in errors if e.get("isFatal") and not e.get("willRetry")), None)
    return (fatal or {}).get("message") or "Remotion Lambda reported a fatal error without a message."
