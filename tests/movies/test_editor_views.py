"""The movie pages' writes: New movie, rename, poster frame, delete, and the timeline edits the editor's
htmx and JavaScript send (same services, rules, codes and If-Match as the API)."""
import re

import pytest
from django.urls import reverse

from movies.models import Movie, MovieRevision
from tests.factories import ClipFactory, MovieFactory, movie_with_clips
from tests.movies.timeline import scene_ids, timeline

pytestmark = pytest.mark.django_db


def edit(web, movie, operation, data=None, version=None):
    headers = {"HX-Request": "true"}
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return web.post(reverse("movies:edit", args=[movie.pk, operation]), data or {}, headers=headers)


def etag(page):
    return re.search(r'data-etag="&quot;(\d+)&quot;"', page).group(1)


def test_new_movie_rename_and_delete(web, user):
    response = web.post(reverse("movies:create"), {"name": "Launch teaser", "fps": 25})
    movie = Movie.objects.get(owner=user)
    assert (movie.name, movie.fps) == ("Launch teaser", 25)
    assert response.url == reverse("movies:detail", args=[movie.pk])

    web.post(reverse("movies:rename", args=[movie.pk]), {"name": "Final cut"})
    movie.refresh_from_db()
    assert movie.name == "Final cut"

    response = web.post(reverse("movies:delete", args=[movie.pk]), follow=True)
    assert not Movie.objects.exists()
    assert "Movie “Final cut” deleted." in response.content.decode()


def test_the_poster_frame_is_a_frame_of_the_movie_or_blank(web, user):
    movie = movie_with_clips(20, 10, owner=user)
    poster = reverse("movies:poster", args=[movie.pk])

    response = web.post(poster, {"poster_frame": "25"}, follow=True)
    assert "Poster frame saved" in response.content.decode()
    movie.refresh_from_db()
    assert movie.poster_frame == 25

    refusals = {
        "30": "poster_frame must be between 0 and 29.",
        "-1": "Ensure this value is greater than or equal to 0.",
        "x": "Enter a whole number.",
    }
    for sent, message in refusals.items():
        response = web.post(poster, {"poster_frame": sent}, follow=True)
        assert response.redirect_chain == [(reverse("movies:detail", args=[movie.pk]), 302)]
        assert message in response.content.decode()
        movie.refresh_from_db()
        assert movie.poster_frame == 25, sent

    web.post(poster, {"poster_frame": ""})
    movie.refresh_from_db()
    assert movie.poster_frame is None


def test_a_movie_without_a_name_is_not_created(web, user):
    response = web.post(reverse("movies:create"), {"name": "", "fps": 30})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not Movie.objects.exists()


def test_another_editors_movie_cannot_be_renamed_deleted_or_edited(web, other_user):
    movie = movie_with_clips(30, owner=other_user)
    assert web.post(reverse("movies:rename", args=[movie.pk]), {"name": "x"}).status_code == 404
    assert web.post(reverse("movies:poster", args=[movie.pk]), {"poster_frame": "1"}).status_code == 404
    assert web.post(reverse("movies:delete", args=[movie.pk])).status_code == 404
    assert edit(web, movie, "remove", {"scene": scene_ids(movie)[0]}).status_code == 404
    assert len(timeline(movie)) == 1


def test_timeline_edits_answer_with_the_editor_and_record_revisions(web, user):
    movie = MovieFactory(owner=user)
    clip = ClipFactory(owner=user, name="Title card", duration_in_frames=40)

    response = edit(web, movie, "insert", {"clip": clip.pk}, version=1)
    page = response.content.decode()
    assert response.status_code == 200 and 'id="timeline-editor"' in page
    assert 'data-total="40"' in page and etag(page) == "2"
    scene = scene_ids(movie)[0]

    edit(web, movie, "update", {"scene": scene, "trim_start": 5, "trim_end": 0, "duration_override": ""})
    edit(web, movie, "split", {"scene": scene, "frame": 20})
    assert timeline(movie) == [(clip.pk, 5, 20, None), (clip.pk, 20, 0, None)]
    first, second = scene_ids(movie)
    edit(web, movie, "reorder", {"scene_ids": [second, first]})
    assert scene_ids(movie) == [second, first]

    page = edit(web, movie, "undo").content.decode()
    assert scene_ids(movie) == [first, second] and "Redo <span" in page
    edit(web, movie, "redo")
    assert scene_ids(movie) == [second, first]
    assert MovieRevision.objects.filter(movie=movie, author=user).count() == 4


def test_a_refused_edit_is_shown_in_place_with_the_apis_code(web, user):
    movie = movie_with_clips(30, owner=user)
    scene = scene_ids(movie)[0]

    response = edit(web, movie, "split", {"scene": scene, "frame": 0})
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#editor-alert"
    assert 'data-error-code="split_out_of_range"' in response.content.decode()

    response = edit(web, movie, "update", {"scene": scene, "trim_start": -1})
    assert response.status_code == 400 and 'data-error-code="validation_error"' in response.content.decode()
    assert "trim_start:" in response.content.decode()

    response = edit(web, movie, "redo")
    assert response.status_code == 409 and 'data-error-code="nothing_to_redo"' in response.content.decode()
    assert timeline(movie) == [(movie.scenes.get().clip_id, 0, 0, None)]


def test_a_stale_tab_gets_412_and_an_offer_to_reload(web, user):
    movie = movie_with_clips(30, 30, owner=user)
    stale_version = etag(web.get(reverse("movies:detail", args=[movie.pk])).content.decode())
    edit(web, movie, "remove", {"scene": scene_ids(movie)[1]}, version=stale_version)

    response = edit(web, movie, "remove", {"scene": scene_ids(movie)[0]}, version=stale_version)

    page = response.content.decode()
    assert response.status_code == 412 and 'data-error-code="movie_changed"' in page
    assert f'href="{reverse("movies:detail", args=[movie.pk])}"' in page and "Reload the movie" in page
    assert len(timeline(movie)) == 1


def test_an_unknown_operation_or_scene_is_a_404(web, user):
    movie = movie_with_clips(30, owner=user)
    assert edit(web, movie, "explode").status_code == 404
    response = edit(web, movie, "remove", {"scene": "999999"})
    assert response.status_code == 404 and 'data-error-code="not_found"' in response.content.decode()


def test_without_javascript_the_editors_forms_post_and_come_back_to_the_page(web, user):
    movie = movie_with_clips(30, owner=user)
    clip = ClipFactory(owner=user, duration_in_frames=20)
    detail = reverse("movies:detail", args=[movie.pk])

    response = web.post(reverse("movies:edit", args=[movie.pk, "insert"]), {"clip": clip.pk})
    assert response.status_code == 302 and response.url == detail
    assert len(timeline(movie)) == 2

    response = web.post(reverse("movies:edit", args=[movie.pk, "redo"]), follow=True)
    assert "There is no edit to redo on this movie." in response.content.decode()
    page = web.post(reverse("movies:edit", args=[movie.pk, "undo"]), follow=True).content.decode()
    assert len(timeline(movie)) == 1 and 'data-total="30"' in page
