"""Writes to a user's clip library.

Movies that use a clip are kept right by movies.signals: a deleted clip leaves its scenes
as "missing" and their movies' totals drop; a clip whose duration changes updates them.
"""
from clips.code_validation import code_check, raw_code_check
from clips.models import Clip
from config.api.exceptions import ApplicationError

CLIP_EDITABLE_FIELDS = frozenset({"name", "code", "raw_code", "duration_in_frames", "fps", "poster_frame"})


def clip_create(
    *, owner, name, code, duration_in_frames, fps=30, raw_code="", source_generation=None, poster_frame=None
):
    code_check(code)
    raw_code_check(raw_code)
    _check_poster_frame(poster_frame, duration_in_frames)
    return Clip.objects.create(
        owner=owner,
        name=name,
        code=code,
        raw_code=raw_code,
        duration_in_frames=duration_in_frames,
        fps=fps,
        source_generation=source_generation,
        poster_frame=poster_frame,
    )


def clip_update(*, clip, **changes):
    if unknown := set(changes) - CLIP_EDITABLE_FIELDS:
        raise TypeError(f"clip_update() cannot change {sorted(unknown)}")
    if "code" in changes:
        code_check(changes["code"])
        # New code passed the check: whatever was wrong with the old code is gone.
        changes["code_problem"] = None
    if "raw_code" in changes:
        raw_code_check(changes["raw_code"])
    if changes.get("poster_frame") is not None:
        _check_poster_frame(changes["poster_frame"], changes.get("duration_in_frames", clip.duration_in_frames))
    for field, value in changes.items():
        setattr(clip, field, value)
    clip.save(update_fields=[*changes, "updated_at"])
    return clip


def clip_delete(*, clip):
    clip.delete()


def _check_poster_frame(frame, duration_in_frames):
    # A later, shorter length is not refused for it: the poster then shows the last frame.
    if frame is not None and not 0 <= frame < duration_in_frames:
        raise ApplicationError(
            "invalid_poster_frame", f"poster_frame must be between 0 and {duration_in_frames - 1} for this clip."
        )
