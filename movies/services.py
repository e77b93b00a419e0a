"""Timeline editing: the product rules for a movie's scenes (see product-rules.md).

Every operation runs in one transaction that first locks the movie row (SELECT ... FOR
UPDATE; SQLite's IMMEDIATE transactions serialise writers instead), re-reads the scenes
under that lock, applies its rule, stores positions 0..n-1, refreshes the cached total and
moves the movie to its next version. Concurrent edits of one movie therefore run one after
another and never interleave. Timeline edits are recorded as revisions (movies.history),
and each accepts `expected_version` (the If-Match of the API and the pages): an edit based
on an older version is refused with 412 movie_changed.
"""
from django.db import transaction

from config.api.exceptions import ApplicationError, ConflictError, NotFoundError
from movies.history import timeline_edit
from movies.models import Movie, MovieRevision, Scene
from movies.timeline_store import lock_movie, store_total, timeline

MOVIE_EDITABLE_FIELDS = frozenset({"name", "fps", "poster_frame"})
SCENE_EDITABLE_FIELDS = frozenset({"trim_start", "trim_end", "duration_override"})
Operation = MovieRevision.Operation


def movie_create(*, owner, name, fps=30, poster_frame=None):
    if poster_frame is not None:
        _check_poster_frame(poster_frame, 0)
    return Movie.objects.create(owner=owner, name=name, fps=fps)


def movie_fps_is_locked(movie):
    """A movie's fps is fixed once it has scenes: their duration overrides and trims are
    counted in the movie's frames, so changing it would silently change their length."""
    return movie.scenes.exists()


def movie_update(*, movie, expected_version=None, **changes):
    """Change a movie's name, fps or poster frame (not an undoable timeline edit)."""
    if unknown := set(changes) - MOVIE_EDITABLE_FIELDS:
        raise TypeError(f"movie_update() cannot change {sorted(unknown)}")
    with transaction.atomic():
        movie = lock_movie(movie.pk, expected_version)
        if changes.get("fps", movie.fps) != movie.fps and movie_fps_is_locked(movie):
            raise ConflictError(
                "movie_fps_locked",
                "A movie's fps can only change while it has no scenes. "
                "Remove its scenes first or create a new movie at the new fps.",
            )
        scenes = timeline(movie)
        if (frame := changes.get("poster_frame")) is not None:
            _check_poster_frame(frame, sum(scene.effective_duration for scene in scenes))
        for field, value in changes.items():
            setattr(movie, field, value)
        movie.save(update_fields=[*changes])
        store_total(movie, scenes)
    return movie


def movie_delete(*, movie, expected_version=None):
    with transaction.atomic():
        lock_movie(movie.pk, expected_version).delete()


