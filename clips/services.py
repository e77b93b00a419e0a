"""Writes to a user's clip library.

Movies that use a clip are kept right by movies.signals: a deleted clip leaves its scenes
as "missing" and their movies' totals drop; a clip whose duration changes updates them.
"""
from clips.models import Clip

CLIP_EDITABLE_FIELDS = frozenset({"name", "code", "raw_code", "duration_in_frames", "fps"})


def clip_create(*, owner, name, code, duration_in_frames, fps=30, raw_code="", source_generation=None):
    return Clip.objects.create(
        owner=owner,
        name=name,
        code=code,
        raw_code=raw_code,
        duration_in_frames=duration_in_frames,
        fps=fps,
        source_generation=source_generation,
    )


def clip_update(*, clip, **changes):
    if unknown := set(changes) - CLIP_EDITABLE_FIELDS:
        raise TypeError(f"clip_update() cannot change {sorted(unknown)}")
    for field, value in changes.items():
        setattr(clip, field, value)
    clip.save(update_fields=[*changes, "updated_at"])
    return clip


def clip_delete(*, clip):
    clip.delete()
