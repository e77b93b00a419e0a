"""What a deployed Remotion Lambda 4.0.527 function answers to `info`, `start`, `status`
(and `still`: remotion_still.py).

Faithful to ../shared/reference/remotion-lambda.md: the version check, the reply keys, the
three error shapes, large input props read back from the render bucket, the progress file
at renders/<id>/progress.json, kept up to date as the render moves on (Montage reads it
instead of invoking the status routine), and the render's webhook called when it ends.
What a render does is scripted per render with Progress / Done / Fatal / TimedOut / Crash
steps; a render takes its next step at each status call and at each `advance()`.
"""
import hashlib
import json
import random
import string
import threading
import time
from collections import deque
from dataclasses import dataclass

from tests.fakes import progress_file
from tests.fakes.remotion_still import still_reply
from tests.fakes.remotion_webhooks import WebhookSender

REMOTION_VERSION = "4.0.527"
FUNCTION_NAME = "remotion-render-4-0-527-mem2048mb-disk2048mb-120sec"
REGION = "us-east-1"
BUCKET = "remotionlambda-useast1-fakefarm01"
SERVE_URL = f"https://{BUCKET}.s3.{REGION}.amazonaws.com/sites/montage/index.html"
# Keys the real start routine cannot do without (it copies the rest one by one).
START_REQUIRED_KEYS = ("serveUrl", "composition", "codec", "version", "inputProps")
# A tiny ISO-BMFF file (ftyp + empty mdat): enough for a download to be recognisably MP4.
FAKE_MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00\x00\x00\x08mdat"


@dataclass(frozen=True)
class Progress:
    fraction: float


@dataclass(frozen=True)
class Done:
    """The render finished; its output object is written to S3 the first time this is seen."""


@dataclass(frozen=True)
class Fatal:
    """A chunk failed for good: reported in errors[] with fatalErrorEncountered."""

    message: str


@dataclass(frozen=True)
class TimedOut:
    """The main function ran out of time: the timeout webhook, a TimeoutError in status."""


FINAL_STEPS = (Done, Fatal, TimedOut)


@dataclass(frozen=True)
class Crash:
    """The status routine itself throws: FunctionError Unhandled."""

    message: str
    error_type: str = "Error"


class FunctionCrashed(Exception):
    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type
        self.message = message


@dataclass
class FarmRender:
    render_id: str
    bucket: str
    payload: dict
    input_props: dict  # resolved, whether sent inline or through the bucket
    steps: list
    started_ms: int
    status_calls: int = 0
    output_written: bool = False
    step: object = None  # where the render is: the last step it took
    finished_at: float | None = None  # when it reached a final step (time.time())

    @property
    def out_key(self):
        return f"renders/{self.render_id}/{self.payload.get('outName') or 'out.mp4'}"

    def next_step(self):
        # The last step repeats: a script ending in Progress is a render that never finishes.
        step = self.steps[min(self.status_calls, len(self.steps) - 1)]
        self.status_calls += 1
        return step


