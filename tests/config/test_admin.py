"""The admin console: every page answers, lists cost the same few queries however many
rows they show, and staff edits of clips keep movie totals right."""
import re

import pytest
from django.urls import reverse

from movies.history import movie_undo
from movies.services import scene_remove
from tests.factories import ClipFactory, GenerationFactory, movie_with_clips
from tests.movies.timeline import stored_total

pytestmark = pytest.mark.django_db

MAKERS = {
    "generations_generation": lambda: GenerationFactory(parent=GenerationFactory()),
    "clips_clip": lambda: ClipFactory(source_generation=GenerationFactory()),
    "movies_movie": lambda: movie_with_clips(10, 20),
}


@pytest.mark.parametrize("model", MAKERS)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, django_assert_max_num_queries, model):
    url = reverse(f"admin:{model}_changelist")
    MAKERS[model]()
    with django_assert_max_num_queries(99) as one_row:
        assert admin_client.get(url).status_code == 200
    rows = [MAKERS[model]() for _ in range(8)]

    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = admin_client.get(url)

    assert response.status_code == 200
    assert all(f"/{row.pk}/change/" in response.content.decode() for row in rows)


@pytest.mark.parametrize("model", MAKERS)
def test_change_page_and_search_answer(admin_client, model):
    row = MAKERS[model]()
    assert admin_client.get(reverse(f"admin:{model}_change", args=[row.pk])).status_code == 200
    found = admin_client.get(reverse(f"admin:{model}_changelist"), {"q": str(row.pk)})
    assert found.status_code == 200 and f"/{row.pk}/change/" in found.content.decode()
    assert admin_client.get(reverse(f"admin:{model}_changelist"), {"q": "no such thing"}).status_code == 200


@pytest.mark.parametrize("model", ["generations_generation", "clips_clip"])
def test_code_is_shown_read_only_in_a_pre_block(admin_client, model):
    row = MAKERS[model]()
    row.code = "const a = <b>1</b>;"
    row.save()

    page = admin_client.get(reverse(f"admin:{model}_change", args=[row.pk])).content.decode()

    assert "<pre" in page and "const a = &lt;b&gt;1&lt;/b&gt;;" in page
    assert 'name="code"' not in page


def test_movie_page_shows_the_timeline_read_only_with_missing_scenes(admin_client):
    movie = movie_with_clips(10, 20)
    movie.scenes.get(position=0).clip.delete()

    page = admin_client.get(reverse("admin:movies_movie_change", args=[movie.pk])).content.decode()

    assert "(missing: clip deleted)" in page
    assert 'name="scenes-0-trim_start"' not in page
    assert 'name="fps"' not in page  # fixed once the movie has scenes


def test_movie_page_shows_the_undo_history_read_only(admin_client):
    movie = movie_with_clips(10, 20)
    scene_remove(scene=movie.scenes.get(position=0))
    movie_undo(movie=movie)

    page = admin_client.get(reverse("admin:movies_movie_change", args=[movie.pk])).content.decode()

    operations = re.findall(r'class="field-operation">\s*<p>([^<]+)</p>', page)
    assert operations == ["Remove scene", "Insert scene", "Insert scene"] and "2 → 1" in page
    assert 'name="revisions-0-undone"' not in page


def test_deleting_a_clip_in_the_admin_drops_the_movie_total(admin_client):
    movie = movie_with_clips(10, 20, 30)
    clip = movie.scenes.get(position=1).clip

    admin_client.post(reverse("admin:clips_clip_delete", args=[clip.pk]), {"post": "yes"})

    assert stored_total(movie) == 40
    assert movie.scenes.count() == 3


def test_bulk_deleting_clips_in_the_admin_drops_the_movie_total(admin_client):
    movie = movie_with_clips(10, 20, 30)
    doomed = [scene.clip_id for scene in movie.scenes.filter(position__lt=2)]

    admin_client.post(
        reverse("admin:clips_clip_changelist"),
        {"action": "delete_selected", "_selected_action": doomed, "post": "yes"},
    )

    assert stored_total(movie) == 30


def test_changing_a_clip_duration_in_the_admin_updates_the_movie_total(admin_client):
    movie = movie_with_clips(10, 20)
    clip = movie.scenes.get(position=0).clip

    response = admin_client.post(
        reverse("admin:clips_clip_change", args=[clip.pk]),
        {"name": clip.name, "duration_in_frames": 55, "fps": clip.fps},
    )

    assert response.status_code == 302
    assert stored_total(movie) == 75
