import pytest

from tests.api_errors import assert_error, assert_validation_error
from tests.factories import ClipFactory, MovieFactory, movie_with_clips

pytestmark = pytest.mark.django_db


def movie_url(movie_id, suffix=""):
    return f"/api/movies/{movie_id}/{suffix}"


def scene_url(movie_id, scene_id, suffix=""):
    return movie_url(movie_id, f"scenes/{scene_id}/{suffix}")


def frames(body):
    """The timeline as the client sees it: [(clip, trim_start, trim_end, effective), ...]."""
    assert [scene["position"] for scene in body["scenes"]] == list(range(len(body["scenes"])))
    return [
        (s["clip"], s["trim_start"], s["trim_end"], s["effective_duration_in_frames"]) for s in body["scenes"]
    ]


def test_scripted_edits_give_exact_totals(api, user):
    movie = api.post("/api/movies/", {"name": "Launch", "fps": 25}, format="json").json()
    assert (movie["total_duration_in_frames"], movie["scenes"]) == (0, [])
    a = ClipFactory(owner=user, duration_in_frames=100, fps=25)
    b = ClipFactory(owner=user, duration_in_frames=15, fps=30)  # 12.5 -> 13 movie frames
    c = ClipFactory(owner=user, duration_in_frames=90, fps=60)  # 37.5 -> 38
    post = lambda suffix, data: api.post(movie_url(movie["id"], suffix), data, format="json")  # noqa: E731

    assert post("scenes/", {"clip": a.pk}).json()["total_duration_in_frames"] == 100
    assert post("scenes/", {"clip": b.pk}).json()["total_duration_in_frames"] == 113
    body = post("scenes/", {"clip": c.pk, "before_index": 0}).json()
    assert frames(body) == [(c.pk, 0, 0, 38), (a.pk, 0, 0, 100), (b.pk, 0, 0, 13)]
    assert body["total_duration_in_frames"] == 151
    assert [s["duration_override"] for s in body["scenes"]] == [38, None, 13]
    c_scene, a_scene, b_scene = (s["id"] for s in body["scenes"])

    body = api.patch(scene_url(movie["id"], a_scene), {"trim_start": 10, "trim_end": 15}).json()
    assert body["total_duration_in_frames"] == 126

    body = post(f"scenes/{a_scene}/split/", {"frame": 50}).json()
    assert frames(body) == [(c.pk, 0, 0, 38), (a.pk, 10, 50, 40), (a.pk, 50, 15, 35), (b.pk, 0, 0, 13)]
    assert body["total_duration_in_frames"] == 126
    a2_scene = body["scenes"][2]["id"]

    body = post("scenes/reorder/", {"scene_ids": [b_scene, a2_scene, a_scene, c_scene]}).json()
    assert [s["id"] for s in body["scenes"]] == [b_scene, a2_scene, a_scene, c_scene]
    assert body["total_duration_in_frames"] == 126

    body = api.delete(scene_url(movie["id"], c_scene)).json()
    assert body["total_duration_in_frames"] == 88

    assert api.delete(f"/api/clips/{b.pk}/").status_code == 204
    body = api.get(movie_url(movie["id"])).json()
    assert body["scenes"][0] | {"id": None} == {
        "id": None,
        "position": 0,
        "clip": None,
        "clip_name": None,
        "duration_override": 13,
        "trim_start": 0,
        "trim_end": 0,
        "effective_duration_in_frames": 0,
    }
    assert body["total_duration_in_frames"] == 75

    body = post("scenes/", {"clip": a.pk, "after_index": 99}).json()
    assert frames(body) == [(None, 0, 0, 0), (a.pk, 50, 15, 35), (a.pk, 10, 50, 40), (a.pk, 0, 0, 100)]
    assert body["total_duration_in_frames"] == 175
    assert body["scenes"][3]["clip_name"] == a.name


