"""Stills on Remotion Lambda: the function's still routine (renderStillOnLambda's payload,
built by the official client), invoked and answered synchronously. The function writes
the image itself to stills/<key>.<format> in the stills bucket (outName {bucketName,
key}): RENDER_STORAGE_BUCKET when set, else Remotion's own render bucket of the region.
"""
from django.conf import settings
from remotion_lambda import Privacy, RenderStillParams
from remotion_lambda.models import OutNameInputObject

from farm.backends import lambda_clients, lambda_errors
from farm.backends.base import ASSET_HOSTS_VARIABLE, BackendNotConfigured, StartUnconfirmed, TransientBackendError
from farm.backends.lambda_ import LambdaBackend, render_buckets
from renders.limits import limits_for

_buckets = {}


def lambda_stills_bucket():
    if settings.RENDER_STORAGE_BUCKET:
        return settings.RENDER_STORAGE_BUCKET
    region = settings.REMOTION_AWS_REGION
    if region not in _buckets:
        found = render_buckets(lambda_clients.client("s3", lambda_clients.PRESIGN_CONFIG))
        if not found:
            raise BackendNotConfigured(f"No Remotion render bucket in {region}: deploy the Lambda site first.")
        _buckets[region] = found[0]
    return _buckets[region]


def still_render_on_lambda(spec):
    """Render `spec` on the function; returns the stored object's size. A refusal of the
    farm (or the code's error) raises FatalBackendError, throttling TransientBackendError."""
    bucket = lambda_stills_bucket()
    params = RenderStillParams(
        composition=spec.composition_id,
        input_props=spec.input_props,
        image_format=spec.image_format,
        frame=spec.frame,
        privacy=Privacy.PRIVATE,
        out_name=OutNameInputObject(bucketName=bucket, key=spec.object_key),
        # The browser's delayRender timeout, not the function's.
        timeout_in_milliseconds=limits_for(spec.kind).browser_timeout_seconds * 1000,
        max_retries=1,
        # The page's Content-Security-Policy admits these hosts besides the site.
        env_variables={ASSET_HOSTS_VARIABLE: ",".join(settings.RENDER_ASSET_HOSTS)},
    )
    try:
        reply = LambdaBackend().farm_client(start=True).render_still_on_lambda(params)
    except lambda_errors.FARM_ERRORS as exc:
        error = lambda_errors.start_error(exc)
        if isinstance(error, StartUnconfirmed):
            # Unlike a render's start, a still asked again only writes the same object again.
            raise TransientBackendError(str(error)) from exc
        raise error from exc
    return reply.size_in_bytes
