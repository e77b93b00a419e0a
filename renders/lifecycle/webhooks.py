"""Remotion Lambda's webhooks: the farm says a render ended (success, error or timeout).

Every Lambda render is started with {url, secret, customData} when both PUBLIC_BASE_URL
and REMOTION_WEBHOOK_SECRET are set. A call is believed only with a valid signature
(HMAC-SHA512 of the raw body), only for a render it names in customData and whose farm
id it matches, and it changes the render through the same conditional lifecycle steps
as polling, so a duplicate, a late call or one racing a poll changes nothing twice.
Every field is type-checked first (webhook_payload.py): a malformed signed body is a 400
`invalid_webhook` that changes nothing. A success that does not name this render's
output in its bucket completes nothing: it brings the render's next progress read
forward, and that read decides. Nothing here calls the farm: the request must answer
fast, so slow follow-ups (the output's size) are queued when the transaction commits.
"""
import hmac

from django.conf import settings
from celery import current_app
from django.db import transaction
from django.utils import timezone

from config.api.exceptions import ApplicationError, ConflictError, NotFoundError
from farm.backends import StartedRender, get_backend
from farm.backends.base import failure_code
from farm.webhook_contract import webhook_signature, webhooks_configured
from renders.lifecycle import starts, transitions
from renders.lifecycle.history import render_event_record
from renders.lifecycle.webhook_payload import webhook_body_parse
from renders.models import Render, RenderEvent

# Queued by name: the Celery tasks (renders/tasks.py) sit above the lifecycle and call it.
FILL_OUTPUT_SIZE_TASK = "renders.tasks.fill_output_size"


def webhook_receive(body, signature):
    """Verify and apply one webhook call; returns what it did, for the log and the reply."""
    if not webhooks_configured():
        raise NotFoundError("Webhooks are not configured.")
    _verify(body, signature)
    payload = webhook_body_parse(body)
    render = Render.objects.filter(pk=payload.render_id, backend=Render.Backend.LAMBDA).first()
    if render is None:
        raise NotFoundError("No Lambda render with that id.")
    _check_farm_render(render, payload)
    outcome = _apply(render, payload)
    if outcome == "applied":
        render_event_record(render.pk, RenderEvent.Kind.WEBHOOK, f"Outcome from the farm's {payload.type} webhook")
    return outcome


def _verify(body, signature):
    if not signature or signature == "NO_SECRET_PROVIDED":
        raise ApplicationError("webhook_unsigned", "The webhook carries no signature.", status_code=401)
    expected = webhook_signature(body, settings.REMOTION_WEBHOOK_SECRET)
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        raise ApplicationError("webhook_signature_invalid", "The webhook's signature does not match.", status_code=401)


def _check_farm_render(render, payload):
    """The call must be about the farm render this row tracks, or adopt a lost start's."""
    farm = StartedRender(farm_render_id=payload.farm_render_id, farm_bucket=payload.bucket)
    if render.farm_render_id:
        if render.farm_render_id != farm.farm_render_id:
            raise ConflictError("farm_render_mismatch", "The webhook is about another farm render.")
        return
    attempt = payload.attempt
    if not (render.start_attempt and attempt == render.start_attempt):
        raise ConflictError("farm_render_mismatch", "The webhook is about another start of this render.")
    # The start's answer was lost (or is still being recorded): the farm names it here.
    starts.render_record_start(render.pk, attempt, farm, source="webhook")
    render.refresh_from_db()
    if render.farm_render_id != farm.farm_render_id:
        raise ConflictError("farm_render_mismatch", "The webhook is about another farm render.")


def _apply(render, payload):
    kind = payload.type
    if kind == "success":
        progress = get_backend(render.backend).progress_from_webhook(render, payload)
        if not payload.output_is(progress.output_bucket, progress.output_key):
            return _verify_by_poll(render)
        completed = transitions.render_complete(render.pk, progress)
        if completed and progress.output_size is None:
            transaction.on_commit(lambda: current_app.signature(FILL_OUTPUT_SIZE_TASK, args=(render.pk,)).delay())
        return "applied" if completed else "already_applied"
    if kind == "error":
        message = payload.error_message or "Remotion Lambda reported an error."
        # The error webhook says nothing of frames: a code error fails before the first one.
        failed = transitions.render_fail(render.pk, failure_code(message, frames_rendered=0), message)
    else:
        failed = transitions.render_fail(
            render.pk, "timed_out", "Remotion Lambda's function timed out before the render finished."
        )
    return "applied" if failed else "already_applied"


def _verify_by_poll(render):
    """A success naming no output, or another object than this render's, completes
    nothing: the render's next progress read (from its own bucket, now) says what is true."""
    due_now = Render.objects.filter(pk=render.pk, status=Render.Status.RENDERING).update(next_poll_at=timezone.now())
    return "verifying" if due_now else "already_applied"