def fps_normalised_duration(clip, movie_fps):
    """The clip's length in movie frames when the frame rates differ, else None.

    "round" is JavaScript's Math.round (half up), as in the system Montage replaces, not
    Python's round() (half to even): 15 frames at 30 fps in a 25 fps movie are 12.5 -> 13
    frames, where round() says 12. Integer arithmetic keeps it exact; no clip shrinks to
    nothing.
    """
    if clip.fps == movie_fps:
        return None
    return max(1, (2 * clip.duration_in_frames * movie_fps + clip.fps) // (2 * clip.fps))


def insert_index(scene_count, after_index=None, before_index=None):
    """Where a new scene goes: last by default, else after/before an index, clamped."""
    if after_index is not None and before_index is not None:
        raise ApplicationError("invalid_position", "Give after_index or before_index, not both.")
    if after_index is not None:
        wanted = after_index + 1
    elif before_index is not None:
        wanted = before_index
    else:
        wanted = scene_count
    return max(0, min(wanted, scene_count))


def movie_insert_scene(
    *, movie, clip, after_index=None, before_index=None, actor=None, expected_version=None
):
    with _edit(movie.pk, Operation.INSERT, actor, expected_version) as edit:
        if clip.owner_id != edit.movie.owner_id:
            raise ApplicationError("clip_not_found", f"You have no clip with id {clip.pk}.")
        index = insert_index(len(edit.scenes), after_index, before_index)
        normalised = fps_normalised_duration(clip, edit.movie.fps)
        edit.scenes.insert(index, Scene(movie=edit.movie, clip=clip, duration_override=normalised))
    return edit.movie


def scene_update(*, scene, actor=None, expected_version=None, **changes):
    """Change trim_start, trim_end and/or duration_override; omitted fields stay."""
    if unknown := set(changes) - SCENE_EDITABLE_FIELDS:
        raise TypeError(f"scene_update() cannot change {sorted(unknown)}")
    with _edit(scene.movie_id, Operation.UPDATE, actor, expected_version) as edit:
        scene = _current(edit, scene)
        _require_clip(scene)
        for field, value in changes.items():
            setattr(scene, field, value)
        _check_trims(scene)
        scene.save(update_fields=list(changes))
    return edit.movie


def scene_split(*, scene, frame, actor=None, expected_version=None):
    """Cut a scene at `frame` into two scenes on the same clip, the second right after."""
    with _edit(scene.movie_id, Operation.SPLIT, actor, expected_version) as edit:
        scene = _current(edit, scene)
        _require_clip(scene)
        base, visible_end = scene.base_duration, scene.base_duration - scene.trim_end
        if not scene.trim_start < frame < visible_end:
            raise ApplicationError(
                "split_out_of_range",
                f"Split frame must lie strictly between {scene.trim_start} and {visible_end} "
                f"(the scene's visible frames); got {frame}.",
            )
        second = Scene(
            movie=edit.movie,
            clip=scene.clip,
            duration_override=scene.duration_override,
            trim_start=frame,
            trim_end=scene.trim_end,
        )
        scene.trim_end = base - frame
        scene.save(update_fields=["trim_end"])
        edit.scenes.insert(edit.scenes.index(scene) + 1, second)
    return edit.movie


def scenes_reorder(*, movie, scene_ids, actor=None, expected_version=None):
    """Put the scenes in the order of `scene_ids`, which must name each scene exactly once."""
    with _edit(movie.pk, Operation.REORDER, actor, expected_version) as edit:
        scenes = {scene.pk: scene for scene in edit.scenes}
        if len(scene_ids) != len(scenes) or set(scene_ids) != set(scenes):
            missing = sorted(set(scenes) - set(scene_ids))
            unknown = sorted(set(scene_ids) - set(scenes))
            raise ApplicationError(
                "invalid_reorder",
                f"scene_ids must list each of the movie's {len(scenes)} scenes exactly once "
                f"(missing: {missing}, not in this movie: {unknown}, {len(scene_ids)} ids given).",
            )
        edit.scenes[:] = [scenes[scene_id] for scene_id in scene_ids]
    return edit.movie


def scene_remove(*, scene, actor=None, expected_version=None):
    with _edit(scene.movie_id, Operation.REMOVE, actor, expected_version) as edit:
        scene = _current(edit, scene)
        edit.scenes.remove(scene)
        scene.delete()
    return edit.movie


def movies_recompute_totals(*, movie_ids):
    """Refresh cached totals after a clip changed or vanished under these movies' scenes."""
    with transaction.atomic():
        for movie in Movie.objects.select_for_update().filter(pk__in=list(movie_ids)).order_by("pk"):
            store_total(movie, timeline(movie))


def _edit(movie_id, operation, actor, expected_version):
    return timeline_edit(movie_id, operation, actor=actor, expected_version=expected_version)


def _current(edit, scene):
    """The scene as re-read under the movie's lock: what the caller loaded before may have
    been changed or removed by a concurrent edit."""
    current = next((candidate for candidate in edit.scenes if candidate.pk == scene.pk), None)
    if current is None:
        raise NotFoundError("This scene no longer exists; reload the movie.")
    return current


def _require_clip(scene):
    if scene.is_missing:
        raise ConflictError(
            "clip_missing", "This scene's clip was deleted, so it cannot be edited. Remove the scene instead."
        )


def _check_poster_frame(frame, total):
    # A later, shorter timeline is not refused for it: the poster then shows the last frame.
    if not 0 <= frame < total:
        detail = f"between 0 and {total - 1}" if total else "unset while the movie has no frames"
        raise ApplicationError("invalid_poster_frame", f"poster_frame must be {detail}.")


def _check_trims(scene):
    if scene.trim_start < 0 or scene.trim_end < 0:
        raise ApplicationError("invalid_trim", "Trims cannot be negative.")
    if scene.duration_override is not None and scene.duration_override < 1:
        raise ApplicationError("invalid_duration_override", "A duration override must be at least 1 frame.")
    base = scene.base_duration
    if scene.trim_start + scene.trim_end >= base:
        raise ApplicationError(
            "invalid_trim",
            f"trim_start + trim_end must leave at least 1 frame of this {base}-frame scene "
            f"(got {scene.trim_start} + {scene.trim_end}).",
        )