class RemotionFarm:
    def __init__(self, s3, *, version=REMOTION_VERSION, function_name=FUNCTION_NAME, bucket=BUCKET):
        self.s3 = s3
        self.version = version  # the deployed function's version; change it to provoke a mismatch
        self.function_name = function_name
        self.bucket = bucket
        self.default_steps = (Progress(0.5), Done())
        self.renders = {}
        self.webhooks = WebhookSender()
        self.stills = []  # what each still invocation rendered: payload, props, bucket, key
        self.still_error = None  # set: every still fails with this message
        self._scripts = deque()
        self._lock = threading.Lock()

    def script_next_render(self, *steps):
        """What the status routine reports for the next render started, one step per call."""
        self._scripts.append(list(steps))

    def advance(self, render_id=None):
        """Every unfinished render (or just `render_id`) takes its next step, as time passes."""
        with self._lock:
            chosen = [self.renders[render_id]] if render_id else list(self.renders.values())
            moving = [(r, r.next_step()) for r in chosen if not isinstance(r.step, FINAL_STEPS)]
        for render, step in moving:
            if not isinstance(step, Crash):
                self._take(render, step)

    def run_clock(self, interval):
        """Advance every render each `interval` seconds in a thread; returns its stop()."""
        stopping = threading.Event()

        def tick():
            while not stopping.wait(interval):
                self.advance()

        thread = threading.Thread(target=tick, daemon=True)
        thread.start()

        def stop():
            stopping.set()
            thread.join()

        return stop

    def _take(self, render, step):
        """Move the render to `step`: its progress file, its output, its webhook."""
        first_final = isinstance(step, FINAL_STEPS) and not isinstance(render.step, FINAL_STEPS)
        rendered = render.step.fraction if isinstance(render.step, Progress) else 0.0
        render.step = step
        if first_final:
            render.finished_at = time.time()
        if isinstance(step, Progress):
            self._write_progress(render, progress_file.rendering(render, step.fraction))
        elif isinstance(step, Fatal):
            self._write_progress(render, progress_file.failed(render, _fatal_error(step.message), rendered))
        elif isinstance(step, Done):
            self._write_output(render)
            output_url = f"https://{render.bucket}.s3.{REGION}.amazonaws.com/{render.out_key}"
            self._write_progress(render, progress_file.done(render, _cost(1.0), output_url, len(FAKE_MP4)))
        if first_final and render.payload.get("webhook"):
            self.webhooks.send(render.payload["webhook"], _webhook_payload(render, step))

    def _write_progress(self, render, document):
        key = f"renders/{render.render_id}/progress.json"
        self.s3.put_object(Bucket=render.bucket, Key=key, Body=json.dumps(document))

    def invoke(self, payload):
        """The function's reply to one payload, or FunctionCrashed for an Unhandled error."""
        routine = payload.get("type")
        if routine == "info":
            return {"type": "success", "version": self.version}
        if routine == "start":
            try:
                return self._start(payload)
            except Exception as exc:  # the real start routine catches everything it throws
                return {"type": "error", "message": str(exc), "stack": f"Error: {exc}\n    at startHandler"}
        if routine == "status":
            return self._status(payload)
        if routine == "still":
            return still_reply(self, payload)
        return {"type": "error", "message": f"Command not found: {json.dumps(payload)}", "stack": ""}

    def check_version(self, payload, api_name):
        if payload.get("version") != self.version:
            raise ValueError(
                f"Version mismatch: When calling {api_name}, you passed {self.function_name} as the "
                f"function, which has the version {self.version}, but the @remotion/lambda package you "
                f"used to invoke the function has version {payload.get('version')}. Deploy a new "
                "function and use it to call getRenderProgress(). "
                "See: https://www.remotion.dev/docs/lambda/upgrading"
            )

    def _start(self, payload):
        self.check_version(payload, "renderMediaOnLambda()")
        missing = [key for key in START_REQUIRED_KEYS if payload.get(key) is None]
        if missing:
            raise ValueError(f"Missing required start fields: {', '.join(missing)}")
        bucket = payload.get("bucketName") or self.bucket
        input_props = self.resolve_input_props(payload["inputProps"])
        render_id = "".join(random.choices(string.ascii_lowercase + string.digits, k=10))
        if payload.get("deleteAfter"):
            # Remotion prefixes the id so the bucket's lifecycle rule on renders/<value> applies.
            render_id = f"{payload['deleteAfter']}-{render_id}"
        now_ms = int(time.time() * 1000)
        initial = json.dumps(progress_file.initial(payload, now_ms))
        self.s3.put_object(Bucket=bucket, Key=f"renders/{render_id}/progress.json", Body=initial)
        with self._lock:
            steps = self._scripts.popleft() if self._scripts else list(self.default_steps)
            self.renders[render_id] = FarmRender(render_id, bucket, payload, input_props, steps, now_ms)
        return {"type": "success", "renderId": render_id, "bucketName": bucket}

    def resolve_input_props(self, serialized):
        if serialized["type"] == "payload":
            return json.loads(serialized["payload"])
        if serialized["type"] == "bucket-url":
            key = f"input-props/{serialized['hash']}.json"
            body = self.s3.get_object(Bucket=serialized["bucketName"], Key=key)["Body"].read()
            if hashlib.sha256(body).hexdigest() != serialized["hash"]:
                raise ValueError(f"Input props at {key} do not match their hash")
            return json.loads(body)
        raise ValueError(f"Unknown inputProps type {serialized['type']!r}")

    def _status(self, payload):
        try:
            self.check_version(payload, "getRenderProgress()")
        except ValueError as exc:
            raise FunctionCrashed("Error", str(exc)) from exc
        with self._lock:
            render = self.renders.get(payload.get("renderId"))
            if render is None or render.bucket != payload.get("bucketName"):
                raise FunctionCrashed(
                    "TypeError",
                    f'No render with ID "{payload.get("renderId")}" found in bucket '
                    f"{payload.get('bucketName')} and region {REGION}",
                )
            step = render.next_step()
        if isinstance(step, Crash):
            raise FunctionCrashed(step.error_type, step.message)
        self._take(render, step)
        return _status_reply(render, step)

    def _write_output(self, render):
        if render.output_written:
            return
        behavior = render.payload.get("downloadBehavior") or {}
        extra = {}
        if behavior.get("type") == "download":
            extra["ContentDisposition"] = f'attachment; filename="{behavior.get("fileName") or "out.mp4"}"'
        self.s3.put_object(
            Bucket=render.bucket, Key=render.out_key, Body=FAKE_MP4, ContentType="video/mp4", **extra
        )
        render.output_written = True


