"""Stills: one frame of a snapshot as an image, content-addressed in the render output
storage (RENDER_STORAGE_BUCKET, else MEDIA_ROOT/stills/), so the same still is never
rendered twice and any web process can hand it out.

The key hashes everything that decides the pixels: the composition, its props, the frame,
the size, the format and the renderer (Remotion's version and the compositions' sources
locally; the deployed site on Lambda).
"""
import functools
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings

from farm.backends import output_storage
from farm.backends.base import Snapshot

FORMATS = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@dataclass(frozen=True)
class StillSpec(Snapshot):
    """One frame of a snapshot, as an image."""

    kind: str  # clip | movie | generation: whose render limits apply
    frame: int
    image_format: str

    @property
    def key(self):
        identity = {
            "composition": self.composition_id,
            "props": self.input_props,
            "frame": self.frame,
            "size": [self.width, self.height],
            "format": self.image_format,
            "renderer": renderer_version(),
        }
        return hashlib.sha256(json.dumps(identity, sort_keys=True, separators=(",", ":")).encode()).hexdigest()

    @property
    def object_key(self):
        return object_key(self.key, self.image_format)

    def as_dict(self):
        return asdict(self)


def object_key(key, image_format):
    return f"stills/{key}.{image_format}"


def renderer_version():
    if settings.RENDER_BACKEND == "lambda":
        return f"{settings.REMOTION_VERSION}:lambda:{settings.REMOTION_SERVE_URL}"
    return f"{settings.REMOTION_VERSION}:local:{_sources_hash(Path(settings.REMOTION_PROJECT_DIR))}"


@functools.cache
def _sources_hash(project):
    """What the local bundle is built from (remotion/scripts/lib/bundle-cache.mjs hashes
    the same sources): a deploy that changes a composition changes every still's key."""
    digest = hashlib.sha256()
    for path in sorted([*(project / "src").rglob("*"), project / "package-lock.json"]):
        if path.is_file():
            digest.update(str(path.relative_to(project)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def still_file(key, image_format):
    return Path(settings.MEDIA_ROOT) / object_key(key, image_format)


def stills_bucket():
    """Where stills are stored: on Lambda, the bucket the function writes them to; else the
    render output storage's bucket, or None for MEDIA_ROOT."""
    if settings.RENDER_BACKEND == "lambda":
        from farm.backends.lambda_stills import lambda_stills_bucket

        return lambda_stills_bucket()
    return output_storage.storage_bucket()


def still_stored(key, image_format):
    """True once the still is in the output storage."""
    bucket = stills_bucket()
    if bucket is None:
        return still_file(key, image_format).is_file()
    return output_storage.output_size(bucket, object_key(key, image_format)) is not None


def still_store(path, key, image_format):
    """Put a rendered still into the output storage (a no-op when it is already there)."""
    bucket = output_storage.storage_bucket()
    if bucket is None:
        return
    output_storage.output_upload(
        path, bucket, object_key(key, image_format), filename=f"{key}.{image_format}",
        content_type=FORMATS[image_format],
    )
    Path(path).unlink(missing_ok=True)


def still_location(key, image_format):
    """A presigned URL when the still is in a bucket, else its file."""
    bucket = stills_bucket()
    if bucket is None:
        return None, still_file(key, image_format)
    return output_storage.output_url(bucket, object_key(key, image_format)), None
