from django.contrib import admin

from clips.models import Clip
from config.admin_code import CodeBlocksMixin, CodeProblemFilter
from exports.admin import ExportAdminMixin


@admin.register(Clip)
class ClipAdmin(ExportAdminMixin, CodeBlocksMixin, admin.ModelAdmin):
    export_kind = "clip"
    list_display = (
        "id", "name", "owner", "duration_in_frames", "fps", "source_generation_id", "code_ok", "created_at"
    )
    list_filter = ("fps", CodeProblemFilter, "created_at")
    search_fields = ("id__exact", "name", "owner__username")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    fields = (
        ("name", "owner"),
        ("duration_in_frames", "fps"),
        "source_generation",
        *CodeBlocksMixin.code_blocks,
        ("created_at", "updated_at"),
    )
    # Duration and fps stay editable: movies.signals keeps the totals of movies using the
    # clip right, on save and on delete.
    readonly_fields = ("owner", "source_generation", *CodeBlocksMixin.code_blocks, "created_at", "updated_at")

    def has_add_permission(self, request):
        # Clips are made in the editor, through the API, where their owner is the user.
        return False
