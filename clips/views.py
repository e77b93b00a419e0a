from django.views.generic import DetailView, ListView

from clips.models import Clip
from config.pages import OwnedObjectsMixin
from renders.models import Render
from renders.panel import RenderPanelMixin


class ClipListView(OwnedObjectsMixin, ListView):
    model = Clip
    paginate_by = 20

    def get_queryset(self):
        # The code stays: each row's poster is addressed by it.
        return super().get_queryset().defer("raw_code")


class ClipDetailView(OwnedObjectsMixin, RenderPanelMixin, DetailView):
    model = Clip
    render_kind = Render.Kind.CLIP
