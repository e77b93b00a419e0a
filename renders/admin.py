"""The operations console for renders: find, read, retry, cancel, refresh, fail."""
import json
import re
from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, F, Q
from django.utils import timezone
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from config.admin_code import code_html
from config.api.exceptions import ApplicationError
from farm import hosts
from farm.backends import BackendError
from renders.lifecycle import transitions
from renders.models import Render, RenderEvent, RenderHost
from renders.requests import services
from renders.usage.admin import RenderUsageAdmin  # noqa: F401  (registers the usage report)


class HasErrorFilter(admin.SimpleListFilter):
    title = "has error"
    parameter_name = "has_error"

    def lookups(self, request, model_admin):
        return (("yes", "Yes"), ("no", "No"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(error_code="")
        if self.value() == "no":
            return queryset.filter(error_code="")
        return queryset


# What remotion/src/compile.ts appends to a code error.
CODE_LOCATION = re.compile(r"\(line (\d+), column (\d+)\)$")
TIMESTAMP_FIELDS = ("created_at", "claimed_at", "started_at", "last_polled_at", "deadline_at", "completed_at")


def to_the_second(value):
    """Admin's default format shows minutes only; a render's steps are seconds apart."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S %Z") if value else "-"


def timestamp_display(field):
    """A read-only column showing `field` to the second."""
    name = field.replace("_", " ")
    def show(self, obj):
        return to_the_second(getattr(obj, field))

    return admin.display(description=name, ordering=field)(show)


class ReadOnlyPageMixin:
    """Pages that only show a record: no Save buttons (actions change renders, not forms)."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        no_save = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **no_save})


class RenderEventInline(admin.TabularInline):
    model = RenderEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "message")
    readonly_fields = fields
    ordering = ("created_at", "id")
    at = timestamp_display("created_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Render)
class RenderAdmin(ReadOnlyPageMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "target_link",
        "status",
        "progress",
        "owner",
        "backend",
        "host",
        "video_length",
        "render_seconds",
        "lambda_invocations",
        "error_code",
        "requested_at",
    )
    list_filter = ("status", "kind", "backend", "host", HasErrorFilter, "created_at")
    date_hierarchy = "created_at"
    search_fields = ("=id", "farm_render_id", "owner__username", "owner__email", "host__name")
    list_select_related = ("owner", "clip", "movie", "generation", "host")
    ordering = ("-created_at",)
    inlines = (RenderEventInline,)
    actions = ("retry_renders", "cancel_renders", "refresh_progress", "mark_failed")
    fieldsets = (
        (None, {"fields": ("owner", "kind", "target_link", "status", "progress", "retry_of")}),
        (
            "Outcome",
            {
                "fields": (
                    "error_code",
                    "error_message",
                    "error_source_line",
                    "renderer_output_block",
                    "output_bucket",
                    "output_key",
                    "output_size",
                    "output_expired_at",
                )
            },
        ),
        (
            "Farm",
            {
                "fields": (
                    "backend",
                    "host",
                    "restart_count",
                    "lost_host_name",
                    "farm_render_id",
                    "farm_bucket",
                    "start_attempt",
                    "start_sent_at",
                    "poll_count",
                    "lambda_invocations",
                    "estimated_cost",
                    "cost_currency",
                )
            },
        ),
        (
            "Snapshot",
            {
                "fields": (
                    "composition_id",
                    "width",
                    "height",
                    "fps",
                    "duration_in_frames",
                    "snapshot_code",
                    "input_props_pretty",
                )
            },
        ),
        ("Timeline", {"fields": tuple(f"{field}_display" for field in TIMESTAMP_FIELDS)}),
    )
    requested_at = timestamp_display("created_at")
    created_at_display = timestamp_display("created_at")
    claimed_at_display = timestamp_display("claimed_at")
    started_at_display = timestamp_display("started_at")
    last_polled_at_display = timestamp_display("last_polled_at")
    deadline_at_display = timestamp_display("deadline_at")
    completed_at_display = timestamp_display("completed_at")

    def get_readonly_fields(self, request, obj=None):
        # The row is the record of what the farm was asked to do: staff act on it only
        # through the actions, which go through the same services as users.
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # The snapshot (tens of kilobytes each) is loaded only where a page shows it.
        queryset = super().get_queryset(request).defer("input_props")
        return queryset.annotate(_render_seconds=F("completed_at") - F("started_at"))

    def delete_model(self, request, obj):
        services.render_delete(render=obj)

    def delete_queryset(self, request, queryset):
        # One by one through the service: each live one is cancelled and each output deleted.
        for render in queryset:
            services.render_delete(render=render)

    @admin.display(description="target")
    def target_link(self, render):
        target = render.target
        if target is None:
            return f"{render.kind} (deleted)"
        url = reverse(f"admin:{target._meta.app_label}_{target._meta.model_name}_change", args=[target.pk])
        return format_html('<a href="{}">{} {}: {}</a>', url, render.kind, target.pk, target)

    @admin.display(description="video", ordering="duration_in_frames")
    def video_length(self, render):
        return f"{render.duration_in_frames / render.fps:.1f} s"

    @admin.display(description="render time", ordering="_render_seconds")
    def render_seconds(self, render):
        elapsed = getattr(render, "_render_seconds", None)
        return f"{elapsed.total_seconds():.1f} s" if elapsed is not None else "-"

    @admin.display(description="failing line of the code")
    def error_source_line(self, render):
        """The line the code error names ("... (line 2, column 21)"), read from the snapshot."""
        match = CODE_LOCATION.search(render.error_message)
        code = render.input_props.get("code") if match else None
        lines = code.splitlines() if code else []
        number = int(match[1]) if match else 0
        if not 0 < number <= len(lines):
            return "-"
        return format_html("line {}, column {}:{}", number, match[2], code_html(lines[number - 1]))

    @admin.display(description="renderer output (end)")
    def renderer_output_block(self, render):
        return code_html(render.renderer_output) if render.renderer_output else "-"

    @admin.display(description="code")
    def snapshot_code(self, render):
        """The code rendered, as code: the clip's, or each scene's under its number."""
        props = render.input_props
        if "scenes" not in props:
            return code_html(props.get("code", ""))
        scenes = enumerate(props["scenes"], start=1)
        blocks = ((number, code_html(scene.get("code", ""))) for number, scene in scenes)
        return format_html_join("", "<p>Scene {}</p>{}", blocks)

    @admin.display(description="input props (code above)")
    def input_props_pretty(self, render):
        props = dict(render.input_props)
        if "code" in props:
            props["code"] = "(above)"
        if "scenes" in props:
            scenes = enumerate(props["scenes"], start=1)
            props["scenes"] = [{**scene, "code": f"(scene {number} above)"} for number, scene in scenes]
        return format_html(
            '<pre style="white-space: pre-wrap; max-height: 30em; overflow: auto">{}</pre>',
            json.dumps(props, indent=2),
        )

    @admin.action(description="Retry selected renders (new render, quota applies)")
    def retry_renders(self, request, queryset):
        self._apply(request, queryset, lambda r: services.render_retry(render=r, user=r.owner), "retried")

    @admin.action(description="Cancel selected renders")
    def cancel_renders(self, request, queryset):
        self._apply(request, queryset, lambda r: services.render_cancel(render=r), "cancelled")

    @admin.action(description="Refresh progress now")
    def refresh_progress(self, request, queryset):
        self._apply(request, queryset.filter(status=Render.Status.RENDERING), _poll_once, "refreshed")

    @admin.action(description="Mark failed (and stop the farm's work)")
    def mark_failed(self, request, queryset):
        def fail(render):
            message = f"Marked failed by staff ({request.user.get_username()})."
            if not transitions.render_fail(render.pk, "failed_by_staff", message):
                raise ApplicationError("render_not_live", "Only a pending or rendering render can be failed.")
            services.render_stop_farm_work(render)

        self._apply(request, queryset, fail, "marked failed")

    def _apply(self, request, queryset, action, verb):
        done = 0
        for render in queryset:
            try:
                action(render)
            except (ApplicationError, BackendError) as exc:
                self.message_user(request, f"Render {render.pk}: {exc}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} render(s) {verb}.", messages.SUCCESS)


@admin.register(RenderHost)
class RenderHostAdmin(ReadOnlyPageMixin, admin.ModelAdmin):
    """The machines running local renders; rows appear when a worker starts on one."""

    list_display = ("name", "slots", "live_renders", "heartbeat", "alive", "since")
    search_fields = ("name",)
    readonly_fields = ("name", "slots", "boot_id", "since", "heartbeat")
    heartbeat = timestamp_display("last_heartbeat_at")
    since = timestamp_display("started_at")

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        live = Q(renders__status__in=Render.LIVE_STATUSES, renders__claimed_at__isnull=False)
        return super().get_queryset(request).annotate(_live_renders=Count("renders", filter=live))

    @admin.display(description="live renders", ordering="_live_renders")
    def live_renders(self, host):
        return host._live_renders

    @admin.display(description="alive", boolean=True, ordering="last_heartbeat_at")
    def alive(self, host):
        lost_after = timedelta(seconds=settings.RENDER_HOST_LOST_AFTER_SECONDS)
        return timezone.now() - host.last_heartbeat_at < lost_after


def _poll_once(render):
    if not hosts.render_on_this_host(render):
        raise ApplicationError(
            "render_on_another_host", f"it runs on render host {render.host}, which polls it every few seconds."
        )
    transitions.render_refresh(render)
