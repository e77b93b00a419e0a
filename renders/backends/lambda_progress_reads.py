"""Progress files read through presigned URLs, over one keep-alive connection pool per process.

A polls worker reads every live render's progress file every few seconds, and at ~1000
reads a second the CPU per read is what counts. Through boto3's get_object a read costs
about 1.9 ms of CPU (botocore's event hooks, serializer, signer and parser). Here a URL
is presigned (~0.5 ms) once per render and reused for REUSE_SECONDS, and each read is a
plain GET of it through urllib3 (botocore's own HTTP library, so nothing new installed):
a whole LambdaBackend.progress() then costs about 0.6 ms (bench/progress_read.py). The
URL is signed as downloads are (lambda_clients.PRESIGN_CONFIG).

`read` answers None whatever goes wrong: the caller then invokes the status routine,
which says why and retries what is transient, so nothing here retries, but for one
re-signed attempt when S3 refuses the URL (credentials of an IAM role can expire before it).
"""
import os
import re
import threading
from collections import OrderedDict
from time import monotonic

import urllib3
from botocore.httpsession import get_cert_path
from urllib3.util import parse_url

from renders.backends import lambda_clients

URL_LIFETIME_SECONDS = 15 * 60
# Well inside the lifetime, so a cached URL never reaches S3 expired.
REUSE_SECONDS = 10 * 60
# A live render holds one entry; a worker tracks a few thousand at most.
MAX_URLS = 10_000
# What S3 answers to a URL signed with temporary credentials that have expired since.
_EXPIRED_TOKEN = re.compile(rb"<Code>(ExpiredToken|TokenRefreshRequired)</Code>")

# Thread-safe, with a kept-alive connection per thread of a polls worker, as the boto3
# clients have; certificates checked against the CA bundle botocore would use.
_pool = urllib3.PoolManager(
    maxsize=lambda_clients.MAX_POOL_CONNECTIONS,
    retries=False,
    ca_certs=os.environ.get("AWS_CA_BUNDLE") or get_cert_path(True),
)
# (signer, bucket, key) -> (host, target, reuse until): oldest first, so expired entries leave from the front.
_urls = OrderedDict()
_urls_lock = threading.Lock()


def read(bucket, key, *, connect_timeout, read_timeout):
    """The object's bytes, or None when it cannot be read (missing, refused, unreachable, slow)."""
    # The signer changes with the endpoint and credentials in the environment, and so do its URLs.
    signer = lambda_clients.client("s3", lambda_clients.PRESIGN_CONFIG)
    timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
    for attempt in range(2):
        host, target = _signed_url(signer, bucket, key, renew=attempt > 0)
        try:
            # Straight to the host's pool: PoolManager.request would parse the long URL twice
            # more, a quarter of the GET's CPU.
            pool = _pool.connection_from_host(*host)
            response = pool.urlopen("GET", target, timeout=timeout, redirect=False)
        except urllib3.exceptions.HTTPError:
            return None
        if response.status == 200:
            return response.data
        if not _refused(response):
            return None
    return None


def _refused(response):
    """S3 refused the URL itself (expired, or signed by credentials that have expired)."""
    return response.status == 403 or (response.status == 400 and _EXPIRED_TOKEN.search(response.data))


def _signed_url(signer, bucket, key, *, renew):
    """((host, port, scheme), path and query) of a presigned GET of the object."""
    cache_key = (signer, bucket, key)
    now = monotonic()
    cached = _urls.get(cache_key)
    if cached is not None and cached[2] > now and not renew:
        return cached[:2]
    url = parse_url(signer.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=URL_LIFETIME_SECONDS
    ))
    signed = ((url.host, url.port, url.scheme), url.request_uri, now + REUSE_SECONDS)
    with _urls_lock:
        _urls.pop(cache_key, None)
        _urls[cache_key] = signed
        while len(_urls) > MAX_URLS or next(iter(_urls.values()))[2] <= now:
            _urls.popitem(last=False)
    return signed[:2]
