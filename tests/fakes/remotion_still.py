"""What a deployed Remotion Lambda 4.0.527 function answers to the `still` routine
(renderStillOnLambda), invoked without streaming: @remotion/serverless's still handler
checks the version, renders one frame, writes it to outName's bucket and key (else
renders/<id>/out.<format> in its own bucket) and answers with the still-rendered payload
itself as the whole reply; a failure is {"type": "error", "message", "stack"}.
"""
import random
import string

STILL_REQUIRED_KEYS = ("serveUrl", "composition", "imageFormat", "version", "inputProps", "frame")
# Enough of each format for the stored object to be recognisably an image of it.
FAKE_IMAGES = {
    "png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 16,
    "jpeg": b"\xff\xd8\xff\xe0" + b"\x00" * 16 + b"\xff\xd9",
    "webp": b"RIFF\x14\x00\x00\x00WEBPVP8 " + b"\x00" * 8,
}
CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}


def still_reply(farm, payload):
    try:
        farm.check_version(payload, "renderStillOnLambda()")
        missing = [key for key in STILL_REQUIRED_KEYS if payload.get(key) is None]
        if missing:
            raise ValueError(f"Missing required still fields: {', '.join(missing)}")
        input_props = farm.resolve_input_props(payload["inputProps"])
        if farm.still_error:
            raise ValueError(farm.still_error)
        return _render(farm, payload, input_props)
    except Exception as exc:  # the real handler catches everything it throws
        return {"type": "error", "message": str(exc), "stack": f"Error: {exc}\n    at stillHandler"}


def _render(farm, payload, input_props):
    image_format = payload["imageFormat"]
    render_id = "".join(random.choices(string.ascii_lowercase + string.digits, k=10))
    out_name = payload.get("outName")
    if isinstance(out_name, dict):
        bucket, key = out_name["bucketName"], out_name["key"]
    else:
        bucket, key = payload.get("bucketName") or farm.bucket, f"renders/{render_id}/{out_name or 'out.' + image_format}"
    body = FAKE_IMAGES[image_format]
    farm.s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=CONTENT_TYPES[image_format])
    farm.stills.append({"payload": payload, "input_props": input_props, "bucket": bucket, "key": key})
    return {
        "type": "success",
        "output": f"https://{bucket}.s3.us-east-1.amazonaws.com/{key}",
        "size": len(body),
        "sizeInBytes": len(body),
        "bucketName": farm.bucket,
        "estimatedPrice": {
            "accruedSoFar": 0.0002,
            "displayCost": "$0.0002",
            "currency": "USD",
            "disclaimer": "Estimated cost only. Does not include charges for other AWS services.",
        },
        "renderId": render_id,
        "outKey": key,
        "receivedArtifacts": [],
    }
