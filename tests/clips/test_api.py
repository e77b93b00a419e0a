import pytest

from clips.models import Clip
from tests.api_errors import assert_error, assert_validation_error
from tests.factories import SIMPLE_CODE, ClipFactory, movie_with_clips
from tests.movies.timeline import stored_total

pytestmark = pytest.mark.django_db

FIELDS = {
    "id", "name", "code", "raw_code", "duration_in_frames", "fps", "code_problem", "poster_frame", "poster_url",
    "created_at", "updated_at",
}


def test_clip_crud(api, user):
    new = {"name": "Intro", "code": SIMPLE_CODE, "duration_in_frames": 90, "fps": 30}
    created = api.post("/api/clips/", new, format="json")
    assert created.status_code == 201
    clip = created.json()
    assert set(clip) == FIELDS
    assert (clip["name"], clip["raw_code"], Clip.objects.get(pk=clip["id"]).owner) == ("Intro", "", user)

    assert api.get(f"/api/clips/{clip['id']}/").json() == {**clip, "latest_render": None}
    patched = api.patch(f"/api/clips/{clip['id']}/", {"name": "Opening"}, format="json").json()
    assert (patched["name"], patched["code"]) == ("Opening", SIMPLE_CODE)
    other_code = "export default () => null;\n"
    replacement = {"name": "B", "code": other_code, "duration_in_frames": 5}
    put = api.put(f"/api/clips/{clip['id']}/", replacement, format="json")
    assert (put.json()["code"], put.json()["duration_in_frames"], put.json()["fps"]) == (other_code, 5, 30)

    assert api.delete(f"/api/clips/{clip['id']}/").status_code == 204
    assert_error(api.get(f"/api/clips/{clip['id']}/"), 404, "not_found")


def test_a_poster_frame_is_a_frame_of_the_clip_and_null_means_the_middle(api, user):
    clip = ClipFactory(owner=user, duration_in_frames=30)
    url = f"/api/clips/{clip.pk}/"
    assert api.get(url).json()["poster_frame"] is None

    assert api.patch(url, {"poster_frame": 29}, format="json").json()["poster_frame"] == 29
    assert_error(api.patch(url, {"poster_frame": 30}, format="json"), 400, "invalid_poster_frame")
    # Checked against the length sent with it.
    both = api.patch(url, {"poster_frame": 40, "duration_in_frames": 10}, format="json")
    assert_error(both, 400, "invalid_poster_frame")
    clip.refresh_from_db()
    assert (clip.poster_frame, clip.duration_in_frames) == (29, 30)
    assert_validation_error(api.patch(url, {"poster_frame": -1}, format="json"), "poster_frame")

    assert api.patch(url, {"poster_frame": None}, format="json").json()["poster_frame"] is None
    created = api.post(
        "/api/clips/", {"name": "P", "code": SIMPLE_CODE, "duration_in_frames": 5, "poster_frame": 5}, format="json"
    )
    assert_error(created, 400, "invalid_poster_frame")
    assert not Clip.objects.filter(name="P").exists()


def test_list_is_newest_first(api, user):
    clips = [ClipFactory(owner=user) for _ in range(3)]
    assert [c["id"] for c in api.get("/api/clips/").json()["results"]] == [c.pk for c in reversed(clips)]


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"name": "", "code": "x", "duration_in_frames": 1}, ["name"]),
        ({"name": "a", "code": "", "duration_in_frames": 1}, ["code"]),
        ({"name": "a", "code": "x", "duration_in_frames": 0}, ["duration_in_frames"]),
        ({"name": "a", "code": "x", "duration_in_frames": -5}, ["duration_in_frames"]),
        ({"name": "a", "code": "x", "duration_in_frames": 10**12}, ["duration_in_frames"]),
        ({"name": "a", "code": "x", "duration_in_frames": "long"}, ["duration_in_frames"]),
        ({"name": "a", "code": "x", "duration_in_frames": 1, "fps": 0}, ["fps"]),
        ({"name": "a", "code": "x", "duration_in_frames": 1, "fps": 121}, ["fps"]),
        ({"name": ["a"], "code": {"x": 1}, "duration_in_frames": 1}, ["name", "code"]),
    ],
)
def test_invalid_clips_are_rejected(api, payload, fields):
    assert_validation_error(api.post("/api/clips/", payload, format="json"), *fields)
    assert not Clip.objects.exists()


def test_deleting_a_used_clip_keeps_the_scene_as_missing(api, user):
    movie = movie_with_clips(10, 20, owner=user)
    clip = movie.scenes.get(position=0).clip

    assert api.delete(f"/api/clips/{clip.pk}/").status_code == 204

    missing = api.get(f"/api/movies/{movie.pk}/").json()["scenes"][0]
    assert (missing["clip"], missing["clip_name"], missing["effective_duration_in_frames"]) == (None, None, 0)
    assert stored_total(movie) == 20


