"""Undo, redo, revisions and If-Match through the API, as a frontend (or two tabs) uses them."""
import pytest
from rest_framework.test import APIClient

from movies.history import HISTORY_KEPT
from movies.models import MovieRevision
from tests.api_errors import assert_error
from tests.factories import ClipFactory, MovieFactory, movie_with_clips

pytestmark = pytest.mark.django_db


def url(movie, suffix=""):
    return f"/api/movies/{movie.pk}/{suffix}"


def layout(body):
    """[(clip, trim_start, trim_end), ...] as the client sees it."""
    return [(s["clip"], s["trim_start"], s["trim_end"]) for s in body["scenes"]]


def test_undo_and_redo_walk_the_history_and_a_new_edit_drops_the_redo_branch(api, user):
    movie = movie_with_clips(owner=user)
    a, b, c = (ClipFactory(owner=user, duration_in_frames=30) for _ in range(3))
    for clip in (a, b, c):
        api.post(url(movie, "scenes/"), {"clip": clip.pk}, format="json")
    first_scene = api.get(url(movie)).json()["scenes"][0]["id"]
    api.patch(url(movie, f"scenes/{first_scene}/"), {"trim_start": 5}, format="json")
    full = [(a.pk, 5, 0), (b.pk, 0, 0), (c.pk, 0, 0)]

    body = api.post(url(movie, "undo/")).json()
    assert layout(body) == [(a.pk, 0, 0), (b.pk, 0, 0), (c.pk, 0, 0)]
    assert body["scenes"][0]["id"] == first_scene  # restored scenes keep their ids
    body = api.post(url(movie, "undo/")).json()
    assert layout(body) == [(a.pk, 0, 0), (b.pk, 0, 0)]
    assert body["total_duration_in_frames"] == 60
    body = api.post(url(movie, "redo/")).json()
    assert layout(body) == [(a.pk, 0, 0), (b.pk, 0, 0), (c.pk, 0, 0)]
    body = api.post(url(movie, "redo/")).json()
    assert layout(body) == full and body["total_duration_in_frames"] == 85
    assert_error(api.post(url(movie, "redo/")), 409, "nothing_to_redo")

    api.post(url(movie, "undo/"))
    api.delete(url(movie, f"scenes/{first_scene}/"))  # a new edit after an undo
    assert_error(api.post(url(movie, "redo/")), 409, "nothing_to_redo")
    body = api.post(url(movie, "undo/")).json()
    assert layout(body) == [(a.pk, 0, 0), (b.pk, 0, 0), (c.pk, 0, 0)]


def test_undo_brings_back_removed_and_split_scenes_and_survives_a_new_client(api, user):
    movie = movie_with_clips(40, 20, owner=user)
    scenes = api.get(url(movie)).json()["scenes"]
    api.post(url(movie, f"scenes/{scenes[0]['id']}/split/"), {"frame": 10}, format="json")
    api.delete(url(movie, f"scenes/{scenes[1]['id']}/"))
    api.post(url(movie, "scenes/reorder/"), {"scene_ids": [s["id"] for s in reversed(
        api.get(url(movie)).json()["scenes"])]}, format="json")

    # Undo lives on the server: a new session (another tab or device) continues it.
    other_device = APIClient()
    other_device.force_authenticate(user)
    for _ in range(3):
        body = other_device.post(url(movie, "undo/")).json()
    assert [s["id"] for s in body["scenes"]] == [s["id"] for s in scenes]
    assert layout(body) == [(s["clip"], 0, 0) for s in scenes]
    assert body["total_duration_in_frames"] == 60
    for _ in range(2):  # the two inserts that built the movie
        body = other_device.post(url(movie, "undo/")).json()
    assert body["scenes"] == []
    assert_error(other_device.post(url(movie, "undo/")), 409, "nothing_to_undo")


def test_undo_of_a_scene_whose_clip_was_deleted_since_restores_it_as_missing(api, user):
    movie = movie_with_clips(owner=user)
    doomed = ClipFactory(owner=user, duration_in_frames=30)
    keeper = ClipFactory(owner=user, duration_in_frames=20)
    api.post(url(movie, "scenes/"), {"clip": doomed.pk}, format="json")
    body = api.post(url(movie, "scenes/"), {"clip": keeper.pk}, format="json").json()
    api.delete(url(movie, f"scenes/{body['scenes'][0]['id']}/"))
    doomed.delete()

    body = api.post(url(movie, "undo/")).json()
    assert layout(body) == [(None, 0, 0), (keeper.pk, 0, 0)]
    assert body["total_duration_in_frames"] == 20


