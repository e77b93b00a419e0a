"""What the movie editor's timeline fragment (movies/_editor.html) shows: the scenes with
their place on the timeline, the version the page's edits are based on, undo/redo
availability and the clips the picker offers."""
from clips.models import Clip
from movies.history import history_steps
from movies.if_match import movie_etag
from movies.selectors import timeline_scenes

PICKER_CLIPS = 60


def editor_context(movie, user):
    scenes = list(timeline_scenes().filter(movie=movie))
    start = 0
    for scene in scenes:
        scene.timeline_start = start
        start += scene.effective_duration
    undo_steps, redo_steps = history_steps(movie)
    return {
        "movie": movie,
        "scenes": scenes,
        # Summed here rather than read from the cached total, so the page always agrees
        # with the rows it shows.
        "total_frames": start,
        "etag": movie_etag(movie.version),
        "undo_steps": undo_steps,
        "redo_steps": redo_steps,
        # The code stays: each clip's poster is addressed by it.
        "picker_clips": Clip.objects.filter(owner=user).defer("raw_code")[:PICKER_CLIPS],
    }
