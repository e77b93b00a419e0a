from django.views.generic import DetailView, ListView

from config.pages import OwnedObjectsMixin
from generations.models import Generation
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
