"""The timeline rules of product-rules.md, one table per rule, through movies.services."""
import pytest

from config.api.exceptions import ApplicationError
from movies.models import Scene
from movies.services import (
    movie_insert_scene,
    movie_update,
    scene_remove,
    scene_split,
    scene_update,
    scenes_reorder,
)
from tests.factories import ClipFactory, MovieFactory, movie_with_clips
from tests.movies.timeline import scene_ids, stored_total, timeline

pytestmark = pytest.mark.django_db


def clip_order(movie):
    return [clip_id for clip_id, *_ in timeline(movie)]


def scene_at(movie, position):
    return Scene.objects.get(movie=movie, position=position)


def raises_code(code):
    return pytest.raises(ApplicationError, check=lambda exc: exc.code == code)


@pytest.mark.parametrize(
    ("existing", "where", "expected_position"),
    [
        (3, {}, 3),
        (3, {"after_index": 0}, 1),
        (3, {"after_index": 2}, 3),
        (3, {"after_index": 99}, 3),
        (3, {"after_index": -1}, 0),
        (3, {"after_index": -7}, 0),
        (3, {"before_index": 0}, 0),
        (3, {"before_index": 2}, 2),
        (3, {"before_index": 3}, 3),
        (3, {"before_index": 99}, 3),
        (3, {"before_index": -2}, 0),
        (0, {}, 0),
        (0, {"after_index": 5}, 0),
        (0, {"before_index": 5}, 0),
    ],
)
def test_insert_appends_by_default_and_clamps_the_position(existing, where, expected_position):
    movie = movie_with_clips(*[30] * existing)
    before = clip_order(movie)
    clip = ClipFactory(owner=movie.owner, duration_in_frames=45)

    movie = movie_insert_scene(movie=movie, clip=clip, **where)

    assert clip_order(movie) == before[:expected_position] + [clip.pk] + before[expected_position:]
    assert stored_total(movie) == 30 * existing + 45


def test_insert_rejects_after_and_before_together():
    movie = movie_with_clips(30)
    with raises_code("invalid_position"):
        movie_insert_scene(movie=movie, clip=ClipFactory(owner=movie.owner), after_index=0, before_index=0)
    assert len(timeline(movie)) == 1


def test_insert_rejects_another_users_clip():
    movie = MovieFactory()
    with raises_code("clip_not_found"):
        movie_insert_scene(movie=movie, clip=ClipFactory())
    assert timeline(movie) == []


@pytest.mark.parametrize(
    ("clip_frames", "clip_fps", "movie_fps", "expected_override"),
    [
        (90, 30, 30, None),  # same rate: the clip's own duration counts
        (90, 60, 30, 45),
        (100, 24, 30, 125),
        (45, 60, 25, 19),  # 18.75
        (15, 30, 25, 13),  # 12.5: half rounds up like Math.round (Python's round gives 12)
        (5, 2, 1, 3),  # 2.5: up to 3 (round gives 2)
        (7, 2, 1, 4),  # 3.5
        (1, 120, 24, 1),  # 0.2 would be nothing: a scene keeps at least one frame
    ],
)
def test_insert_normalises_a_clip_at_another_fps(clip_frames, clip_fps, movie_fps, expected_override):
    movie = MovieFactory(fps=movie_fps)
    clip = ClipFactory(owner=movie.owner, duration_in_frames=clip_frames, fps=clip_fps)

    movie_insert_scene(movie=movie, clip=clip)

    assert timeline(movie) == [(clip.pk, 0, 0, expected_override)]
    assert stored_total(movie) == (expected_override or clip_frames)


