"""Editors' clip pages: the library, New clip, the clip editor (code, length, fps, poster) with
the Render panel, and delete. Writes go through clips.services, like the API's; the check
on save's refusal is shown at its line and column in the code editor."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import DetailView, ListView
from django.views.generic.edit import FormView

from clips.code_validation import CodeRejected
from clips.forms import ClipForm
from clips.models import Clip
from clips.services import clip_create, clip_delete, clip_update
from config.api.exceptions import ApplicationError
from config.pages import OwnedObjectPostView, OwnedObjectsMixin
from renders.models import Render
from renders.panel import RenderPanelMixin

NEW_CLIP_CODE = """import {AbsoluteFill, interpolate, useCurrentFrame} from 'remotion';

export default function Scene() {
  const frame = useCurrentFrame();
  const opacity = interpolate(frame, [0, 15], [0, 1], {extrapolateRight: 'clamp'});
  return (
    <AbsoluteFill style={{backgroundColor: '#141925', color: 'white', justifyContent: 'center',
      alignItems: 'center', fontSize: 96, fontFamily: 'sans-serif', opacity}}>
      Hello
    </AbsoluteFill>
  );
}
"""


def _save(form, write):
    """Run `write` (a clips.services call); a code refusal becomes the code field's error,
    a poster frame past the clip's end the poster frame's."""
    try:
        return write()
    except CodeRejected as exc:
        form.add_error("code" if exc.field == "code" else None, str(exc.problem))
        form.code_problem = exc.problem
        return None
    except ApplicationError as exc:
        form.add_error("poster_frame" if exc.code == "invalid_poster_frame" else None, exc.detail)
        return None


class ClipListView(OwnedObjectsMixin, ListView):
    model = Clip
    paginate_by = 20

    def get_queryset(self):
        # The code stays: each row's poster is addressed by it.
        return super().get_queryset().defer("raw_code")


class ClipCreateView(LoginRequiredMixin, FormView):
    form_class = ClipForm
    template_name = "clips/clip_form.html"
    initial = {"duration_in_frames": 90, "fps": 30, "code": NEW_CLIP_CODE}

    def form_valid(self, form):
        clip = _save(form, lambda: clip_create(owner=self.request.user, **form.cleaned_data))
        if clip is None:
            return self.form_invalid(form)
        messages.success(self.request, "Clip saved.")
        return redirect("clips:detail", clip.pk)


class ClipDetailView(OwnedObjectsMixin, RenderPanelMixin, DetailView):
    """The clip editor: GET shows it, POST saves it (and the Render panel, preview and
    problem notice then show the saved clip)."""

    model = Clip
    render_kind = Render.Kind.CLIP

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or ClipForm(instance=self.object)
        return super().get_context_data(form=form, **kwargs)

    def post(self, request, pk):
        self.object = clip = self.get_object()
        form = ClipForm(request.POST, instance=Clip.objects.get(pk=clip.pk))
        if form.is_valid():
            changes = {field: form.cleaned_data[field] for field in form.changed_data}
            if "code" in changes:
                # The page edits the code that runs; no separate display copy is kept.
                changes["raw_code"] = ""
            if _save(form, lambda: clip_update(clip=clip, **changes)) is not None:
                messages.success(request, "Clip saved." if changes else "No changes to save.")
                return redirect("clips:detail", clip.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ClipDeleteView(OwnedObjectPostView):
    model = Clip

    def perform(self, clip):
        clip_delete(clip=clip)
        messages.success(self.request, f"Clip “{clip.name}” deleted; movies that used it show it as missing.")
        return redirect("clips:list")
