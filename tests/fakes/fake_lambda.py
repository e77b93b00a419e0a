"""A small real HTTP server speaking the AWS Lambda Invoke REST API in front of a RemotionFarm.

boto3 reaches it through AWS_ENDPOINT_URL_LAMBDA and signs its requests with SigV4; the
fake does not check signatures. It answers like Lambda: 200 with X-Amz-Executed-Version,
X-Amz-Function-Error: Unhandled when the function throws, 429 TooManyRequestsException
when throttled (the function never runs), 404 ResourceNotFoundException for an unknown
function. Every invocation is recorded, so tests can count what reached the farm.
"""
import json
import re
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from urllib.parse import unquote

from tests.fakes.loopback_server import LoopbackServer, QuietHandler
from tests.fakes.remotion_farm import REGION, FunctionCrashed

_INVOKE_PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations$")


@dataclass
class Invocation:
    routine: str  # the payload's "type": info, start, status...
    payload: dict
    outcome: str = "pending"  # success, error, unhandled, or the AWS error code it was refused with
    received_at: float = field(default_factory=time.time)


class FakeLambda(LoopbackServer):
    def __init__(self, farm):
        super().__init__(_handler_for(self))
        self.farm = farm
        self.invocations = []
        self._refusals = defaultdict(deque)
        self._reply_delays = {}
        self._dropped_replies = defaultdict(int)
        self._after_invoke = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def stop(self):
        self._stopping.set()  # frees handlers still holding back a delayed reply
        super().stop()

    def throttle(self, routine, times):
        """Refuse the next `times` invocations of `routine` with 429, before the function runs."""
        reason = "ReservedFunctionConcurrentInvocationLimitExceeded"
        self.refuse(routine, 429, "TooManyRequestsException", "Rate Exceeded.", times=times, Reason=reason)

    def refuse(self, routine, status, error_type, message, *, times=1, **extra):
        """Answer the next `times` invocations of `routine` with an AWS error; the function never runs."""
        with self._lock:
            self._refusals[routine].extend([(status, error_type, message, extra)] * times)

    def delay_reply(self, routine, seconds):
        """Run the next `routine` invocation, then hold its reply back (past a client's read timeout)."""
        with self._lock:
            self._reply_delays[routine] = seconds

    def drop_reply(self, routine, times=1):
        """Run the next `times` invocations of `routine`, then close the connection unanswered
        (the answer lost on the way back, as when a worker dies waiting for it)."""
        with self._lock:
            self._dropped_replies[routine] += times

    def after_invoke(self, routine, callback):
        """Call `callback()` once the next `routine` invocation has run, before it answers."""
        with self._lock:
            self._after_invoke[routine] = callback

    def invocations_of(self, routine):
        with self._lock:
            return [invocation for invocation in self.invocations if invocation.routine == routine]

    def handle(self, function_name, payload):
        """(status, headers, body) for one Invoke request."""
        if function_name.split(":function:")[-1].split(":")[0] != self.farm.function_name:
            return _aws_error(
                404,
                "ResourceNotFoundException",
                f"Function not found: arn:aws:lambda:{REGION}:123456789012:function:{function_name}",
            )
        invocation = Invocation(routine=str(payload.get("type")), payload=payload)
        with self._lock:
            self.invocations.append(invocation)
            if self._refusals[invocation.routine]:
                status, error_type, message, extra = self._refusals[invocation.routine].popleft()
                invocation.outcome = error_type
                return _aws_error(status, error_type, message, **extra)
            delay = self._reply_delays.pop(invocation.routine, 0)
            dropped = self._dropped_replies[invocation.routine] > 0
            self._dropped_replies[invocation.routine] -= int(dropped)
            after = self._after_invoke.pop(invocation.routine, None)
        headers = {"X-Amz-Executed-Version": "$LATEST"}
        try:
            reply = self.farm.invoke(payload)
            invocation.outcome = reply.get("type", "success")
        except FunctionCrashed as exc:
            invocation.outcome = "unhandled"
            headers["X-Amz-Function-Error"] = "Unhandled"
            reply = {
                "errorType": exc.error_type,
                "errorMessage": exc.message,
                "trace": [f"{exc.error_type}: {exc.message}"],
            }
        if after is not None:
            after()
        self._stopping.wait(delay)
        if dropped:
            return None, None, None
        return 200, headers, reply


def _aws_error(status, error_type, message, **extra):
    body = {"Type": "Service" if status >= 500 else "User", "message": message, **extra}
    headers = {"x-amzn-ErrorType": error_type}
    if status == 429:
        headers["Retry-After"] = "1"
    return status, headers, body


def _handler_for(fake):
    class InvokeHandler(QuietHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            match = _INVOKE_PATH.match(self.path.split("?")[0])
            if match is None:
                status, headers, reply = _aws_error(404, "UnknownOperationException", self.path)
            else:
                try:
                    payload = json.loads(body or b"{}")
                except ValueError:
                    status, headers, reply = _aws_error(
                        400, "InvalidRequestContentException", "Could not parse request body into json"
                    )
                else:
                    status, headers, reply = fake.handle(unquote(match["name"]), payload)
            if status is None:
                self.close_connection = True  # no answer at all
                return
            common = {"Content-Type": "application/json", "x-amzn-RequestId": str(uuid.uuid4())}
            self.reply(status, {**common, **headers}, json.dumps(reply).encode())

    return InvokeHandler