def test_revisions_list_who_what_and_when_and_keep_a_long_history(api, user):
    movie = movie_with_clips(10, owner=user)
    scene = movie.scenes.get()
    for trim in range(HISTORY_KEPT + 5):
        api.patch(url(movie, f"scenes/{scene.pk}/"), {"trim_start": trim % 2}, format="json")
    api.post(url(movie, "undo/"))

    body = api.get(url(movie, "revisions/")).json()
    assert len(body) == HISTORY_KEPT >= 50
    newest = body[0]
    assert newest["operation"] == "update" and newest["author"] == user.username and newest["undone"]
    assert newest["scenes_before"][0]["trim_start"] == 1 - newest["scenes_after"][0]["trim_start"]
    assert not body[1]["undone"]
    for _ in range(60):
        assert api.post(url(movie, "undo/")).status_code == 200


def test_a_no_op_edit_records_no_revision(api, user):
    movie = movie_with_clips(10, 10, owner=user)
    ids = [s["id"] for s in api.get(url(movie)).json()["scenes"]]
    api.post(url(movie, "scenes/reorder/"), {"scene_ids": ids}, format="json")
    assert MovieRevision.objects.filter(movie=movie).count() == 2  # the two inserts


def test_every_answer_carries_the_version_as_etag(api, user):
    movie = MovieFactory(owner=user)
    response = api.get(url(movie))
    assert response["ETag"] == '"1"' and response.json()["version"] == 1
    response = api.post(url(movie, "scenes/"), {"clip": ClipFactory(owner=user).pk}, format="json")
    assert response["ETag"] == '"2"' and response.json()["version"] == 2
    response = api.patch(url(movie), {"name": "Renamed"}, format="json")
    assert response["ETag"] == '"3"'
    response = api.post(url(movie, "undo/"))
    assert response["ETag"] == '"4"' and response.json()["scenes"] == []


def test_a_stale_if_match_is_a_412_with_the_current_movie_and_changes_nothing(api, user):
    movie = movie_with_clips(30, owner=user)
    scene = movie.scenes.get()
    tab_one_version = api.get(url(movie)).json()["version"]
    tab_two = api.patch(url(movie, f"scenes/{scene.pk}/"), {"trim_start": 5}, format="json",
                        HTTP_IF_MATCH=f'"{tab_one_version}"')
    assert tab_two.status_code == 200

    stale = api.patch(url(movie, f"scenes/{scene.pk}/"), {"trim_end": 5}, format="json",
                      HTTP_IF_MATCH=f'"{tab_one_version}"')
    body = assert_error(stale, 412, "movie_changed")
    assert body["version"] == tab_two.json()["version"] == body["movie"]["version"]
    assert stale["ETag"] == f'"{body["version"]}"'
    assert layout(body["movie"]) == [(scene.clip_id, 5, 0)]
    for attempt in (
        api.post(url(movie, "scenes/"), {"clip": scene.clip_id}, format="json", HTTP_IF_MATCH='W/"1"'),
        api.post(url(movie, "undo/"), HTTP_IF_MATCH=str(tab_one_version)),
        api.patch(url(movie), {"name": "x"}, format="json", HTTP_IF_MATCH='"1"'),
        api.delete(url(movie), HTTP_IF_MATCH='"1"'),
    ):
        assert_error(attempt, 412, "movie_changed")
    assert layout(api.get(url(movie)).json()) == [(scene.clip_id, 5, 0)]
    assert MovieRevision.objects.filter(movie=movie).count() == 2

    current = api.post(url(movie, "undo/"), HTTP_IF_MATCH=stale["ETag"])
    assert current.status_code == 200 and layout(current.json()) == [(scene.clip_id, 0, 0)]
    assert api.delete(url(movie), HTTP_IF_MATCH=current["ETag"]).status_code == 204


def test_without_if_match_or_with_a_star_edits_apply_as_before(api, user):
    movie = movie_with_clips(30, owner=user)
    api.patch(url(movie), {"name": "One"}, format="json")
    response = api.patch(url(movie), {"name": "Two"}, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 200 and response.json()["name"] == "Two"


def test_a_malformed_if_match_is_a_400(api, user):
    movie = MovieFactory(owner=user)
    assert_error(api.post(url(movie, "undo/"), HTTP_IF_MATCH="yesterday"), 400, "invalid_if_match")


def test_history_of_another_users_movie_is_a_404(api, other_user):
    movie = movie_with_clips(10, owner=other_user)
    for response in (api.get(url(movie, "revisions/")), api.post(url(movie, "undo/")),
                     api.post(url(movie, "redo/"))):
        assert_error(response, 404, "not_found")
    assert MovieRevision.objects.filter(movie=movie, undone=True).count() == 0
