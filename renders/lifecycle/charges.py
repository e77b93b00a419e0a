"""The render ledger: one RenderCharge per render, the accounting that outlives it.

Written in the transaction that creates the render and charges the quota, settled in the
transaction of the render's final transition (complete: its seconds and cost count; its
own code failed it: its quota slot is handed back), and left alone by deletion.
"""
from farm.backends.base import CODE_ERROR
from renders.models import RenderCharge

# Failures that hand the quota slot back: the render's own code failed it before its first
# frame (no farm time spent, and the editor needs the render to fix the code).
UNCHARGED_ERRORS = (CODE_ERROR,)


def charge_fields(render):
    """The ledger line of `render` as it stands (migration 0007 froze a copy of this rule
    to backfill the renders that existed before the ledger)."""
    refunded = render.status == render.Status.FAILED and render.error_code in UNCHARGED_ERRORS
    return {
        "owner_id": render.owner_id,
        "render_id": render.pk,
        "kind": render.kind,
        "created_at": render.created_at,
        "quota_counted": render.charged and not refunded,
        "complete": render.status == render.Status.COMPLETE,
        "video_seconds": render.duration_in_frames / render.fps,
        "estimated_cost": render.estimated_cost,
        "cost_currency": render.cost_currency,
    }


def charge_record(render):
    return RenderCharge.objects.create(**charge_fields(render))


def charge_settle_complete(render_id, *, estimated_cost, cost_currency):
    RenderCharge.objects.filter(render_id=render_id).update(
        complete=True, estimated_cost=estimated_cost, cost_currency=cost_currency
    )


def charge_settle_failed(render_id, code):
    if code in UNCHARGED_ERRORS:
        RenderCharge.objects.filter(render_id=render_id).update(quota_counted=False)