def test_movie_crud(api, user):
    created = api.post("/api/movies/", {"name": "Teaser"}, format="json")
    assert created.status_code == 201
    movie = created.json()
    assert movie | {"id": None} == {
        "id": None, "name": "Teaser", "fps": 30, "version": 1, "total_duration_in_frames": 0, "scenes": [],
        "poster_frame": None, "poster_url": None,
    }

    renamed = api.patch(movie_url(movie["id"]), {"name": "Trailer", "fps": 24}, format="json")
    assert renamed.json() | {"id": None} == {
        "id": None, "name": "Trailer", "fps": 24, "version": 2, "total_duration_in_frames": 0, "scenes": [],
        "poster_frame": None, "poster_url": None,
    }
    replaced = api.put(movie_url(movie["id"]), {"name": "Final"}, format="json")
    assert (replaced.status_code, replaced.json()["name"]) == (200, "Final")
    assert api.delete(movie_url(movie["id"])).status_code == 204
    assert_error(api.get(movie_url(movie["id"])), 404, "not_found")


def test_a_poster_frame_is_a_frame_of_the_whole_movie(api, user):
    movie = movie_with_clips(20, 10, owner=user)
    url = movie_url(movie.pk)
    assert_error(api.patch(url, {"poster_frame": 30}, format="json"), 400, "invalid_poster_frame")
    assert api.get(url).json()["version"] == movie.version

    changed = api.patch(url, {"poster_frame": 29}, format="json", headers={"If-Match": f'"{movie.version}"'})
    assert (changed.json()["poster_frame"], changed.json()["version"]) == (29, movie.version + 1)
    stale = api.patch(url, {"poster_frame": 3}, format="json", headers={"If-Match": f'"{movie.version}"'})
    assert_error(stale, 412, "movie_changed")
    assert api.patch(url, {"poster_frame": None}, format="json").json()["poster_frame"] is None
    assert_error(api.post("/api/movies/", {"name": "E", "poster_frame": 0}, format="json"), 400, "invalid_poster_frame")


def test_list_is_paginated_newest_first_with_a_fixed_number_of_queries(
    api, user, django_assert_max_num_queries
):
    movie_with_clips(10, 20, owner=user)
    with django_assert_max_num_queries(99) as few:
        api.get("/api/movies/")
    movies = [movie_with_clips(10, 20, 30, owner=user) for _ in range(5)]

    with django_assert_max_num_queries(len(few.captured_queries)):
        body = api.get("/api/movies/").json()

    assert body["count"] == 6
    assert [movie["id"] for movie in body["results"][:5]] == [movie.pk for movie in reversed(movies)]
    assert {"next", "previous"} <= set(body)
    assert api.get("/api/movies/?page_size=2").json()["next"]


def test_scene_edits_report_rule_violations_with_stable_codes(api, user):
    movie = movie_with_clips(90, 30, owner=user)
    first, second = (s["id"] for s in api.get(movie_url(movie.pk)).json()["scenes"])

    trims_all = {"trim_start": 45, "trim_end": 45}
    assert_error(api.patch(scene_url(movie.pk, first), trims_all), 400, "invalid_trim")
    assert_error(api.patch(scene_url(movie.pk, first), {"trim_end": 10**30}), 400, "invalid_trim")
    assert_error(api.post(scene_url(movie.pk, first, "split/"), {"frame": 0}), 400, "split_out_of_range")
    assert_error(api.post(scene_url(movie.pk, first, "split/"), {"frame": 90}), 400, "split_out_of_range")
    reorder = api.post(movie_url(movie.pk, "scenes/reorder/"), {"scene_ids": [first]}, format="json")
    assert_error(reorder, 400, "invalid_reorder")
    both = {"clip": ClipFactory(owner=user).pk, "after_index": 0, "before_index": 0}
    assert_error(api.post(movie_url(movie.pk, "scenes/"), both), 400, "invalid_position")
    assert_error(api.patch(movie_url(movie.pk), {"fps": 60}, format="json"), 409, "movie_fps_locked")

    assert api.get(movie_url(movie.pk)).json()["total_duration_in_frames"] == 120
    assert [s["id"] for s in api.get(movie_url(movie.pk)).json()["scenes"]] == [first, second]


