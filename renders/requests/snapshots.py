"""What a render will draw, frozen at request time and checked against the limits.

A snapshot is the composition id, its input props and the output geometry. It is taken
when the request is accepted, so editing or deleting a clip afterwards cannot change (or
break) a render that is already queued.
"""
from clips.code_validation import CodeRejected, code_check, code_problem
from config.api.exceptions import ApplicationError
from farm.backends.base import Snapshot
from renders.limits import limits_for

DEFAULT_SIZE = (1920, 1080)


def snapshot_for_clip(clip, size=None):
    return _single_code_snapshot("clip", clip.code, clip.duration_in_frames, clip.fps, size or DEFAULT_SIZE)


def snapshot_for_generation(generation, size=None):
    if not generation.is_ready:
        raise ApplicationError(
            "generation_not_ready", "Only a generation that finished successfully with code can be rendered."
        )
    return _single_code_snapshot(
        "generation", generation.code, generation.duration_in_frames, generation.fps, size or generation.dimensions
    )


def movie_scenes_drawn(movie):
    """The scenes a render of `movie` draws, in order. Scenes whose clip is gone are
    dropped, as the editor shows them as missing."""
    return [scene for scene in movie.scenes.select_related("clip").order_by("position") if scene.clip_id]


def snapshot_for_movie(movie, size=None, *, scenes=None):
    """`scenes`: movie_scenes_drawn(movie), when the caller needs the same rows too."""
    limits = limits_for("movie")
    scenes = movie_scenes_drawn(movie) if scenes is None else scenes
    if not scenes:
        raise ApplicationError("no_valid_scenes", "Movie has no valid scenes")
    if len(scenes) > limits.max_scenes:
        raise ApplicationError(
            "too_many_scenes", f"Movie has too many scenes. Maximum is {limits.max_scenes} scenes."
        )
    for number, scene in enumerate(scenes, start=1):
        _check_scene_code(number, scene.clip.code, scene.clip.name)
    total_frames = sum(scene.effective_duration for scene in scenes)
    _check_duration("movie", total_frames, movie.fps)
    width, height = _check_size("movie", size or DEFAULT_SIZE)
    scene_props = [
        {
            "code": scene.clip.code,
            # Length on the movie's timeline (fps-normalised by duration_override) before trims.
            "durationInFrames": scene.base_duration,
            "fps": scene.clip.fps,
            "trimStart": scene.trim_start,
            "trimEnd": scene.trim_end,
        }
        for scene in scenes
    ]
    return Snapshot(
        composition_id="MovieComposition",
        input_props={"scenes": scene_props, "fps": movie.fps, "width": width, "height": height},
        width=width,
        height=height,
        fps=movie.fps,
        duration_in_frames=total_frames,
    )


def snapshot_for(kind, target, size=None):
    return _BUILDERS[kind](target, size)


def snapshot_of_render(render):
    """The snapshot a render froze when it was requested (what it draws, whatever happened
    to its clip or movie since)."""
    return Snapshot(
        composition_id=render.composition_id,
        input_props=render.input_props,
        width=render.width,
        height=render.height,
        fps=render.fps,
        duration_in_frames=render.duration_in_frames,
    )


def snapshot_recheck(render):
    """Re-apply today's limits and code check to an existing snapshot (a retry must pass
    them again)."""
    if render.kind == "movie":
        for number, scene in enumerate(render.input_props.get("scenes", []), start=1):
            _check_scene_code(number, scene.get("code", ""))
    else:
        code_check(render.input_props.get("code", ""))
    _check_duration(render.kind, render.duration_in_frames, render.fps)
    _check_size(render.kind, (render.width, render.height))
    if render.kind == "movie":
        max_scenes = limits_for("movie").max_scenes
        if len(render.input_props.get("scenes", [])) > max_scenes:
            raise ApplicationError("too_many_scenes", f"Movie has too many scenes. Maximum is {max_scenes} scenes.")


def _single_code_snapshot(kind, code, duration_in_frames, fps, size):
    if not code.strip():
        raise ApplicationError("empty_code", f"This {kind} has no code to render.")
    # Refused before any quota charge, with the code the save would have been refused with.
    code_check(code)
    _check_duration(kind, duration_in_frames, fps)
    width, height = _check_size(kind, size)
    return Snapshot(
        composition_id="DynamicCode",
        input_props={
            "code": code,
            "durationInFrames": duration_in_frames,
            "fps": fps,
            "width": width,
            "height": height,
        },
        width=width,
        height=height,
        fps=fps,
        duration_in_frames=duration_in_frames,
    )


def _check_scene_code(number, code, clip_name=None):
    if problem := code_problem(code):
        named = f' (clip "{clip_name}")' if clip_name else ""
        raise CodeRejected(problem, field=f"scene {number}{named}")


def _check_duration(kind, frames, fps):
    max_seconds = limits_for(kind).max_seconds
    if frames > max_seconds * fps:
        if kind == "movie":
            raise ApplicationError("movie_too_long", f"Movie too long. Maximum duration is {max_seconds} seconds.")
        raise ApplicationError("clip_too_long", f"Clip too long. Maximum duration is {max_seconds} seconds.")


def _check_size(kind, size):
    width, height = size
    limits = limits_for(kind)
    if width <= 0 or height <= 0 or width % 2 or height % 2:
        raise ApplicationError(
            "invalid_resolution", "Width and height must be positive even numbers (H.264 needs even sizes)."
        )
    if max(width, height) > limits.max_long_side or min(width, height) > limits.max_short_side:
        raise ApplicationError(
            "resolution_too_large",
            f"Resolution too large. Maximum is {limits.max_long_side}x{limits.max_short_side} "
            f"(or {limits.max_short_side}x{limits.max_long_side} in portrait).",
        )
    return width, height


_BUILDERS = {"clip": snapshot_for_clip, "movie": snapshot_for_movie, "generation": snapshot_for_generation}
