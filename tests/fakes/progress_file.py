"""The render's progress file (renders/<id>/progress.json) as a Remotion Lambda 4.0.527
function writes it (OverallRenderProgress in @remotion/serverless-client): initial when
started, renderMetadata once the composition is validated, frames as chunks render,
postRenderData once the output is written, errors[] when a chunk fails."""
import time

FRAMES = 90
CHUNKS = 2


def initial(payload, now_ms, timeout_ms=120_000):
    return {
        "cancellationEnabled": bool(payload.get("enableCancellation")),
        "chunks": [],
        "framesRendered": 0,
        "framesEncoded": 0,
        "combinedFrames": 0,
        "timeToCombine": None,
        "timeToEncode": None,
        "timeToRenderFrames": None,
        "lambdasInvoked": 0,
        "retries": [],
        "postRenderData": None,
        "timings": [],
        "renderMetadata": None,
        "errors": [],
        "fatalErrorTimestamp": None,
        "timeoutTimestamp": now_ms + timeout_ms,
        "functionLaunched": now_ms,
        "serveUrlOpened": None,
        "compositionValidated": None,
        "receivedArtifact": [],
    }


def rendering(render, fraction):
    frames = int(FRAMES * fraction)
    return {
        **_validated(render),
        "chunks": list(range(CHUNKS)) if fraction >= 1 else [],
        "framesRendered": frames,
        "framesEncoded": frames,
        "lambdasInvoked": CHUNKS,
    }


def failed(render, error, fraction):
    """Failed after rendering `fraction` of the frames (a code error: none)."""
    return {**rendering(render, fraction), "errors": [error], "fatalErrorTimestamp": _now_ms()}


def done(render, cost, output_url, output_size):
    return {
        **rendering(render, 1.0),
        "combinedFrames": FRAMES,
        "timeToCombine": 120,
        "postRenderData": {
            "cost": {
                "estimatedCost": cost,
                "estimatedDisplayCost": f"${cost:.4f}",
                "currency": "USD",
                "disclaimer": "Estimated cost only. Does not include charges for other AWS services.",
            },
            "outputFile": output_url,
            "outputSize": output_size,
            "renderSize": output_size,
            "timeToFinish": 4321,
            "timeToRenderFrames": 3000,
            "errors": [],
            "startTime": render.started_ms,
            "endTime": _now_ms(),
            "filesCleanedUp": 0,
            "timeToEncode": 500,
            "timeToCleanUp": 10,
            "timeToRenderChunks": 3000,
            "retriesInfo": [],
            "mostExpensiveFrameRanges": [],
            "estimatedBillingDurationInMilliseconds": 9000,
            "deleteAfter": None,
            "timeToCombine": 120,
            "artifactProgress": [],
        },
    }


def render_metadata(render):
    payload = render.payload
    return {
        "type": "video",
        "imageFormat": "jpeg",
        "muted": False,
        "frameRange": [0, FRAMES - 1],
        "everyNthFrame": 1,
        "codec": payload["codec"],
        "siteId": "montage",
        "startedDate": render.started_ms,
        "totalChunks": CHUNKS,
        "estimatedTotalLambdaInvokations": CHUNKS + 1,
        "estimatedRenderLambdaInvokations": CHUNKS,
        "compositionId": payload["composition"],
        "audioCodec": None,
        "framesPerLambda": FRAMES // CHUNKS,
        "memorySizeInMb": 2048,
        "privacy": payload.get("privacy"),
        "renderId": render.render_id,
        "outName": payload.get("outName"),
        "lambdaVersion": payload.get("version"),
        "downloadBehavior": payload.get("downloadBehavior"),
    }


def _validated(render):
    return {
        **initial(render.payload, render.started_ms),
        "renderMetadata": render_metadata(render),
        "serveUrlOpened": render.started_ms + 300,
        "compositionValidated": render.started_ms + 600,
    }


def _now_ms():
    return int(time.time() * 1000)
