"""boto3 clients for Remotion Lambda, built once per process and shared by its threads.

Building a boto3 session and client costs 100+ ms of CPU (it loads the service models);
a call on a built one costs about a millisecond. botocore clients are thread-safe, so one
per configuration serves every thread of a worker. The key includes what boto3 reads from
the environment when it builds a client (endpoints, credentials), so changing those (as
the tests do) gets a new client rather than a stale one.
"""
import copy
import functools
import os
import threading

import boto3
from botocore.config import Config
from django.conf import settings
from remotion_lambda import RemotionClient

# Threads of a polls worker share each client: room for all of them to call at once.
MAX_POOL_CONNECTIONS = 64
_ENV_KEYS = ("AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_PROFILE")

_POOL = Config(max_pool_connections=MAX_POOL_CONNECTIONS)
# Presigned URLs: SigV4 (7-day maximum, every region) on the bucket's regional host:
# botocore would otherwise presign SigV2 URLs on the global s3.amazonaws.com host, which
# newer regions refuse. With a local endpoint (moto) botocore still falls back to path-style URLs.
PRESIGN_CONFIG = Config(signature_version="s3v4", s3={"addressing_style": "virtual"})
_cache = {}
_lock = threading.Lock()


def client(service, config):
    """A shared boto3 client for `service` ("lambda", "s3") with botocore `config`."""
    config, config_key = _with_pool(config)
    key = (service, settings.REMOTION_AWS_REGION, config_key, *(os.environ.get(k) for k in _ENV_KEYS))
    found = _cache.get(key)
    if found is None:
        with _lock:  # boto3 sessions are not thread-safe: build one client at a time
            found = _cache.get(key)
            if found is None:
                session = boto3.Session(region_name=settings.REMOTION_AWS_REGION)
                found = _cache[key] = session.client(service, config=config)
    return found


def remotion_client(config):
    """The official client, made to use the shared clients instead of building its own per call."""
    return _SharedClientsRemotionClient(
        region=settings.REMOTION_AWS_REGION,
        serve_url=settings.REMOTION_SERVE_URL,
        function_name=settings.REMOTION_LAMBDA_FUNCTION_NAME,
        session=_NO_SESSION,
        config=config,
    )


class _SharedClientsRemotionClient(RemotionClient):
    # The upstream client builds a new boto3 client for every invoke and S3 call through
    # this one method; answering it from the cache is all that changes.
    def _create_boto_client(self, service_name):
        return client(service_name, self.config)


class _NoSession:
    """Stands in for the boto3 Session the upstream constructor wants, and never uses here."""


_NO_SESSION = _NoSession()


# Configs are module-level or cached values (lambda_.py), so this holds a handful; it
# spares every call the merge and the key, which cost as much as a progress read.
@functools.cache
def _with_pool(config):
    # A copy: botocore writes into the retries dict of the Config a client is built with,
    # and merge() shares it, which would change the cached Config behind its users' backs.
    merged = copy.deepcopy(config).merge(_POOL)
    return merged, tuple(sorted((name, repr(getattr(merged, name, None))) for name in merged.OPTION_DEFAULTS))