@pytest.mark.parametrize(
    ("changes", "expected_effective"),
    [
        ({"trim_start": 10}, 80),
        ({"trim_start": 10, "trim_end": 20}, 60),
        ({"trim_start": 0, "trim_end": 89}, 1),
        ({"trim_start": 89}, 1),
        ({"duration_override": 30, "trim_start": 10, "trim_end": 19}, 1),
        ({"duration_override": 120}, 120),
        ({"duration_override": None}, 90),
        ({}, 90),
    ],
)
def test_trim_within_the_scene(changes, expected_effective):
    movie = movie_with_clips(90, 30)

    scene_update(scene=scene_at(movie, 0), **changes)

    assert scene_at(movie, 0).effective_duration == expected_effective
    assert stored_total(movie) == expected_effective + 30


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"trim_start": 45, "trim_end": 45}, "invalid_trim"),  # leaves 0 frames
        ({"trim_start": 90}, "invalid_trim"),
        ({"trim_end": 91}, "invalid_trim"),
        ({"trim_start": -1}, "invalid_trim"),
        ({"trim_end": -5}, "invalid_trim"),
        ({"duration_override": 30, "trim_start": 30}, "invalid_trim"),
        ({"duration_override": 0}, "invalid_duration_override"),
    ],
)
def test_trim_that_leaves_no_frame_is_rejected(changes, code):
    movie = movie_with_clips(90, 30)

    with raises_code(code):
        scene_update(scene=scene_at(movie, 0), **changes)

    assert timeline(movie)[0][1:] == (0, 0, None)
    assert stored_total(movie) == 120


def test_split_makes_two_scenes_that_add_up_to_the_original():
    movie = movie_with_clips(90, 30)
    first = scene_at(movie, 0)
    scene_update(scene=first, trim_start=10, trim_end=20)
    after = scene_at(movie, 1).clip_id

    scene_split(scene=first, frame=40)

    assert timeline(movie) == [
        (first.clip_id, 10, 50, None),  # keeps trim_start, trim_end = base - frame
        (first.clip_id, 40, 20, None),  # trim_start = frame, keeps trim_end
        (after, 0, 0, None),
    ]
    assert stored_total(movie) == 60 + 30


def test_split_keeps_the_duration_override_on_both_halves():
    movie = MovieFactory(fps=30)
    clip = ClipFactory(owner=movie.owner, duration_in_frames=120, fps=60)
    movie_insert_scene(movie=movie, clip=clip)

    scene_split(scene=scene_at(movie, 0), frame=20)

    assert timeline(movie) == [(clip.pk, 0, 40, 60), (clip.pk, 20, 0, 60)]
    assert stored_total(movie) == 60


@pytest.mark.parametrize("frame", [10, 70, 0, 90, -3, 500])
def test_split_at_or_outside_the_visible_edges_is_rejected(frame):
    movie = movie_with_clips(90)
    scene_update(scene=scene_at(movie, 0), trim_start=10, trim_end=20)

    with raises_code("split_out_of_range"):
        scene_split(scene=scene_at(movie, 0), frame=frame)

    assert timeline(movie) == [(scene_at(movie, 0).clip_id, 10, 20, None)]


@pytest.mark.parametrize("frame", [11, 69])
def test_split_just_inside_the_edges_is_accepted(frame):
    movie = movie_with_clips(90)
    scene_update(scene=scene_at(movie, 0), trim_start=10, trim_end=20)

    scene_split(scene=scene_at(movie, 0), frame=frame)

    halves = [scene.effective_duration for scene in Scene.objects.filter(movie=movie)]
    assert halves == [frame - 10, 70 - frame]


def test_reorder_applies_a_permutation():
    movie = movie_with_clips(10, 20, 30)
    a, b, c = scene_ids(movie)
    clips = clip_order(movie)

    scenes_reorder(movie=movie, scene_ids=[c, a, b])

    assert scene_ids(movie) == [c, a, b]
    assert clip_order(movie) == [clips[2], clips[0], clips[1]]
    assert stored_total(movie) == 60


@pytest.mark.parametrize(
    "make_ids",
    [
        lambda ids, foreign: ids[:2],  # one missing
        lambda ids, foreign: [*ids, ids[0]],  # one twice
        lambda ids, foreign: [ids[0], ids[1], ids[1]],  # right length, one twice
        lambda ids, foreign: [*ids[:2], foreign],  # another movie's scene
        lambda ids, foreign: [*ids, foreign],  # an extra id
        lambda ids, foreign: [*ids[:2], 999_999],  # no such scene
        lambda ids, foreign: [],
    ],
    ids=["missing", "duplicate", "duplicate-same-length", "foreign", "extra", "unknown", "empty"],
)
def test_reorder_that_is_not_a_permutation_is_rejected(make_ids):
    movie = movie_with_clips(10, 20, 30)
    ids = scene_ids(movie)
    foreign = scene_ids(movie_with_clips(40))[0]

    with raises_code("invalid_reorder"):
        scenes_reorder(movie=movie, scene_ids=make_ids(ids, foreign))

    assert scene_ids(movie) == ids


