"""The Export button of the movie and clip pages: the zip, or why not on the page."""
from django.contrib import messages
from django.shortcuts import redirect
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from config.api.exceptions import ApplicationError
from config.pages import OwnedObjectsMixin
from exports.downloads import archive_response
from exports.services import export_for
from renders.panel import target_detail_url


class ExportView(OwnedObjectsMixin, SingleObjectMixin, View):
    model = None
    kind = None

    def get(self, request, pk):
        target = self.get_object()
        try:
            archive = export_for(self.kind, target)
        except ApplicationError as exc:
            # The same refusal a render request would give (no valid scenes, a code problem).
            messages.error(request, f"This {self.kind} cannot be exported: {exc.detail}")
            return redirect(target_detail_url(self.kind, target.pk))
        return archive_response(archive)
