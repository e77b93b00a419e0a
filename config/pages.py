"""Shared pieces of the server-rendered pages (each app keeps its own views.py + urls.py)."""
from django.contrib.auth.mixins import LoginRequiredMixin


class OwnedObjectsMixin(LoginRequiredMixin):
    """Lists and lookups of a generic view only ever see the signed-in user's rows, so
    another editor's object is a 404 exactly like one that does not exist."""

    def get_queryset(self):
        return super().get_queryset().filter(owner=self.request.user)