def test_changing_a_used_clips_duration_updates_the_total(api, user):
    movie = movie_with_clips(10, 20, owner=user)
    clip = movie.scenes.get(position=1).clip

    api.patch(f"/api/clips/{clip.pk}/", {"duration_in_frames": 5}, format="json")

    assert api.get(f"/api/movies/{movie.pk}/").json()["total_duration_in_frames"] == 15


BAD_CODE = {
    "code_syntax_error": ("export default () => {\n  const a = ;\n}", 2, 11),
    "code_no_default_export": ("export const S = () => null;", 1, 1),
    "code_import_not_allowed": ("import fs from 'node:fs';\nexport default () => null;", 1, 16),
    "code_forbidden_api": ("export default () => {\n  fetch('http://127.0.0.1:9/');\n  return null;\n}", 2, 3),
}


@pytest.mark.parametrize("code", BAD_CODE)
def test_code_failing_the_check_is_a_400_with_its_code_and_position_and_nothing_is_saved(api, code):
    source, line, column = BAD_CODE[code]
    response = api.post("/api/clips/", {"name": "Bad", "code": source, "duration_in_frames": 30}, format="json")

    body = assert_error(response, 400, code)
    assert (body["field"], body["line"], body["column"]) == ("code", line, column)
    assert body["detail"].startswith(f"code: Line {line}, column {column}: ")
    assert not Clip.objects.exists()


# Found by the hostile-code audit: names spelled with escapes, and WebRTC.
AUDIT_CODE = [
    "export default () => {\n  \\u0066etch('http://127.0.0.1:9/');\n  return null;\n}",
    "export default () => {\n  typeof wind\\u006fw;\n  return null;\n}",
    "export default () => {\n  (() => 0).con\\u0073tructor;\n  return null;\n}",
    "export default () => {\n  new RTCPeerConnection({iceServers: [{urls: 'stun:127.0.0.1:9'}]});\n  return null;\n}",
]


@pytest.mark.parametrize("source", AUDIT_CODE)
def test_escaped_names_and_webrtc_are_refused_on_save(api, source):
    response = api.post("/api/clips/", {"name": "Bad", "code": source, "duration_in_frames": 30}, format="json")

    body = assert_error(response, 400, "code_forbidden_api")
    assert (body["field"], body["line"]) == ("code", 2)
    assert not Clip.objects.exists()


@pytest.mark.parametrize("code", BAD_CODE)
def test_an_update_to_failing_code_is_refused_and_changes_nothing(api, user, code):
    clip = ClipFactory(owner=user, name="Kept")
    for method in (api.patch, api.put):
        payload = {"name": "Changed", "code": BAD_CODE[code][0], "duration_in_frames": 5}
        assert_error(method(f"/api/clips/{clip.pk}/", payload, format="json"), 400, code)
    clip.refresh_from_db()
    assert (clip.name, clip.code, clip.duration_in_frames) == ("Kept", SIMPLE_CODE, 90)


@pytest.mark.parametrize("field", ["code", "raw_code"])
def test_code_and_raw_code_over_the_size_limit_are_code_too_large(api, user, settings, field):
    settings.CODE_MAX_BYTES = 2048
    payload = {"name": "Big", "code": SIMPLE_CODE, "raw_code": "", "duration_in_frames": 30}
    payload[field] = SIMPLE_CODE + "// " + "x" * 2048
    body = assert_error(api.post("/api/clips/", payload, format="json"), 400, "code_too_large")
    assert body["field"] == field
    assert "limit is 2048 bytes" in body["detail"]
    assert not Clip.objects.exists()


def test_saving_fixed_code_clears_a_stored_code_problem(api, user):
    clip = ClipFactory(owner=user, code="broken(", code_problem={"code": "code_syntax_error", "message": "m"})
    assert api.patch(f"/api/clips/{clip.pk}/", {"code": SIMPLE_CODE}, format="json").status_code == 200
    clip.refresh_from_db()
    assert (clip.code, clip.code_problem) == (SIMPLE_CODE, None)


def test_a_marked_clip_shows_its_code_problem_in_the_api(api, user):
    problem = {"code": "code_forbidden_api", "message": "`fetch` is not allowed.", "line": 2, "column": 3}
    clip = ClipFactory(owner=user, code_problem=problem)
    assert api.get(f"/api/clips/{clip.pk}/").json()["code_problem"] == problem
    assert api.patch(f"/api/clips/{clip.pk}/", {"code_problem": None}, format="json").status_code == 200
    clip.refresh_from_db()
    assert clip.code_problem == problem