def test_reorder_of_an_empty_movie_accepts_an_empty_list():
    movie = MovieFactory()
    scenes_reorder(movie=movie, scene_ids=[])
    assert timeline(movie) == []


@pytest.mark.parametrize(("position", "remaining"), [(0, [20, 30]), (1, [10, 30]), (2, [10, 20])])
def test_remove_closes_the_gap_and_drops_the_total(position, remaining):
    movie = movie_with_clips(10, 20, 30)

    scene_remove(scene=scene_at(movie, position))

    assert [scene.effective_duration for scene in Scene.objects.filter(movie=movie)] == remaining
    assert len(timeline(movie)) == 2
    assert stored_total(movie) == sum(remaining)


def test_deleting_a_clip_keeps_its_scene_as_missing_and_drops_the_total():
    movie = movie_with_clips(10, 20, 30)
    doomed = scene_at(movie, 1).clip

    doomed.delete()

    assert [clip_id is None for clip_id in clip_order(movie)] == [False, True, False]
    assert scene_at(movie, 1).effective_duration == 0
    assert stored_total(movie) == 40


def test_deleting_a_clip_used_by_several_movies_refreshes_each():
    first = movie_with_clips(10, 20)
    clip = scene_at(first, 0).clip
    second = MovieFactory(owner=first.owner)
    movie_insert_scene(movie=second, clip=clip)
    movie_insert_scene(movie=second, clip=clip)

    clip.delete()

    assert (stored_total(first), stored_total(second)) == (20, 0)


def test_changing_a_clips_duration_updates_the_movies_using_it():
    movie = movie_with_clips(10, 20)
    clip = scene_at(movie, 0).clip
    clip.duration_in_frames = 50

    clip.save()

    assert stored_total(movie) == 70


def test_a_missing_scene_cannot_be_trimmed_or_split_but_can_be_removed():
    movie = movie_with_clips(10, 20)
    scene_at(movie, 0).clip.delete()
    missing = scene_at(movie, 0)

    with raises_code("clip_missing"):
        scene_update(scene=missing, trim_start=1)
    with raises_code("clip_missing"):
        scene_split(scene=missing, frame=5)
    scene_remove(scene=missing)

    assert len(timeline(movie)) == 1
    assert stored_total(movie) == 20


def test_movie_fps_is_fixed_once_it_has_scenes():
    empty, used = MovieFactory(fps=30), movie_with_clips(10)

    movie_update(movie=empty, fps=25, name="Renamed")
    with raises_code("movie_fps_locked"):
        movie_update(movie=used, fps=25)
    movie_update(movie=used, fps=30, name="Same fps is fine")

    empty.refresh_from_db(), used.refresh_from_db()
    assert (empty.fps, empty.name, used.fps, used.name) == (25, "Renamed", 30, "Same fps is fine")


def test_a_long_mixed_sequence_keeps_positions_dense_and_the_total_exact():
    movie = movie_with_clips(30, 60, 90)
    short = ClipFactory(owner=movie.owner, duration_in_frames=15)
    movie_insert_scene(movie=movie, clip=short, before_index=1)
    scene_split(scene=scene_at(movie, 3), frame=45)  # the 90-frame scene
    scene_update(scene=scene_at(movie, 0), trim_start=5, trim_end=5)
    scenes_reorder(movie=movie, scene_ids=list(reversed(scene_ids(movie))))
    scene_remove(scene=scene_at(movie, 2))  # the 60-frame scene

    assert [scene.effective_duration for scene in Scene.objects.filter(movie=movie)] == [45, 45, 15, 20]
    assert stored_total(movie) == 125


def test_an_edit_that_would_overflow_the_stored_total_is_rejected(monkeypatch):
    monkeypatch.setattr("movies.timeline_store.TOTAL_FRAMES_MAX", 100)
    movie = movie_with_clips(60)

    with raises_code("movie_too_long"):
        movie_insert_scene(movie=movie, clip=ClipFactory(owner=movie.owner, duration_in_frames=41))

    assert len(timeline(movie)) == 1
    assert stored_total(movie) == 60
