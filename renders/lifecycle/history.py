"""What happened to a render: a row for staff (the admin's history), a log line carrying
`render_id`, and the render metrics when it started or reached its end.

Callers record an event only after their conditional update changed the row, so each
transition is counted exactly once however many workers raced for it.
"""
import logging

from config import metrics
from renders.models import Render, RenderEvent

logger = logging.getLogger(__name__)

_WARNING_KINDS = {RenderEvent.Kind.TRANSIENT_ERROR, RenderEvent.Kind.FAILED}
_FINAL_KINDS = {RenderEvent.Kind.COMPLETED, RenderEvent.Kind.FAILED, RenderEvent.Kind.CANCELLED}


def render_event_record(render_id, kind, message=""):
    RenderEvent.objects.create(render_id=render_id, kind=kind, message=message)
    level = logging.WARNING if kind in _WARNING_KINDS else logging.INFO
    extra = {"render_id": render_id, "event": str(kind)}
    logger.log(level, "render %s %s: %s", render_id, kind, message, extra=extra)
    if kind == RenderEvent.Kind.STARTED or kind in _FINAL_KINDS:
        _observe(render_id, kind)


def _observe(render_id, kind):
    render = (
        Render.objects.filter(pk=render_id)
        .only("kind", "backend", "status", "error_code", "created_at", "started_at", "completed_at")
        .first()
    )
    if render is None:
        return
    labels = {"kind": render.kind, "backend": render.backend}
    if kind == RenderEvent.Kind.STARTED:
        if render.started_at:
            metrics.render_queue_wait.labels(**labels).observe(
                (render.started_at - render.created_at).total_seconds()
            )
        return
    metrics.render_outcomes.labels(**labels, status=render.status, error_code=render.error_code).inc()
    if render.started_at and render.completed_at:
        metrics.render_duration.labels(**labels, status=render.status).observe(
            (render.completed_at - render.started_at).total_seconds()
        )
