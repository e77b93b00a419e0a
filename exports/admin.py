"""The staff's export: an admin action on movies and clips, through the same service."""
from django.contrib import admin, messages

from config.api.exceptions import ApplicationError
from exports.downloads import archive_response
from exports.services import export_for


class ExportAdminMixin:
    """For a ModelAdmin of movies or clips; `export_kind` names what the rows are."""

    export_kind = None
    actions = ("export_project",)

    @admin.action(description="Export as a Remotion project (one at a time)")
    def export_project(self, request, queryset):
        targets = list(queryset[:2])
        if len(targets) != 1:
            self.message_user(request, f"Select exactly one {self.export_kind} to export.", messages.WARNING)
            return None
        try:
            return archive_response(export_for(self.export_kind, targets[0]))
        except ApplicationError as exc:
            self.message_user(request, f"{targets[0]} cannot be exported: {exc.detail}", messages.ERROR)
            return None
