"""The webhook Montage asks Remotion Lambda to call, and how Remotion signs the calls.

Kept apart from the receiver (renders/lifecycle/webhooks.py) so that starting and scheduling
renders can ask whether webhooks are on without importing the lifecycle.
"""
import hashlib
import hmac

from django.conf import settings

WEBHOOK_PATH = "/api/webhooks/remotion/"


def webhooks_configured():
    return bool(settings.PUBLIC_BASE_URL and settings.REMOTION_WEBHOOK_SECRET)


def webhook_url():
    return settings.PUBLIC_BASE_URL.rstrip("/") + WEBHOOK_PATH


def custom_data(render):
    """What the farm sends back: the render and the start attempt it belongs to."""
    return {"render": render.pk, "attempt": render.start_attempt}


def webhook_signature(body, secret):
    """Remotion's X-Remotion-Signature for `body` (bytes)."""
    return "sha512=" + hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()
