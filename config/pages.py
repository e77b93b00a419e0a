"""Shared pieces of the server-rendered pages (each app keeps its own views.py + urls.py)."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from config.api.exceptions import ApplicationError


class OwnedObjectsMixin(LoginRequiredMixin):
    """Lists and lookups of a generic view only ever see the signed-in user's rows, so
    another editor's object is a 404 exactly like one that does not exist."""

    def get_queryset(self):
        return super().get_queryset().filter(owner=self.request.user)


class OwnedObjectPostView(LoginRequiredMixin, View):
    """A form on the page of one of the user's objects that calls one service: perform()
    answers with a redirect; a refusal is shown as a message on the object's page."""

    http_method_names = ["post"]
    model = None

    def post(self, request, pk):
        subject = get_object_or_404(self.model, pk=pk, owner=request.user)
        try:
            return self.perform(subject)
        except ApplicationError as exc:
            messages.error(request, exc.detail)
            return redirect(f"{self.model._meta.app_label}:detail", subject.pk)

    def perform(self, subject):
        raise NotImplementedError
