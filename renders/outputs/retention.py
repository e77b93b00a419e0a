"""What happens to a render's output after the render: expiry after RENDER_RETENTION_DAYS,
and removal from the farm's storage once the row no longer needs it.

Storage is only touched after the database change committed (the task that deletes is
queued on commit), so a failing bucket or disk can never leave a half-deleted row; a
transient storage failure is retried by the task.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from farm.backends import get_backend
from renders.lifecycle.history import render_event_record
from renders.models import Render, RenderEvent

logger = logging.getLogger(__name__)
# What a backend needs to find a render's files once its row is gone.
OUTPUT_FIELDS = ("id", "backend", "farm_render_id", "farm_bucket", "output_bucket", "output_key")
EXPIRE_BATCH = 500


def render_output_of(render):
    """The JSON-serialisable description of where `render` left files."""
    return {field: getattr(render, field) for field in OUTPUT_FIELDS}


def render_output_delete(output):
    """Delete the files described by `output` (see render_output_of) through its backend."""
    render = Render(**{("pk" if field == "id" else field): value for field, value in output.items()})
    get_backend(render.backend).delete_output(render)
    logger.info("Deleted the output of render %s (%s).", render.pk, render.backend)


def render_outputs_expire(*, then, now=None):
    """Mark finished renders older than the retention as expired, and call `then(output)`
    (the deletion task's `delay`) as each mark commits. Nothing with retention 0."""
    days = settings.RENDER_RETENTION_DAYS
    if not days:
        return 0
    now = now or timezone.now()
    old = Render.objects.filter(
        status__in=Render.FINAL_STATUSES,
        completed_at__lt=now - timedelta(days=days),
        output_expired_at__isnull=True,
    ).only(*OUTPUT_FIELDS)
    expired = 0
    for render in old.order_by("completed_at")[:EXPIRE_BATCH]:
        with transaction.atomic():
            # Conditional, so two sweeps never both delete (and both record) one output.
            if Render.objects.filter(pk=render.pk, output_expired_at__isnull=True).update(output_expired_at=now):
                render_event_record(render.pk, RenderEvent.Kind.EXPIRED, f"Output deleted after {days} days.")
                output = render_output_of(render)
                transaction.on_commit(lambda output=output: then(output))
                expired += 1
    return expired
