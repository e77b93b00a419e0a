"""A Lambda render's status read from its progress file, without invoking the function.

This is what `getRenderProgress({skipLambdaInvocation: true})` does in @remotion/lambda;
the Python client has no such option, so the status routine of @remotion/serverless-client
4.0.527 (progress.js) is mirrored here for what Montage reads: done, overallProgress,
errors and fatalErrorEncountered, costs once finished, the output's bucket, key and size.

Two cases need more than the file, and for them `status_from_progress_file` returns None
so the caller invokes the status routine, which handles them: a render whose frames are
all combined but whose final write is missing (Remotion then looks for the output in the
bucket), and a render past the function's timeout (Remotion then adds a TimeoutError).
"""
PROGRESS_KEY = "renders/{render_id}/progress.json"
# getOverallProgress()'s weights.
_WEIGHTS = {"evaluating": 0.1, "encoding": 0.1, "frames": 0.6, "invoking": 0.1, "combining": 0.1}
# Remotion's allowance for AWS clock skew before it calls a render timed out.
_TIMEOUT_SLACK_MS = 20_000
_EXTENSIONS = {"h264": "mp4", "h265": "mp4", "vp8": "webm", "vp9": "webm", "prores": "mov", "gif": "gif"}


def status_from_progress_file(progress, *, render_id, bucket, now_ms, function_timeout_ms):
    """The status routine's reply (the keys Montage reads), or None when only it can tell."""
    metadata = progress.get("renderMetadata")
    post = progress.get("postRenderData")
    if post:
        if not metadata:
            return None  # Remotion treats this as an error; let the function report it
        cost = post.get("cost") or {}
        bucket_name, key = _out_location(metadata, render_id, bucket)
        return {
            "done": True,
            "overallProgress": 1,
            "fatalErrorEncountered": False,
            "errors": post.get("errors") or [],
            "outBucket": bucket_name,
            "outKey": key,
            "outputSizeInBytes": post.get("outputSize"),
            "costs": {"accruedSoFar": cost.get("estimatedCost"), "currency": cost.get("currency")},
        }

    errors = progress.get("errors") or []
    running = {
        "done": False,
        "errors": errors,
        "fatalErrorEncountered": any(e.get("isFatal") and not e.get("willRetry") for e in errors),
        "framesRendered": progress.get("framesRendered") or 0,
        "outBucket": None,
        "outKey": None,
        "outputSizeInBytes": None,
        "costs": {},  # Remotion estimates a running render's cost from AWS prices: not needed here
    }
    evaluation = dict(
        invoked=progress.get("lambdasInvoked"),
        visited=progress.get("serveUrlOpened"),
        validated=progress.get("compositionValidated"),
    )
    if metadata is None:
        return {**running, "overallProgress": _overall(**evaluation)}

    frame_count = _frame_count(metadata.get("frameRange"), metadata.get("everyNthFrame") or 1)
    total_chunks = metadata.get("totalChunks") or 0
    missing_chunks = set(range(total_chunks)) - set(progress.get("chunks") or [])
    started = metadata.get("startedDate") or 0
    past_timeout = now_ms > started + function_timeout_ms + _TIMEOUT_SLACK_MS and missing_chunks
    past_stitch_timeout = now_ms > started + 2 * function_timeout_ms + _TIMEOUT_SLACK_MS
    combined = (progress.get("combinedFrames") or 0) >= frame_count and progress.get("timeToCombine") is not None
    if past_timeout or past_stitch_timeout or (combined and not missing_chunks and not running["fatalErrorEncountered"]):
        return None

    estimated = metadata.get("estimatedRenderLambdaInvokations") or 0
    invoked = progress.get("lambdasInvoked") or 0
    per_frame = 1 / frame_count if frame_count else 0
    fraction = _overall(
        **evaluation,
        encoding=(progress.get("framesEncoded") or 0) * per_frame,
        invoking=(1 if invoked > 0 else 0) if estimated == 0 else invoked / estimated,
        frames=(progress.get("framesRendered") or 0) * per_frame,
        combining=(progress.get("combinedFrames") or 0) * per_frame,
    )
    return {**running, "overallProgress": fraction}


def _overall(*, invoked, visited, validated, encoding=0.0, invoking=0.0, frames=0.0, combining=0.0):
    evaluating = sum(bool(step) for step in (invoked, visited, validated)) / 3
    return (
        evaluating * _WEIGHTS["evaluating"]
        + encoding * _WEIGHTS["encoding"]
        + invoking * _WEIGHTS["invoking"]
        + frames * _WEIGHTS["frames"]
        + combining * _WEIGHTS["combining"]
    )


def _frame_count(frame_range, every_nth):
    if not frame_range:
        return 0
    ranges = frame_range if isinstance(frame_range[0], list) else [frame_range]
    return sum(len(range(first, last + 1, every_nth)) for first, last in ranges)


def _out_location(metadata, render_id, bucket):
    """getExpectedOutName(): where the finished output is."""
    out_name = metadata.get("outName")
    if isinstance(out_name, dict):
        return out_name.get("bucketName") or bucket, out_name["key"]
    if out_name:
        return bucket, f"renders/{render_id}/{out_name}"
    return bucket, f"renders/{render_id}/out.{_EXTENSIONS.get(metadata.get('codec'), 'mp4')}"
