from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from exports.admin import ExportAdminMixin
from movies.models import Movie, MovieRevision, Scene
from movies.selectors import timeline_scenes
from movies.services import movie_fps_is_locked


class SceneInline(admin.TabularInline):
    """The timeline, read-only. Scene edits go through the API (movies.services), where the
    rules live: a formset would bypass the trim and split checks and could not renumber
    positions around the one-scene-per-position constraint."""

    model = Scene
    fields = ("position", "clip_link", "duration_override", "trim_start", "trim_end", "effective_duration")
    readonly_fields = fields
    ordering = ("position",)
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return timeline_scenes()

    @admin.display(description="clip")
    def clip_link(self, scene):
        if scene.is_missing:
            return "(missing: clip deleted)"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:clips_clip_change", args=[scene.clip_id]), scene.clip.name
        )

    @admin.display(description="effective frames")
    def effective_duration(self, scene):
        return scene.effective_duration

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RevisionInline(admin.TabularInline):
    """The movie's undo history, read-only: undo and redo belong to its editors."""

    model = MovieRevision
    fields = ("created_at", "operation", "author", "undone", "scene_counts")
    readonly_fields = fields
    ordering = ("-id",)
    extra = 0
    can_delete = False
    verbose_name_plural = "revisions (newest first)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    @admin.display(description="scenes before → after")
    def scene_counts(self, revision):
        return f"{len(revision.scenes_before)} → {len(revision.scenes_after)}"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Movie)
class MovieAdmin(ExportAdminMixin, admin.ModelAdmin):
    export_kind = "movie"
    list_display = ("id", "name", "owner", "fps", "scene_count", "total_duration_in_frames", "created_at")
    list_filter = ("fps", "created_at")
    search_fields = ("id__exact", "name", "owner__username")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    fields = (("name", "owner"), ("fps", "total_duration_in_frames", "version"), ("created_at", "updated_at"))
    inlines = [SceneInline, RevisionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(scene_count=Count("scenes"))

    @admin.display(description="scenes", ordering="scene_count")
    def scene_count(self, movie):
        return movie.scene_count

    def get_readonly_fields(self, request, obj=None):
        readonly = ["owner", "total_duration_in_frames", "version", "created_at", "updated_at"]
        if obj is not None and movie_fps_is_locked(obj):
            readonly.append("fps")
        return readonly

    def has_add_permission(self, request):
        # Movies are made in the editor, through the API, where their owner is the user.
        return False
