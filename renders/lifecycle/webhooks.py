"""Remotion Lambda's webhooks: the farm says a render ended (success, error or timeout).

Every Lambda render is started with {url, secret, customData} when both PUBLIC_BASE_URL
and REMOTION_WEBHOOK_SECRET are set. A call is believed only with a valid signature
(HMAC-SHA512 of the raw body), only for a render it names in customData and whose farm
id it matches, and it changes the render through the same conditional lifecycle steps
as polling, so a duplicate, a late call or one racing a poll changes nothing twice.
Nothing here calls the farm: the request must answer fast, so slow follow-ups (the
output's size) are queued when the transaction commits.
"""
import hmac
import json

from django.conf import settings
from celery import current_app
from django.db import transaction

from config.api.exceptions import ApplicationError, ConflictError, NotFoundError
from farm.backends import StartedRender, get_backend
from farm.backends.base import failure_code
from farm.webhook_contract import webhook_signature, webhooks_configured
from renders.lifecycle import starts, transitions
from renders.lifecycle.history import render_event_record
from renders.models import Render, RenderEvent

OUTCOMES = ("success", "error", "timeout")
# Queued by name: the Celery tasks (renders/tasks.py) sit above the lifecycle and call it.
FILL_OUTPUT_SIZE_TASK = "renders.tasks.fill_output_size"


def webhook_receive(body, signature):
    """Verify and apply one webhook call; returns what it did, for the log and the reply."""
    if not webhooks_configured():
        raise NotFoundError("Webhooks are not configured.")
    _verify(body, signature)
    payload = _parse(body)
    render = Render.objects.filter(pk=payload["customData"]["render"], backend=Render.Backend.LAMBDA).first()
    if render is None:
        raise NotFoundError("No Lambda render with that id.")
    _check_farm_render(render, payload)
    if not _apply(render, payload):
        return "already_applied"
    render_event_record(render.pk, RenderEvent.Kind.WEBHOOK, f"Outcome from the farm's {payload['type']} webhook")
    return "applied"


def _verify(body, signature):
    if not signature or signature == "NO_SECRET_PROVIDED":
        raise ApplicationError("webhook_unsigned", "The webhook carries no signature.", status_code=401)
    expected = webhook_signature(body, settings.REMOTION_WEBHOOK_SECRET)
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        raise ApplicationError("webhook_signature_invalid", "The webhook's signature does not match.", status_code=401)


def _parse(body):
    try:
        payload = json.loads(body)
        render_id = payload["customData"]["render"]
    except (ValueError, TypeError, KeyError):
        raise ApplicationError("malformed_webhook", "Not a Remotion webhook body with Montage's customData.") from None
    if payload.get("type") not in OUTCOMES or not isinstance(render_id, int) or not payload.get("renderId"):
        raise ApplicationError("malformed_webhook", "Not a Remotion webhook body with Montage's customData.")
    return payload


def _check_farm_render(render, payload):
    """The call must be about the farm render this row tracks, or adopt a lost start's."""
    farm = StartedRender(farm_render_id=payload["renderId"], farm_bucket=payload.get("bucketName") or "")
    if render.farm_render_id:
        if render.farm_render_id != farm.farm_render_id:
            raise ConflictError("farm_render_mismatch", "The webhook is about another farm render.")
        return
    attempt = payload["customData"].get("attempt")
    if not (render.start_attempt and attempt == render.start_attempt):
        raise ConflictError("farm_render_mismatch", "The webhook is about another start of this render.")
    # The start's answer was lost (or is still being recorded): the farm names it here.
    starts.render_record_start(render.pk, attempt, farm, source="webhook")
    render.refresh_from_db()
    if render.farm_render_id != farm.farm_render_id:
        raise ConflictError("farm_render_mismatch", "The webhook is about another farm render.")


def _apply(render, payload):
    kind = payload["type"]
    if kind == "success":
        progress = get_backend(render.backend).progress_from_webhook(render, payload)
        completed = transitions.render_complete(render.pk, progress)
        if completed and progress.output_size is None:
            transaction.on_commit(lambda: current_app.signature(FILL_OUTPUT_SIZE_TASK, args=(render.pk,)).delay())
        return completed
    if kind == "error":
        errors = payload.get("errors") or []
        message = next((e.get("message") for e in errors if e.get("message")), None)
        message = message or "Remotion Lambda reported an error."
        # The error webhook says nothing of frames: a code error fails before the first one.
        return transitions.render_fail(render.pk, failure_code(message, frames_rendered=0), message)
    return transitions.render_fail(
        render.pk, "timed_out", "Remotion Lambda's function timed out before the render finished."
    )
