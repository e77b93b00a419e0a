"""Posters and filmstrips: small stills (outputs/stills.py) of what a clip, generation,
movie or render shows, made in the background and found again by their content.

A poster's address is the hash of the code, frame and size it shows, so a changed code,
scene list or trim simply names another still: the old poster is never shown for the new
content, and the new one is asked for as soon as the change is saved
(posters_follow_saves, below) or, at the latest, when a page or the API first looks for
it. Until it is stored, its URL is null and pages show a placeholder.
"""
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from celery import current_app
from clips.models import Clip
from farm.backends import stills
from farm.backends.stills import StillSpec
from generations.models import Generation
from movies.models import Movie, Scene
from renders.models import Render
from renders.outputs.stills import still_render_now

POSTER_LONG_SIDE = 320
POSTER_FORMAT = "jpeg"
# A stored still stays stored: remembering that saves a bucket HEAD per row of a list.
STORED_MEMO_SECONDS = 24 * 3600
QUEUED_MEMO_SECONDS = 300


def poster_size(width, height):
    scale = POSTER_LONG_SIDE / max(width, height)
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def _code_still(kind, code, duration_in_frames, fps, frame, size=(16, 9)):
    width, height = poster_size(*size)
    return StillSpec(
        kind=kind,
        composition_id="DynamicCode",
        input_props={"code": code, "durationInFrames": duration_in_frames, "fps": fps, "width": width, "height": height},
        width=width,
        height=height,
        fps=fps,
        duration_in_frames=duration_in_frames,
        frame=min(max(frame, 0), duration_in_frames - 1),
        image_format=POSTER_FORMAT,
    )


def poster_spec(kind, target):
    """The poster of a clip (its poster_frame, else its middle frame), a generation (its
    middle frame) or a movie (its poster_frame, else the middle of its first scene, as
    trimmed); None when there is nothing to show."""
    if kind == "clip":
        frame = target.duration_in_frames // 2 if target.poster_frame is None else target.poster_frame
        return _code_still("clip", target.code, target.duration_in_frames, target.fps, frame)
    if kind == "generation":
        if not target.is_ready:
            return None
        duration = target.duration_in_frames
        return _code_still("generation", target.code, duration, target.fps, duration // 2, target.dimensions)
    scenes = filmstrip_scenes(target)
    if not scenes:
        return None
    scene, offset = _scene_at(scenes, target.poster_frame)
    return _code_still("movie", scene.clip.code, scene.base_duration, target.fps, scene.trim_start + offset)


def _scene_at(scenes, frame):
    """The scene showing the movie's `frame` and the frame's offset into it; None: the
    middle of the first scene. A frame past the end is the last one."""
    if frame is None:
        return scenes[0], scenes[0].effective_duration // 2
    for scene in scenes:
        if frame < scene.effective_duration:
            return scene, frame
        frame -= scene.effective_duration
    return scenes[-1], scenes[-1].effective_duration - 1


def filmstrip_scenes(movie):
    """The scenes with a clip, in order; uses scenes prefetched with their clips if any."""
    scenes = getattr(movie, "_prefetched_objects_cache", {}).get("scenes")
    if scenes is None:
        scenes = movie.scenes.select_related("clip")
    return sorted((scene for scene in scenes if scene.clip_id), key=lambda scene: scene.position)


def filmstrip_specs(movie):
    """One still per scene, at its trimmed start: [(scene, spec)]."""
    return [
        (scene, _code_still("movie", scene.clip.code, scene.base_duration, movie.fps, scene.trim_start))
        for scene in filmstrip_scenes(movie)
    ]


def render_poster_spec(render):
    """The middle frame of what a render renders, from its own snapshot."""
    width, height = poster_size(render.width, render.height)
    return StillSpec(
        kind=render.kind,
        composition_id=render.composition_id,
        input_props={**render.input_props, "width": width, "height": height},
        width=width,
        height=height,
        fps=render.fps,
        duration_in_frames=render.duration_in_frames,
        frame=render.duration_in_frames // 2,
        image_format=POSTER_FORMAT,
    )


def target_poster_url(kind, target):
    """The poster URL of a clip, generation, movie or render; None while it is being made."""
    return render_poster_url(target) if kind == "render" else poster_url(poster_spec(kind, target))


def poster_url(spec):
    """The still's URL when it is stored; else None, and it is asked for in the background."""
    if spec is None:
        return None
    url = _stored_url(spec.key)
    if url is None:
        _queue_once(spec.key, "renders.tasks.render_still", spec.as_dict())
    return url


def render_poster_url(render):
    """A render's poster, found by the key stored with it: a list leaves the snapshot (tens
    of kilobytes) in the database. Only a render without a key yet reads its snapshot, once."""
    if not render.poster_key:
        return poster_url(render_poster_key_update(render))
    url = _stored_url(render.poster_key)
    if url is None:
        # The worker reads the snapshot and renders the poster (render_poster_make).
        _queue_once(render.poster_key, "renders.tasks.render_poster", render.pk)
    return url


def render_poster_key_update(render):
    """The render's poster as its snapshot now names it (a deploy of new compositions names
    another still); the stored key follows, unless someone changed it meanwhile."""
    spec = render_poster_spec(render)
    if spec.key != render.poster_key:
        Render.objects.filter(pk=render.pk, poster_key=render.poster_key).update(poster_key=spec.key)
        render.poster_key = spec.key
    return spec


def render_poster_make(render_id):
    """The `render_poster` task: make a render's poster here (a worker), waiting for it."""
    render = Render.objects.filter(pk=render_id).first()
    if render is not None:
        still_render_now(render_poster_key_update(render))


def poster_ensure(spec):
    """Queue the still's render (once for a while), after the current transaction."""
    if spec is not None:
        _queue_once(spec.key, "renders.tasks.render_still", spec.as_dict())


def _stored_url(key):
    memo = f"still-stored:{key}:{POSTER_FORMAT}"
    if not cache.get(memo):
        if not stills.still_stored(key, POSTER_FORMAT):
            return None
        cache.set(memo, True, timeout=STORED_MEMO_SECONDS)
    url, _ = stills.still_location(key, POSTER_FORMAT)
    return url or reverse("still-file", args=[key, POSTER_FORMAT])


def _queue_once(key, task_name, argument):
    if cache.add(f"poster-queued:{key}", 1, timeout=QUEUED_MEMO_SECONDS):
        task = current_app.signature(task_name, args=(argument,))
        transaction.on_commit(task.delay)


# Connected in RendersConfig.ready, so the apps that own these models need not know about
# posters.
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
