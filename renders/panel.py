"""What a movie, clip or generation page shows about rendering it: its latest render and
whether the Render button works right now, and if not, why; the sizes it offers."""
from dataclasses import dataclass

from django import forms
from django.urls import reverse
from django.utils.timesince import timeuntil

from config.api.exceptions import ApplicationError
from renders.lifecycle.charges import UNCHARGED_ERRORS
from renders.models import Render
from renders.requests.quota import quota_exceeded_message, quota_status
from renders.requests.selectors import render_latest_for
from renders.requests.services import render_retry_check, render_service_check
from renders.requests.snapshots import snapshot_for, snapshot_recheck

TARGET_URL_NAMES = {
    Render.Kind.MOVIE: ("movies:detail", "movies:render"),
    Render.Kind.CLIP: ("clips:detail", "clips:render"),
    Render.Kind.GENERATION: ("generations:detail", "generations:render"),
}


# The sizes a page offers, all within the single-render and movie limits.
RENDER_SIZES = {
    "1080p": ("1080p landscape (1920×1080)", (1920, 1080)),
    "720p": ("720p landscape (1280×720)", (1280, 720)),
    "square": ("Square (1080×1080)", (1080, 1080)),
    "portrait": ("Portrait (1080×1920)", (1080, 1920)),
    "draft": ("Quick draft (640×360)", (640, 360)),
}


class RenderSizeForm(forms.Form):
    size = forms.ChoiceField(
        choices=[("", "Default size"), *((key, label) for key, (label, _) in RENDER_SIZES.items())],
        required=False,
    )

    def chosen_size(self):
        """(width, height), or None for the target's default (1080p; a generation's aspect)."""
        key = self.cleaned_data["size"] if self.is_valid() else ""
        return RENDER_SIZES[key][1] if key else None



@dataclass(frozen=True)
class RenderPanel:
    latest: Render | None
    blocker: str | None  # why the Render button is disabled; None when it works
    start_url: str
    size_form: RenderSizeForm


def target_detail_url(kind, target_id):
    return reverse(TARGET_URL_NAMES[kind][0], args=[target_id])


def render_blocker(user, kind, target):
    """The refusal render_request would give right now, worked out without creating a
    render or charging the quota (the request itself still checks everything again)."""
    return _blocker(user, lambda: snapshot_for(kind, target))


def retry_blocker(user, render):
    """The same for render_retry: why the Retry button of `render` would be refused."""
    if render.status not in (Render.Status.FAILED, Render.Status.CANCELLED):
        return None
    try:
        render_retry_check(render)
    except ApplicationError as exc:
        return exc.detail
    return _blocker(user, lambda: snapshot_recheck(render))


def retry_offered(render):
    """False when a retry would fail identically (the code's fault): no button at all,
    only retry_blocker's reason."""
    return render.status == Render.Status.CANCELLED or (
        render.status == Render.Status.FAILED and render.error_code not in UNCHARGED_ERRORS
    )


def _blocker(user, check):
    try:
        render_service_check()
        check()
    except ApplicationError as exc:
        return exc.detail
    quota = quota_status(user)
    if quota.remaining == 0:
        return f"{quota_exceeded_message(quota.limit)} The next render is possible in {timeuntil(quota.resets_at)}."
    return None


def render_panel(user, kind, target):
    return RenderPanel(
        latest=render_latest_for(kind, target),
        blocker=render_blocker(user, kind, target),
        start_url=reverse(TARGET_URL_NAMES[kind][1], args=[target.pk]),
        size_form=RenderSizeForm(auto_id="render-%s"),
    )


class RenderPanelMixin:
    """For a detail view of something renderable: adds `render_panel` to the context."""

    render_kind = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["render_panel"] = render_panel(self.request.user, self.render_kind, self.object)
        return context
