"""Renders per user per rolling hour.

The count is taken from the render ledger (RenderCharge, renders/lifecycle/charges.py),
whose lines outlive deleted renders, under a lock on the user's row, so concurrent
requests from one user serialise and exactly `limit` of them get through. A request
rejected for any reason never creates a line, so it costs nothing. Not counted either:
renders requested without the quota (`charged=False`, e.g. `render --skip-quota`) and
renders that failed before their first frame because of their code (UNCHARGED_ERRORS in
renders/lifecycle/charges.py): the code's fault, no farm time spent, and the editor needs
the render to fix it.
"""
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from config.api.exceptions import ApplicationError
from renders.models import RenderCharge

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class QuotaStatus:
    limit: int
    used: int
    resets_at: datetime | None  # when the oldest counted render leaves the window

    @property
    def remaining(self):
        return max(0, self.limit - self.used)


def quota_status(user, now=None):
    now = now or timezone.now()
    in_window = RenderCharge.objects.filter(owner=user, quota_counted=True, created_at__gt=now - WINDOW)
    used = in_window.count()
    oldest = in_window.order_by("created_at").values_list("created_at", flat=True).first()
    return QuotaStatus(
        limit=settings.RENDER_QUOTA_PER_HOUR,
        used=used,
        resets_at=oldest + WINDOW if oldest else None,
    )


def quota_exceeded_message(limit):
    return f"Render quota exceeded. You can render up to {limit} videos per hour."


def quota_reserve(user):
    """Lock the user's quota for the current transaction and refuse if it is spent.

    Must run inside transaction.atomic(); the caller writes the render's charge in the
    same transaction, which is what consumes the quota.
    """
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    now = timezone.now()
    status = quota_status(user, now)
    if status.remaining > 0:
        return
    retry_after = max(1, math.ceil((status.resets_at - now).total_seconds()))
    raise ApplicationError(
        "quota_exceeded",
        f"{quota_exceeded_message(status.limit)} Please try again later.",
        status_code=429,
        extra={"retry_after": retry_after, "resets_at": status.resets_at.isoformat()},
        headers={"Retry-After": str(retry_after)},
    )
