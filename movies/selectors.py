"""Reads of movies and their timelines, shaped so that a page of movies costs a fixed
number of queries however many scenes it holds."""
from django.db.models import Prefetch

from movies.models import Movie, Scene


def timeline_scenes():
    """Scenes in timeline order with the clip fields durations and names need.

    The clip's code is deferred: it can be tens of kilobytes per scene and nothing that
    edits or lists a timeline reads it.
    """
    return Scene.objects.select_related("clip").defer("clip__code", "clip__raw_code").order_by("position")


def with_scenes(movies):
    return movies.prefetch_related(Prefetch("scenes", queryset=timeline_scenes()))


def movie_with_scenes(movie_id):
    return with_scenes(Movie.objects.all()).get(pk=movie_id)


def movies_using_clip(clip_id):
    scenes = Scene.objects.filter(clip_id=clip_id)
    return Movie.objects.filter(pk__in=scenes.values("movie_id")).order_by("pk")
