from django.db.models import Count
from django.views.generic import DetailView, ListView

from config.pages import OwnedObjectsMixin
from movies.models import Movie
from movies.selectors import first_scene_codes_load, timeline_scenes, with_scenes
from renders.models import Render
from renders.panel import RenderPanelMixin


class MovieListView(OwnedObjectsMixin, ListView):
    model = Movie
    paginate_by = 20

    def get_queryset(self):
        # Meta.ordering does not apply to an aggregated query: order explicitly.
        movies = super().get_queryset().annotate(scene_count=Count("scenes")).order_by("-created_at", "-id")
        return with_scenes(movies)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Each row's poster is addressed by its first clip's code, which the timeline defers.
        first_scene_codes_load(context["object_list"])
        return context


class MovieDetailView(OwnedObjectsMixin, RenderPanelMixin, DetailView):
    model = Movie
    render_kind = Render.Kind.MOVIE

    def get_context_data(self, **kwargs):
        scenes = list(timeline_scenes().filter(movie=self.object))
        # Summed here rather than read from the cached total, so the page always agrees
        # with the rows it shows.
        total_frames = sum(scene.effective_duration for scene in scenes)
        # Where each scene starts on the movie's timeline, for the preview's playhead.
        start = 0
        for scene in scenes:
            scene.timeline_start, start = start, start + scene.effective_duration
        return super().get_context_data(scenes=scenes, total_frames=total_frames, **kwargs)
