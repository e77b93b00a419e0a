"""Undo and redo on the server: a movie's revisions (see MovieRevision).

Living in the database, the history survives reloads and is shared by every tab and
device; each step also moves the movie to a new version, so a tab that still shows the
state before an undo gets a 412 for its next edit instead of overwriting it.
"""
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction

from config.api.exceptions import ConflictError
from movies.models import Movie, MovieRevision, Scene
from movies.timeline_store import lock_movie, scenes_state, store_timeline, timeline, timeline_restore

# Undo reaches at least this many edits back (the editor this replaces kept 50).
HISTORY_KEPT = 100


@dataclass
class TimelineEdit:
    movie: Movie
    scenes: list[Scene]


@contextmanager
def timeline_edit(movie_id, operation, *, actor=None, expected_version=None):
    """One recorded timeline change: lock the movie, check its version, let the caller
    change `edit.scenes` (the list, in timeline order), then store the timeline and
    record the revision, all in one transaction."""
    with transaction.atomic():
        movie = lock_movie(movie_id, expected_version)
        edit = TimelineEdit(movie=movie, scenes=timeline(movie))
        before = scenes_state(edit.scenes)
        yield edit
        store_timeline(movie, edit.scenes)
        after = scenes_state(timeline(movie))
        if after != before:
            _revision_record(movie, operation, actor, before, after)


def movie_undo(*, movie, expected_version=None):
    """Put the timeline back as it was before the newest edit not yet undone."""
    return _travel(movie.pk, expected_version, undo=True)


def movie_redo(*, movie, expected_version=None):
    """Apply again the oldest undone edit (only possible until a new edit is made)."""
    return _travel(movie.pk, expected_version, undo=False)


def movie_history(movie):
    """The kept revisions, newest first."""
    return MovieRevision.objects.filter(movie=movie).select_related("author").order_by("-id")


def history_steps(movie):
    """(undo steps available, redo steps available)."""
    revisions = MovieRevision.objects.filter(movie=movie)
    return revisions.filter(undone=False).count(), revisions.filter(undone=True).count()


def _travel(movie_id, expected_version, *, undo):
    with transaction.atomic():
        movie = lock_movie(movie_id, expected_version)
        candidates = MovieRevision.objects.filter(movie=movie, undone=not undo)
        revision = candidates.order_by("-id" if undo else "id").first()
        if revision is None:
            word = "undo" if undo else "redo"
            raise ConflictError(f"nothing_to_{word}", f"There is no edit to {word} on this movie.")
        timeline_restore(movie, revision.scenes_before if undo else revision.scenes_after)
        # The movie row is locked, so nobody else moves this revision meanwhile.
        MovieRevision.objects.filter(pk=revision.pk, undone=not undo).update(undone=undo)
    return movie


def _revision_record(movie, operation, actor, before, after):
    MovieRevision.objects.filter(movie=movie, undone=True).delete()
    MovieRevision.objects.create(
        movie=movie,
        author=actor if actor is not None and actor.is_authenticated else None,
        operation=operation,
        scenes_before=before,
        scenes_after=after,
    )
    oldest_kept = list(
        MovieRevision.objects.filter(movie=movie).order_by("-id").values_list("pk", flat=True)[
            HISTORY_KEPT - 1 : HISTORY_KEPT
        ]
    )
    if oldest_kept:
        MovieRevision.objects.filter(movie=movie, pk__lt=oldest_kept[0]).delete()
