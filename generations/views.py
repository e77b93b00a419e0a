from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import DetailView, ListView

from config.api.exceptions import ApplicationError
from config.pages import OwnedObjectPostView, OwnedObjectsMixin
from generations.models import Generation
from generations.services import generation_save_as_clip
from renders.models import Render
from renders.panel import RenderPanelMixin


class GenerationListView(OwnedObjectsMixin, ListView):
    model = Generation
    paginate_by = 20

    def get_queryset(self):
        # The code stays: each row's poster is addressed by it.
        return super().get_queryset().defer("raw_code")


class GenerationDetailView(OwnedObjectsMixin, RenderPanelMixin, DetailView):
    model = Generation
    render_kind = Render.Kind.GENERATION


class GenerationSaveAsClipView(OwnedObjectPostView):
    model = Generation

    def perform(self, generation):
        name = self.request.POST.get("name", "").strip()[:200]
        if not name:
            raise ApplicationError("validation_error", "Give the clip a name.")
        clip = generation_save_as_clip(generation=generation, name=name)
        messages.success(self.request, f"Saved as clip “{clip.name}”.")
        return redirect("clips:detail", clip.pk)
