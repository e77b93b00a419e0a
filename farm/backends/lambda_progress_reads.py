"""Progress files read through presigned URLs, over one keep-alive connection pool per process.

A polls worker reads every live render's progress file every few seconds, and at ~1000
reads a second the CPU per read is what counts. Through boto3's get_object a read costs
about 1.9 ms of CPU (botocore's event hooks, serializer, signer and parser). Here a URL
is presigned (~0.5 ms) once per render and reused for REUSE_SECONDS, and each read is a
plain GET of it. Every GET of a process runs on one event loop thread, through aiohttp's
keep-alive pool, and the polls worker's read threads (renders/lifecycle/batch_polls.py) only wait
for their answer: with urllib3 in each thread, 100 threads contending for Python's
interpreter lock made a read cost 0.9-1.3 ms of CPU and held a process near 550 reads a
second; this way a read costs about 0.5 ms with 128 in flight, close to 2000 a second
(bench/progress_read.py). The URL is signed as downloads are (lambda_clients.PRESIGN_CONFIG).

`read` answers None whatever goes wrong: the caller then invokes the status routine,
which says why and retries what is transient, so nothing here retries, but for one
re-signed attempt when S3 refuses the URL (credentials of an IAM role can expire before it).
"""
import asyncio
import atexit
import functools
import os
import re
import ssl
import threading
import urllib.request
from collections import OrderedDict
from time import monotonic

import aiohttp
from botocore.httpsession import get_cert_path
from django.conf import settings
from yarl import URL

from farm.backends import lambda_clients

URL_LIFETIME_SECONDS = 15 * 60
# Well inside the lifetime, so a cached URL never reaches S3 expired.
REUSE_SECONDS = 10 * 60
# A live render holds one entry; a worker tracks a few thousand at most.
MAX_URLS = 10_000
# What S3 answers to a URL signed with temporary credentials that have expired since.
_EXPIRED_TOKEN = re.compile(rb"<Code>(ExpiredToken|TokenRefreshRequired)</Code>")

# (signer, bucket, key) -> (URL, reuse until): oldest first, so expired entries leave from the front.
_urls = OrderedDict()
_urls_lock = threading.Lock()


def read(bucket, key, *, connect_timeout, read_timeout):
    """The object's bytes, or None when it cannot be read (missing, refused, unreachable, slow)."""
    # The signer changes with the endpoint and credentials in the environment, and so do its URLs.
    signer = lambda_clients.client("s3", lambda_clients.PRESIGN_CONFIG)
    for attempt in range(2):
        url = _signed_url(signer, bucket, key, renew=attempt > 0)
        answer = _transport().get(url, connect_timeout=connect_timeout, read_timeout=read_timeout)
        if answer is None:
            return None
        status, body = answer
        if status == 200:
            return body
        if not _refused(status, body):
            return None
    return None


def _refused(status, body):
    """S3 refused the URL itself (expired, or signed by credentials that have expired)."""
    return status == 403 or (status == 400 and _EXPIRED_TOKEN.search(body))


class _Transport:
    """An event loop thread and its aiohttp session: every GET of the process runs there."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="progress-reads", daemon=True).start()
        self.session = self._run(self._open())
        atexit.register(lambda: self._run(self.session.close(), timeout=2))

    def get(self, url, *, connect_timeout, read_timeout):
        """(status, body), or None when no answer came."""
        # The socket timeouts end a stuck read; this bounds the wait even if they do not.
        future = asyncio.run_coroutine_threadsafe(self._get(url, connect_timeout, read_timeout), self.loop)
        try:
            return future.result(connect_timeout + read_timeout + 5)
        except TimeoutError:
            future.cancel()
            return None

    async def _open(self):
        # Certificates checked against the CA bundle botocore would use.
        context = ssl.create_default_context(cafile=os.environ.get("AWS_CA_BUNDLE") or get_cert_path(True))
        limit = max(lambda_clients.MAX_POOL_CONNECTIONS, settings.POLL_CONCURRENT_READS)
        # Not trust_env: it reads the proxy variables and ~/.netrc again for every request,
        # which doubled a read's CPU; _proxy_for() reads them once.
        return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit, ssl=context))

    async def _get(self, url, connect_timeout, read_timeout):
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout, sock_read=read_timeout)
        proxy = _proxy_for(url.scheme, url.host)
        try:
            async with self.session.get(url, timeout=timeout, allow_redirects=False, proxy=proxy) as response:
                return response.status, await response.read()
        except (aiohttp.ClientError, TimeoutError):
            return None

    def _run(self, coroutine, timeout=None):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)


@functools.cache
def _proxy_for(scheme, host):
    """The proxy botocore would use for this host (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)."""
    proxies = urllib.request.getproxies_environment()
    if scheme not in proxies or urllib.request.proxy_bypass_environment(host, proxies):
        return None
    return proxies[scheme]


_transports = {}  # pid -> _Transport: a forked worker process starts its own thread
_transports_lock = threading.Lock()


def _transport():
    pid = os.getpid()
    found = _transports.get(pid)
    if found is None:
        with _transports_lock:
            found = _transports.get(pid) or _transports.setdefault(pid, _Transport())
    return found


def _signed_url(signer, bucket, key, *, renew):
    """A presigned GET of the object, as a URL aiohttp sends as it is (no re-encoding)."""
    cache_key = (signer, bucket, key)
    now = monotonic()
    cached = _urls.get(cache_key)
    if cached is not None and cached[1] > now and not renew:
        return cached[0]
    url = URL(signer.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=URL_LIFETIME_SECONDS
    ), encoded=True)
    with _urls_lock:
        _urls.pop(cache_key, None)
        _urls[cache_key] = (url, now + REUSE_SECONDS)
        while len(_urls) > MAX_URLS or next(iter(_urls.values()))[1] <= now:
            _urls.popitem(last=False)
    return url