@pytest.mark.parametrize(
    ("suffix", "method", "payload", "fields"),
    [
        ("scenes/{scene}/", "patch", {"trim_start": -1}, ["trim_start"]),
        ("scenes/{scene}/", "patch", {"trim_end": "lots"}, ["trim_end"]),
        ("scenes/{scene}/", "patch", {"trim_start": 1.5}, ["trim_start"]),
        ("scenes/{scene}/", "patch", {"trim_start": True}, ["trim_start"]),
        ("scenes/{scene}/", "patch", {"duration_override": 0}, ["duration_override"]),
        ("scenes/{scene}/", "patch", {"duration_override": 10**9}, ["duration_override"]),
        ("scenes/{scene}/split/", "post", {}, ["frame"]),
        ("scenes/{scene}/split/", "post", {"frame": "middle"}, ["frame"]),
        ("scenes/reorder/", "post", {"scene_ids": "1,2"}, ["scene_ids"]),
        ("scenes/reorder/", "post", {"scene_ids": [1, "x"]}, ["scene_ids"]),
        ("scenes/", "post", {}, ["clip"]),
        ("scenes/", "post", {"clip": "abc"}, ["clip"]),
        ("scenes/", "post", {"clip": 999_999}, ["clip"]),
        ("scenes/", "post", {"clip": "{foreign_clip}"}, ["clip"]),
        ("scenes/", "post", {"clip": "{clip}", "after_index": "end"}, ["after_index"]),
        ("", "patch", {"fps": 0}, ["fps"]),
        ("", "patch", {"fps": 1000}, ["fps"]),
        ("", "patch", {"name": ""}, ["name"]),
        ("", "patch", {"name": "x" * 201}, ["name"]),
    ],
)
def test_malformed_edits_are_validation_errors(api, user, suffix, method, payload, fields):
    movie = movie_with_clips(90, owner=user)
    values = {
        "scene": movie.scenes.get().pk,
        "clip": ClipFactory(owner=user).pk,
        "foreign_clip": ClipFactory().pk,
    }
    payload = {key: values.get(str(value).strip("{}"), value) for key, value in payload.items()}

    response = getattr(api, method)(movie_url(movie.pk, suffix.format(**values)), payload, format="json")

    assert_validation_error(response, *fields)
    assert api.get(movie_url(movie.pk)).json()["total_duration_in_frames"] == 90


def test_another_users_clip_reads_like_a_missing_one(api, user):
    movie, foreign_clip = movie_with_clips(owner=user), ClipFactory()
    foreign = api.post(movie_url(movie.pk, "scenes/"), {"clip": foreign_clip.pk}, format="json").json()
    missing = api.post(movie_url(movie.pk, "scenes/"), {"clip": 999_999}, format="json").json()

    assert foreign["errors"]["clip"] == [f"You have no clip with id {foreign_clip.pk}."]
    assert missing["errors"]["clip"] == ["You have no clip with id 999999."]


def test_a_scene_of_another_movie_is_not_found_under_this_one(api, user):
    movie, other = movie_with_clips(10, owner=user), movie_with_clips(10, owner=user)
    other_scene = other.scenes.get().pk

    for response in [
        api.patch(scene_url(movie.pk, other_scene), {"trim_start": 1}, format="json"),
        api.delete(scene_url(movie.pk, other_scene)),
        api.post(scene_url(movie.pk, other_scene, "split/"), {"frame": 5}, format="json"),
    ]:
        assert_error(response, 404, "not_found")
    assert other.scenes.get().trim_start == 0


def test_a_missing_scene_can_only_be_removed(api, user):
    movie = movie_with_clips(10, 20, owner=user)
    missing = movie.scenes.get(position=0)
    missing.clip.delete()

    assert_error(api.patch(scene_url(movie.pk, missing.pk), {"trim_start": 1}), 409, "clip_missing")
    body = api.delete(scene_url(movie.pk, missing.pk)).json()
    assert (len(body["scenes"]), body["total_duration_in_frames"]) == (1, 20)


def test_insert_needs_no_position_and_accepts_string_numbers_from_forms(api, user):
    movie = MovieFactory(owner=user)
    clip = ClipFactory(owner=user, duration_in_frames=12)
    response = api.post(movie_url(movie.pk, "scenes/"), {"clip": str(clip.pk), "before_index": "-3"})
    assert response.status_code == 200
    assert frames(response.json()) == [(clip.pk, 0, 0, 12)]