def _status_reply(render, step):
    done = isinstance(step, Done)
    fatal = isinstance(step, (Fatal, TimedOut))
    fraction = step.fraction if isinstance(step, Progress) else float(done)
    cost = _cost(fraction)
    if isinstance(step, TimedOut):
        errors = [{**_fatal_error("The main function timed out after 120000ms."), "name": "TimeoutError"}]
    else:
        errors = [_fatal_error(step.message)] if fatal else []
    return {
        "type": "success",
        "renderId": render.render_id,
        "bucket": render.bucket,
        "overallProgress": fraction,
        "done": done,
        "fatalErrorEncountered": fatal,
        "errors": errors,
        "chunks": 2 if done else 0,
        "framesRendered": int(90 * fraction),
        "lambdasInvoked": 2,
        "renderMetadata": {
            "type": "video",
            "compositionId": render.payload["composition"],
            "codec": render.payload["codec"],
            "startedDate": render.started_ms,
            "totalChunks": 2,
            "privacy": render.payload.get("privacy"),
            "outName": render.payload.get("outName"),
            "lambdaVersion": REMOTION_VERSION,
        },
        "costs": {
            "accruedSoFar": cost,
            "displayCost": f"${cost:.4f}",
            "currency": "USD",
            "disclaimer": "Estimated cost only. Does not include charges for other AWS services.",
        },
        "outputFile": f"https://{render.bucket}.s3.{REGION}.amazonaws.com/{render.out_key}" if done else None,
        "outKey": render.out_key if done else None,
        "outBucket": render.bucket if done else None,
        "outputSizeInBytes": len(FAKE_MP4) if done else None,
        "timeToFinish": 4321 if done else None,
        "timeoutTimestamp": render.started_ms + 120_000,
        "currentTime": int(time.time() * 1000),
    }


def _fatal_error(message):
    return {
        "type": "renderer",
        "message": message,
        "name": "Error",
        "stack": f"Error: {message}\n    at renderer",
        "frame": 12,
        "chunk": 0,
        "isFatal": True,
        "willRetry": False,
        "attempt": 2,
        "totalAttempts": 2,
        "tmpDir": None,
        "explanation": None,
    }


def _cost(fraction):
    return round(0.0002 + 0.002 * fraction, 6)


def _webhook_payload(render, step):
    """What the launch function POSTs when the render ends (handlers/launch.js)."""
    payload = {
        "type": {Done: "success", Fatal: "error", TimedOut: "timeout"}[type(step)],
        "renderId": render.render_id,
        "expectedBucketOwner": "123456789012",
        "bucketName": render.bucket,
        "customData": render.payload["webhook"].get("customData"),
    }
    if isinstance(step, Done):
        output_url = f"https://{render.bucket}.s3.{REGION}.amazonaws.com/{render.out_key}"
        cost = _cost(1.0)
        payload.update(
            outputUrl=output_url,
            lambdaErrors=[],
            outputFile=output_url,
            timeToFinish=4321,
            costs={
                "estimatedCost": cost,
                "estimatedDisplayCost": f"${cost:.4f}",
                "currency": "USD",
                "disclaimer": "Estimated cost only. Does not include charges for other AWS services.",
            },
        )
    elif isinstance(step, Fatal):
        payload["errors"] = [{"message": step.message, "name": "Error", "stack": f"Error: {step.message}"}]
    return payload
