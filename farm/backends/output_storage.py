"""Finished local renders in an S3-compatible bucket (RENDER_STORAGE_BUCKET), so a web
process on any machine can hand out any host's output as a fresh presigned link.

AWS S3, MinIO, Ceph, R2...: the endpoint comes from boto3's own AWS_ENDPOINT_URL_S3,
region and credentials from the standard AWS variables; nothing is passed here.
"""
import boto3
from boto3.exceptions import S3UploadFailedError
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from farm.backends.base import TransientBackendError

# Uploads and reads of our own objects are safe to repeat.
_CONFIG = Config(signature_version="s3v4", retries={"mode": "standard", "total_max_attempts": 3})
_ERRORS = (BotoCoreError, ClientError, S3UploadFailedError)


def storage_bucket():
    """The bucket new outputs go to, or None: outputs stay in MEDIA_ROOT."""
    return settings.RENDER_STORAGE_BUCKET


def output_upload(path, bucket, key, *, filename, content_type="video/mp4"):
    try:
        _client().upload_file(
            str(path),
            bucket,
            key,
            ExtraArgs={"ContentType": content_type, "ContentDisposition": f'attachment; filename="{filename}"'},
        )
    except _ERRORS as exc:
        raise TransientBackendError(f"Could not upload the output to bucket {bucket}: {exc}") from exc


def output_size(bucket, key):
    """The stored object's size, or None when it is not there."""
    try:
        return _client().head_object(Bucket=bucket, Key=key)["ContentLength"]
    except ClientError as exc:
        if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
            return None
        raise TransientBackendError(f"Could not read bucket {bucket}: {exc}") from exc
    except BotoCoreError as exc:
        raise TransientBackendError(f"Could not read bucket {bucket}: {exc}") from exc


def output_delete(bucket, key):
    """Deleting an object that is already gone succeeds (S3 answers 204 either way)."""
    try:
        _client().delete_object(Bucket=bucket, Key=key)
    except _ERRORS as exc:
        raise TransientBackendError(f"Could not delete {key} from bucket {bucket}: {exc}") from exc


def output_url(bucket, key):
    # Presigning is local computation; a fresh URL per request, since stored ones go stale.
    return _client().generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=settings.REMOTION_DOWNLOAD_URL_TTL
    )


def _client():
    return boto3.session.Session().client("s3", config=_CONFIG)
