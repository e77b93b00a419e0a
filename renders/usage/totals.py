"""What renders cost in a period: count, seconds of video, the farm's reported cost.

Read from the render ledger (RenderCharge), so a deleted render still counts. A render
counts in the period it was requested in. Seconds of video are those of complete
renders; cost is what Remotion Lambda reported for every render it billed (failed ones
cost too), summed per currency.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from config.api.exceptions import ApplicationError
from renders.models import RenderCharge

MAX_PERIOD = timedelta(days=366)


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive
    end: datetime  # exclusive


@dataclass(frozen=True)
class Usage:
    period: Period
    renders: int
    complete: int
    video_seconds: float
    cost: dict  # currency -> Decimal


def period_parse(start_text=None, end_text=None, *, now=None):
    """?from=&to= as dates (to inclusive: the whole day) or ISO datetimes (to exclusive).
    Defaults (None): from the start of the current month (UTC), to now; "" is no date."""
    now = now or timezone.now()
    start = _month_start(now) if start_text is None else _moment("from", start_text, end_of_day=False)
    end = now if end_text is None else _moment("to", end_text, end_of_day=True)
    if end <= start:
        raise ApplicationError("invalid_period", "`to` must be after `from`.")
    if end - start > MAX_PERIOD:
        raise ApplicationError("period_too_long", f"A period spans at most {MAX_PERIOD.days} days.")
    return Period(start, end)


def usage_columns(prefix="", within=None):
    """Aggregates over ledger lines; `prefix` ("render_charges__") and `within` (a Q on
    the period) let the same columns annotate users in the admin."""
    complete = Q(**{f"{prefix}complete": True})
    if within is not None:
        complete &= within
    return {
        "render_count": Count(f"{prefix}id", filter=within),
        "complete_count": Count(f"{prefix}id", filter=complete),
        "video_seconds": Sum(f"{prefix}video_seconds", filter=complete),
    }


def usage_for(user, period):
    """Two queries whatever the number of renders: the totals, and cost per currency."""
    renders = RenderCharge.objects.filter(owner=user, created_at__gte=period.start, created_at__lt=period.end)
    totals = renders.aggregate(**usage_columns())
    cost = {
        row["cost_currency"]: row["total"]
        for row in renders.filter(estimated_cost__isnull=False)
        .values("cost_currency")
        .annotate(total=Sum("estimated_cost"))
        .order_by("cost_currency")
    }
    return Usage(
        period=period,
        renders=totals["render_count"],
        complete=totals["complete_count"],
        video_seconds=round(totals["video_seconds"] or 0.0, 3),
        cost={currency or "unknown": total or Decimal(0) for currency, total in cost.items()},
    )


def _moment(name, text, *, end_of_day):
    parsed_date = _parse(parse_date, text)
    if parsed_date is not None:
        day = parsed_date + timedelta(days=1) if end_of_day else parsed_date
        return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    parsed = _parse(parse_datetime, text)
    if parsed is None:
        raise ApplicationError(
            "invalid_date", f"`{name}` must be an ISO date (2026-05-01) or date-time (2026-05-01T12:00:00Z)."
        )
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _parse(parser, text):
    try:
        return parser(text)
    except ValueError:  # well formed but impossible, e.g. 2026-02-30
        return None


def _month_start(now):
    local = timezone.localtime(now)
    return datetime.combine(date(local.year, local.month, 1), time.min, tzinfo=local.tzinfo)
