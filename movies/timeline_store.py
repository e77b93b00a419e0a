"""Reading and writing a locked movie's timeline: the storage under movies.services and
movies.history, which hold the rules.

Every caller runs inside a transaction that first locked the movie row with lock_movie()
(SELECT ... FOR UPDATE; SQLite's IMMEDIATE transactions serialise writers instead).
"""
from django.db.models import F
from django.utils import timezone
from rest_framework import status

from clips.models import Clip
from config.api.exceptions import ApplicationError, NotFoundError
from movies.models import Movie, Scene
from movies.selectors import timeline_scenes

# The total is stored in a 32-bit integer column.
TOTAL_FRAMES_MAX = 2**31 - 1
# What a revision remembers of each scene; enough to put the timeline back exactly.
SCENE_STATE_FIELDS = ("duration_override", "trim_start", "trim_end")


class MovieChangedError(ApplicationError):
    """An edit based on an older version of the movie than the stored one."""

    status_code = status.HTTP_412_PRECONDITION_FAILED

    def __init__(self, movie, expected_version):
        super().__init__(
            "movie_changed",
            f"This movie was changed elsewhere since you loaded it (your version {expected_version}, "
            f"now {movie.version}). Reload it and make your edit again.",
            extra={"version": movie.version},
        )
        self.movie_id = movie.pk


def lock_movie(movie_id, expected_version=None):
    """The movie row, locked; refused if the caller's version (If-Match) is not the stored one."""
    try:
        movie = Movie.objects.select_for_update().get(pk=movie_id)
    except Movie.DoesNotExist:
        raise NotFoundError("This movie no longer exists.") from None
    if expected_version is not None and expected_version != movie.version:
        raise MovieChangedError(movie, expected_version)
    return movie


def timeline(movie):
    return list(timeline_scenes().filter(movie=movie))


def scenes_state(scenes):
    """The timeline as plain data: [{"id", "clip", "duration_override", "trim_start", "trim_end"}]."""
    return [
        {"id": scene.pk, "clip": scene.clip_id, **{name: getattr(scene, name) for name in SCENE_STATE_FIELDS}}
        for scene in scenes
    ]


def store_timeline(movie, scenes):
    store_order(scenes)
    store_total(movie, scenes)


def store_order(scenes):
    """Save `scenes` (stored or new, all of one locked movie) at positions 0..n-1 in list order.

    PostgreSQL checks the unique (movie, position) constraint row by row, so shifting in
    place (position + 1) collides with the neighbour midway. Scenes that move are parked
    above every position in use, then written at their final place; the rest stay put.
    New scenes may carry an id already (a restored one keeps the id it had).
    """
    stored = [scene for scene in scenes if not scene._state.adding]
    moving = [
        scene for index, scene in enumerate(scenes) if not scene._state.adding and scene.position != index
    ]
    if moving:
        parking = len(scenes) + max(scene.position for scene in stored) + 1
        Scene.objects.filter(pk__in=[scene.pk for scene in moving]).update(position=F("position") + parking)
    for index, scene in enumerate(scenes):
        scene.position = index
    Scene.objects.bulk_update(moving, ["position"])
    Scene.objects.bulk_create([scene for scene in scenes if scene._state.adding])


def store_total(movie, scenes):
    """Refresh the cached total and move the movie to its next version."""
    total = sum(scene.effective_duration for scene in scenes)
    if total > TOTAL_FRAMES_MAX:
        raise ApplicationError(
            "movie_too_long", "This edit would make the movie longer than Montage can store."
        )
    now = timezone.now()
    # The row is locked, so the version read under the lock is still the stored one.
    updated = Movie.objects.filter(pk=movie.pk, version=movie.version).update(
        total_duration_in_frames=total, version=movie.version + 1, updated_at=now
    )
    if updated != 1:
        raise RuntimeError(f"movie {movie.pk} changed under its row lock")
    movie.total_duration_in_frames, movie.version, movie.updated_at = total, movie.version + 1, now


def timeline_restore(movie, state):
    """Make the stored timeline exactly `state` (from scenes_state), keeping scene ids.

    A scene whose clip was deleted since comes back as missing, like any scene of a
    deleted clip.
    """
    current = {scene.pk: scene for scene in timeline(movie)}
    Scene.objects.filter(movie=movie).exclude(pk__in=[item["id"] for item in state]).delete()
    live_clips = {clip.pk: clip for clip in Clip.objects.filter(
        owner_id=movie.owner_id, pk__in=[item["clip"] for item in state if item["clip"]]
    ).defer("code", "raw_code")}
    scenes = []
    for item in state:
        scene = current.get(item["id"]) or Scene(pk=item["id"], movie=movie, position=0)
        scene.clip = live_clips.get(item["clip"])
        for field in SCENE_STATE_FIELDS:
            setattr(scene, field, item[field])
        scenes.append(scene)
    Scene.objects.bulk_update(
        [scene for scene in scenes if not scene._state.adding], ["clip", *SCENE_STATE_FIELDS]
    )
    store_timeline(movie, scenes)
    return scenes
