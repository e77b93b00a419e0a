"""Put a still where the local backend keeps stills (MEDIA_ROOT, per test), as a worker
would once it has rendered it, so a test can show what pages and the API do then."""
from django.urls import reverse

from farm.backends import stills


def store_still(spec):
    """Store `spec`'s still (a placeholder image) and return the URL the app serves it at."""
    assert stills.stills_bucket() is None, "the local backend without a bucket"
    path = stills.still_file(spec.key, spec.image_format)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xd8\xff\xe0 a poster \xff\xd9")
    return reverse("still-file", args=[spec.key, spec.image_format])
