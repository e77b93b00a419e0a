"""Editors' render pages: the list, one render's live state, its video, and the buttons
that start, retry and cancel renders. The rules live in renders.requests.services; these views
turn its answers, and its refusals, into pages, redirects and messages."""
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, ListView
from django.views.generic.detail import SingleObjectMixin

from config.api.exceptions import ApplicationError
from config.pages import OwnedObjectsMixin
from renders.lifecycle.timing import render_timing
from renders.models import Render
from renders.outputs.downloads import render_download_response
from renders.panel import RenderSizeForm, retry_blocker, retry_offered, target_detail_url
from renders.requests import services
from renders.requests.selectors import renders_for_listing, renders_for_owner
from renders.requests.throttle import render_burst_check


class RenderFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *Render.Status.choices], required=False)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Render.Kind.choices], required=False)



class RenderListView(LoginRequiredMixin, ListView):
    template_name = "renders/render_list.html"
    paginate_by = 20

    def get_queryset(self):
        self.filter_form = RenderFilterForm(self.request.GET)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return renders_for_listing(self.request.user, **filters)

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class RenderStateMixin(OwnedObjectsMixin):
    model = Render
    context_object_name = "render"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            timing=render_timing(self.object),
            retry_offered=retry_offered(self.object),
            retry_blocker=retry_blocker(self.request.user, self.object),
            **kwargs,
        )


class RenderDetailView(RenderStateMixin, DetailView):
    template_name = "renders/render_detail.html"


class RenderProgressView(RenderStateMixin, DetailView):
    """The fragment htmx polls while a render is live; the final one no longer polls."""

    template_name = "partials/render_progress.html"

    def handle_no_permission(self):
        # A poll after the session ended must not swap the login form into the fragment:
        # reload the whole page, which then goes to the login page the usual way.
        if self.request.headers.get("HX-Request"):
            return HttpResponse(headers={"HX-Refresh": "true"})
        return super().handle_no_permission()


class RenderVideoView(OwnedObjectsMixin, SingleObjectMixin, View):
    """The MP4 for the page's <video> (byte ranges, so it can seek) and Download button."""

    model = Render

    def get(self, request, pk):
        render = self.get_object()
        try:
            return render_download_response(render, request.headers.get("Range"))
        except ApplicationError as exc:
            context = {"render": render, "reason": exc.detail}
            return TemplateResponse(request, "renders/video_unavailable.html", context, status=exc.status_code)


class ServiceButtonView(LoginRequiredMixin, View):
    """A POST button that calls one service. A refusal (quota, limits, a state that no
    longer allows it) is shown as a message on the page the button was on."""

    http_method_names = ["post"]

    def post(self, request, pk):
        subject = self.get_subject(pk)
        try:
            destination = self.perform(subject)
        except ApplicationError as exc:
            messages.error(request, exc.detail)
            destination = self.origin_url(subject)
        return redirect(destination)

    def get_subject(self, pk):
        return get_object_or_404(renders_for_owner(self.request.user), pk=pk)

    def origin_url(self, render):
        return reverse("renders:detail", args=[render.pk])


class RenderStartView(ServiceButtonView):
    model = None
    kind = None

    def get_subject(self, pk):
        return get_object_or_404(self.model, pk=pk, owner=self.request.user)

    def origin_url(self, target):
        return target_detail_url(self.kind, target.pk)

    def perform(self, target):
        render_burst_check(self.request)
        size = RenderSizeForm(self.request.POST).chosen_size()
        render = services.render_request(user=self.request.user, kind=self.kind, target=target, size=size)
        return reverse("renders:detail", args=[render.pk])


class RenderRetryView(ServiceButtonView):
    def perform(self, render):
        render_burst_check(self.request)
        retry = services.render_retry(render=render, user=self.request.user)
        messages.success(self.request, f"Render {render.pk} is being rendered again as render {retry.pk}.")
        return reverse("renders:detail", args=[retry.pk])


class RenderCancelView(ServiceButtonView):
    def perform(self, render):
        services.render_cancel(render=render)
        messages.success(self.request, "Render cancelled.")
        return self.origin_url(render)
