import functools
import threading

import pytest
from django.db import connection, connections

from movies.services import movie_insert_scene
from tests.concurrency import run_at_once
from tests.factories import ClipFactory, MovieFactory
from tests.movies.timeline import stored_total, timeline

WRITERS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_scene_inserts_into_one_movie_all_land():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL (set DATABASE_URL)")
    movie = MovieFactory()
    clips = [ClipFactory(owner=movie.owner, duration_in_frames=10 + n) for n in range(WRITERS)]
    start = threading.Barrier(WRITERS)
    errors = []

    def insert(n):
        try:
            start.wait()
            # Half append, half go first: every insert at the front shifts all positions.
            where = {"before_index": 0} if n % 2 else {}
            movie_insert_scene(movie=movie, clip=clips[n], **where)
        except Exception as exc:  # noqa: BLE001 - reported below with the thread's number
            errors.append((n, exc))
        finally:
            connections.close_all()

    run_at_once(*[functools.partial(insert, n) for n in range(WRITERS)])

    assert errors == []
    scenes = timeline(movie)  # also checks positions are exactly 0..19
    assert sorted(clip_id for clip_id, *_ in scenes) == sorted(clip.pk for clip in clips)
    assert stored_total(movie) == sum(clip.duration_in_frames for clip in clips)
