"""A minimal, fast fake Remotion Lambda + render bucket for bench/lambda_polling.py.

One asyncio HTTP/1.1 server (keep-alive) answers the Lambda Invoke API (start, status) and
the three S3 calls the poller makes (GET progress.json, HEAD the output), each after a
fixed latency, and calls a render's webhook when it finishes. The tests' fake (moto plus
a threaded server) is faithful but far too slow for 1000 requests a second.

Every render it does not know (rows the benchmark created directly) is running forever.
It records what the benchmark measures: the time of each progress read per render, the
arrival of each start (by outName), status invocations, finish times. GET /__stats
returns them; POST /__config sets {"finish_after": s} for renders started from now on.

    python bench/fast_farm.py PORT LATENCY_SECONDS
"""
import asyncio
import hashlib
import hmac
import json
import random
import string
import sys
import time
import urllib.request
from collections import defaultdict

BUCKET = "remotionlambda-useast1-benchfarm"
FRAMES = 90


class Farm:
    def __init__(self, latency):
        self.latency = latency
        self.finish_after = None  # seconds; None: renders never finish
        self.renders = {}  # farm id -> {"started": t, "finish_at": t|None, "out_name", "webhook"}
        self.reads = defaultdict(list)  # farm id -> [time of each progress.json read]
        self.starts = {}  # outName -> arrival time
        self.finished = {}  # farm id -> finish time
        self.status_calls = 0

    def invoke(self, payload):
        if payload.get("type") == "start":
            farm_id = "".join(random.choices(string.ascii_lowercase + string.digits, k=10))
            now = time.time()
            finish_at = None if self.finish_after is None else now + self.finish_after
            self.renders[farm_id] = {"out_name": payload.get("outName"), "webhook": payload.get("webhook"),
                                     "finish_at": finish_at}
            self.starts[payload.get("outName")] = now
            if finish_at is not None:
                asyncio.get_running_loop().call_later(self.finish_after, self._finish, farm_id)
            return {"type": "success", "renderId": farm_id, "bucketName": BUCKET}
        self.status_calls += 1
        return {"type": "success", "overallProgress": 0.5, "done": False, "fatalErrorEncountered": False,
                "errors": [], "costs": {"accruedSoFar": 0.001, "currency": "USD"}}

    def _finish(self, farm_id):
        self.finished[farm_id] = time.time()
        webhook = self.renders[farm_id]["webhook"]
        if webhook:
            body = json.dumps({
                "type": "success", "renderId": farm_id, "bucketName": BUCKET,
                "customData": webhook.get("customData"), "outputFile": "https://example/out.mp4",
                "timeToFinish": 1000, "costs": {"estimatedCost": 0.0022, "currency": "USD"},
            }, separators=(",", ":")).encode()
            signature = "sha512=" + hmac.new(webhook["secret"].encode(), body, hashlib.sha512).hexdigest()
            headers = {"Content-Type": "application/json", "X-Remotion-Status": "success",
                       "X-Remotion-Mode": "production", "X-Remotion-Signature": signature}
            request = urllib.request.Request(webhook["url"], data=body, headers=headers, method="POST")
            asyncio.get_running_loop().run_in_executor(None, _post, request)

    def progress(self, farm_id):
        self.reads[farm_id].append(time.time())
        render = self.renders.get(farm_id, {})
        metadata = {"type": "video", "frameRange": [0, FRAMES - 1], "everyNthFrame": 1, "codec": "h264",
                    "startedDate": int(time.time() * 1000), "totalChunks": 2,
                    "estimatedRenderLambdaInvokations": 2, "outName": render.get("out_name")}
        document = {"renderMetadata": metadata, "lambdasInvoked": 2, "serveUrlOpened": 1, "compositionValidated": 1,
                    "framesRendered": FRAMES // 2, "framesEncoded": FRAMES // 2, "combinedFrames": 0,
                    "chunks": [], "errors": [], "timeToCombine": None, "postRenderData": None}
        if farm_id in self.finished:
            document["postRenderData"] = {"cost": {"estimatedCost": 0.0022, "currency": "USD"},
                                          "outputSize": 1000, "errors": []}
        return document

    def stats(self):
        return {"reads": self.reads, "starts": self.starts, "finished": self.finished,
                "status_calls": self.status_calls}


def _post(request):
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except OSError as exc:
        print(f"webhook failed: {exc}", file=sys.stderr)


async def handle(farm, reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
            body = await reader.readexactly(int(headers.get("content-length") or 0))
            status, reply, extra = await route(farm, method, path.split("?")[0], body)
            data = b"" if method == "HEAD" else reply
            length = len(reply)
            writer.write(
                f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n{extra}\r\n"
                .encode() + data
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def route(farm, method, path, body):
    if path == "/__stats":
        return 200, json.dumps(farm.stats()).encode(), ""
    if path == "/__config":
        farm.finish_after = json.loads(body).get("finish_after")
        return 200, b"{}", ""
    await asyncio.sleep(farm.latency)
    if path.endswith("/invocations"):
        return 200, json.dumps(farm.invoke(json.loads(body))).encode(), "X-Amz-Executed-Version: $LATEST\r\n"
    if path.endswith("/progress.json"):
        farm_id = path.split("/")[-2]
        return 200, json.dumps(farm.progress(farm_id)).encode(), ""
    if method == "HEAD":
        return 200, b"x" * 1000, ""
    return 404, b"{}", ""


async def main(port, latency):
    farm = Farm(latency)
    server = await asyncio.start_server(lambda r, w: handle(farm, r, w), "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), float(sys.argv[2])))
