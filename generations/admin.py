from django.contrib import admin
from django.utils.text import Truncator

from config.admin_code import CodeBlocksMixin, CodeProblemFilter
from generations.models import Generation


@admin.register(Generation)
class GenerationAdmin(CodeBlocksMixin, admin.ModelAdmin):
    list_display = (
        "id", "short_prompt", "owner", "status", "aspect_ratio", "duration_in_frames", "fps", "code_ok",
        "created_at",
    )
    list_filter = ("status", "aspect_ratio", CodeProblemFilter, "created_at")
    search_fields = ("id__exact", "prompt", "owner__username")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    fields = (
        ("owner", "status"),
        "prompt",
        "error_message",
        ("duration_in_frames", "fps", "aspect_ratio", "duration_in_seconds"),
        ("parent", "refinement_prompt"),
        ("batch_id", "variation_index", "variation_count"),
        *CodeBlocksMixin.code_blocks,
        ("created_at", "updated_at"),
    )
    # Staff may correct a generation's outcome; what was asked and produced is history.
    readonly_fields = (
        "owner",
        "prompt",
        "duration_in_frames",
        "fps",
        "aspect_ratio",
        "duration_in_seconds",
        "parent",
        "refinement_prompt",
        "batch_id",
        "variation_index",
        "variation_count",
        *CodeBlocksMixin.code_blocks,
        "created_at",
        "updated_at",
    )

    @admin.display(description="prompt")
    def short_prompt(self, obj):
        return Truncator(obj.prompt).chars(60)

    def has_add_permission(self, request):
        return False
