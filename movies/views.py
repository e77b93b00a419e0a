"""Editors' movie pages: the list with New movie, the editor, rename, poster frame and delete.

The timeline's own edits are in movies.timeline_views; all writes go through
movies.services, like the API's.
"""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count
from django.shortcuts import redirect
from django.views.generic import DetailView, ListView
from django.views.generic.edit import FormView

from config.api.exceptions import ApplicationError
from config.pages import OwnedObjectsMixin, OwnedObjectPostView
from movies.editor import editor_context
from movies.forms import MovieForm, MoviePosterForm, MovieRenameForm
from movies.models import Movie
from movies.selectors import first_scene_codes_load, with_scenes
from movies.services import movie_create, movie_delete, movie_update
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
        context = super().get_context_data(form=MovieForm(initial={"fps": 30}), **kwargs)
        # Each row's poster is addressed by its first clip's code, which the timeline defers.
        first_scene_codes_load(context["object_list"])
        return context


class MovieCreateView(LoginRequiredMixin, FormView):
    form_class = MovieForm
    template_name = "movies/movie_form.html"

    def form_valid(self, form):
        movie = movie_create(owner=self.request.user, **form.cleaned_data)
        return redirect("movies:detail", movie.pk)


class MovieDetailView(OwnedObjectsMixin, RenderPanelMixin, DetailView):
    """The movie editor: the timeline (movies/_editor.html) beside the Render panel."""

    model = Movie
    render_kind = Render.Kind.MOVIE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(editor_context(self.object, self.request.user))
        context["rename_form"] = MovieRenameForm(instance=self.object)
        context["poster_form"] = MoviePosterForm(instance=self.object)
        return context


class MovieFieldView(OwnedObjectPostView):
    """A form of one of the movie's own fields (its name, its poster frame), saved through
    movie_update."""

    model = Movie
    form_class = None
    saved_message = ""

    def perform(self, movie):
        form = self.form_class(self.request.POST, instance=movie)
        if not form.is_valid():
            raise ApplicationError("validation_error", " ".join(e for errors in form.errors.values() for e in errors))
        movie_update(movie=movie, **form.cleaned_data)
        messages.success(self.request, self.saved_message)
        return redirect("movies:detail", movie.pk)


class MovieRenameView(MovieFieldView):
    form_class = MovieRenameForm
    saved_message = "Movie renamed."


class MoviePosterView(MovieFieldView):
    form_class = MoviePosterForm
    saved_message = "Poster frame saved: the new poster follows in a moment."


class MovieDeleteView(OwnedObjectPostView):
    model = Movie

    def perform(self, movie):
        movie_delete(movie=movie)
        messages.success(self.request, f"Movie “{movie.name}” deleted.")
        return redirect("movies:list")
