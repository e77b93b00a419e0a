"""Keep movie totals right when a clip changes underneath its scenes.

Clips know nothing about movies, and clips are changed and deleted from several places (the
API, the admin's forms and bulk delete, the shell), so the movies app listens instead. A
deleted clip leaves its scenes in place as "missing" (SET_NULL), counting 0 frames.
"""
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from clips.models import Clip
from movies.selectors import movies_using_clip
from movies.services import movies_recompute_totals


@receiver(pre_delete, sender=Clip)
def _lock_movies_of_deleted_clip(sender, instance, **kwargs):
    # Runs inside the deletion's transaction before Django nulls the scenes' clip: after
    # that, nothing says which movies used the clip. Locking them now also takes the locks
    # in the timeline services' order (movie, then scenes), so the two cannot deadlock.
    instance._movie_ids_to_refresh = list(
        movies_using_clip(instance.pk).select_for_update().values_list("pk", flat=True)
    )


@receiver(post_delete, sender=Clip)
def _refresh_movies_of_deleted_clip(sender, instance, **kwargs):
    movies_recompute_totals(movie_ids=instance._movie_ids_to_refresh)


@receiver(post_save, sender=Clip)
def _refresh_movies_of_changed_clip(sender, instance, created, raw, update_fields, **kwargs):
    if created or raw or (update_fields is not None and "duration_in_frames" not in update_fields):
        return
    movies_recompute_totals(movie_ids=movies_using_clip(instance.pk).values_list("pk", flat=True))
