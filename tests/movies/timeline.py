"""Reading a movie's timeline back from the database, for assertions."""
from movies.models import Scene


def timeline(movie):
    """[(clip_id, trim_start, trim_end, duration_override), ...] in position order, after
    checking the positions are exactly 0..n-1."""
    scenes = list(Scene.objects.filter(movie=movie).order_by("position"))
    assert [scene.position for scene in scenes] == list(range(len(scenes)))
    return [(s.clip_id, s.trim_start, s.trim_end, s.duration_override) for s in scenes]


def scene_ids(movie):
    return list(Scene.objects.filter(movie=movie).order_by("position").values_list("pk", flat=True))


def stored_total(movie):
    movie.refresh_from_db()
    return movie.total_duration_in_frames
