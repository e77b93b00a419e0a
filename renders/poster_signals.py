"""Posters asked for as soon as what they show is saved (renders/outputs/posters.py): a
clip's or generation's code, a movie's scenes and trims. Connected in RendersConfig.ready,
so the apps that own those models need not know about posters."""
from django.db.models.signals import post_delete, post_save

from clips.models import Clip
from generations.models import Generation
from movies.models import Movie, Scene
from renders.outputs.posters import poster_ensure, poster_spec


def _clip_saved(sender, instance, **kwargs):
    poster_ensure(poster_spec("clip", instance))


def _generation_saved(sender, instance, **kwargs):
    poster_ensure(poster_spec("generation", instance))


def _movie_changed(sender, instance, **kwargs):
    movie = instance if isinstance(instance, Movie) else Movie.objects.filter(pk=instance.movie_id).first()
    if movie is not None:
        poster_ensure(poster_spec("movie", movie))


def posters_follow_saves():
    post_save.connect(_clip_saved, sender=Clip, dispatch_uid="poster-clip")
    post_save.connect(_generation_saved, sender=Generation, dispatch_uid="poster-generation")
    post_save.connect(_movie_changed, sender=Movie, dispatch_uid="poster-movie")
    post_save.connect(_movie_changed, sender=Scene, dispatch_uid="poster-scene")
    post_delete.connect(_movie_changed, sender=Scene, dispatch_uid="poster-scene-delete")
