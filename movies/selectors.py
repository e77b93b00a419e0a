"""Reads of movies and their timelines, shaped so that a page of movies costs a fixed
number of queries however many scenes it holds."""
from django.db.models import Prefetch

from clips.models import Clip
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


def first_scene_codes_load(movies):
    """Fill in the deferred code of each movie's first clip (what its poster shows) with
    one query for the whole page."""
    firsts = [
        next((scene for scene in sorted(movie.scenes.all(), key=lambda s: s.position) if scene.clip_id), None)
        for movie in movies
    ]
    codes = dict(Clip.objects.filter(pk__in={s.clip_id for s in firsts if s}).values_list("pk", "code"))
    for scene in firsts:
        if scene is not None:
            scene.clip.code = codes.get(scene.clip_id, "")
    return movies
