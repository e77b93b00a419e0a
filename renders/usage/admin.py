"""The admin's usage report: per user, renders, seconds of video and the farm's reported
cost in a period chosen with the list filter (this month unless another preset or a
from/to date range is picked).

All columns are aggregates annotated on the user list, so a page costs one query for the
rows and one for the count, whatever the number of users or renders.
"""
from datetime import datetime, time, timedelta

from django.contrib import admin, messages
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from config.api.exceptions import ApplicationError
from renders.models import RenderUsage
from renders.usage.totals import Period, period_parse, usage_columns


def _day_start(day):
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _periods(now):
    today = timezone.localdate(now)
    month_start = today.replace(day=1)
    last_month_start = (month_start - timedelta(days=1)).replace(day=1)
    return {
        "this_month": ("This month", _day_start(month_start), now),
        "last_month": ("Last month", _day_start(last_month_start), _day_start(month_start)),
        "last_7_days": ("Last 7 days", now - timedelta(days=7), now),
        "last_30_days": ("Last 30 days", now - timedelta(days=30), now),
        "this_year": ("This year", _day_start(today.replace(month=1, day=1)), now),
    }


class PeriodFilter(admin.ListFilter):
    """The period the columns add up: a preset, or any dates in `from`/`to` (the rules of
    GET /api/renders/usage/). Users without renders in it are hidden."""

    title = "period"
    template = "admin/renders/period_filter.html"
    default = "this_month"
    parameters = ("period", "from", "to")

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name in self.parameters:
            if name in params:
                self.used_parameters[name] = params.pop(name)[-1]
        self.presets = _periods(timezone.now())
        self.custom = bool(self.used_parameters.get("from") or self.used_parameters.get("to"))
        self.period = self._period(request)

    def _period(self, request):
        if self.custom:
            try:
                chosen = self.used_parameters
                return period_parse(chosen.get("from") or None, chosen.get("to") or None)
            except ApplicationError as exc:
                messages.error(request, f"{exc.detail} Showing {self.presets[self.default][0].lower()} instead.")
                self.custom = False
        _, start, end = self.presets.get(self.used_parameters.get("period"), self.presets[self.default])
        return Period(start, end)

    def has_output(self):
        return True

    def expected_parameters(self):
        return list(self.parameters)

    def choices(self, changelist):
        chosen = self.used_parameters.get("period", self.default)
        for key, (label, _, _) in self.presets.items():
            yield {
                "selected": not self.custom and key == chosen,
                "query_string": changelist.get_query_string({"period": key}, remove=["from", "to"]),
                "display": label,
            }

    def queryset(self, request, queryset):
        lines = "render_charges__"
        start, end = self.period.start, self.period.end
        within = Q(**{f"{lines}created_at__gte": start, f"{lines}created_at__lt": end})
        billed = within & Q(**{f"{lines}estimated_cost__isnull": False})
        return queryset.annotate(
            **usage_columns(lines, within),
            cost=Sum(f"{lines}estimated_cost", filter=billed),
            currencies=Count(f"{lines}cost_currency", filter=billed, distinct=True),
            currency=Max(f"{lines}cost_currency", filter=billed),
        ).filter(render_count__gt=0)


@admin.register(RenderUsage)
class RenderUsageAdmin(admin.ModelAdmin):
    list_display = ("username", "email", "renders", "complete", "video", "cost_display")
    list_filter = (PeriodFilter,)
    search_fields = ("username", "email")
    ordering = ("username",)
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # the filter annotates; facet counts would redo it per choice

    @admin.display(description="renders", ordering="render_count")
    def renders(self, user):
        return user.render_count

    @admin.display(description="complete", ordering="complete_count")
    def complete(self, user):
        return user.complete_count

    @admin.display(description="video", ordering="video_seconds")
    def video(self, user):
        return f"{user.video_seconds or 0:.1f} s"

    @admin.display(description="reported cost", ordering="cost")
    def cost_display(self, user):
        if user.cost is None:
            return "-"
        if user.currencies > 1:
            # Remotion reports USD; several currencies cannot be added up into one figure.
            return f"{user.cost:.4f} (mixed currencies)"
        return f"{user.cost:.4f} {user.currency}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff and request.user.has_perm("renders.view_render")
