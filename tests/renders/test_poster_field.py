"""`poster_url` on renders in the API (renders/poster_field.py): the middle frame of what
the render renders, from its own snapshot; null while the still is being made, its URL
once stored, in the list and the detail, with no query per row."""
import pytest
from django.urls import reverse

from clips.models import Clip
from renders.outputs.posters import render_poster_spec
from tests.factories import ClipFactory, RenderFactory
from tests.renders.stored_stills import store_still

pytestmark = pytest.mark.django_db

LIST = "/api/renders/"


def test_a_renders_poster_url_is_null_until_its_still_is_stored(api, user):
    render = RenderFactory(clip=ClipFactory(owner=user))
    detail = f"/api/renders/{render.pk}/"
    assert api.get(detail).json()["poster_url"] is None
    assert api.get(LIST).json()["results"][0]["poster_url"] is None

    path = store_still(render_poster_spec(render))

    assert api.get(detail).json()["poster_url"] == f"http://testserver{path}"
    assert api.get(LIST).json()["results"][0]["poster_url"] == f"http://testserver{path}"
    assert api.get(path)["Content-Type"] == "image/jpeg"


def test_the_poster_is_the_renders_snapshot_not_the_clip_as_edited_since(api, user):
    clip = ClipFactory(owner=user)
    render = RenderFactory(clip=clip)
    path = store_still(render_poster_spec(render))

    Clip.objects.filter(pk=clip.pk).update(code=clip.code + "\n// edited after the render")

    assert api.get(f"/api/renders/{render.pk}/").json()["poster_url"] == f"http://testserver{path}"


def test_a_page_of_renders_costs_no_query_per_row(api, user, django_assert_max_num_queries):
    clip = ClipFactory(owner=user)
    store_still(render_poster_spec(RenderFactory(clip=clip)))
    with django_assert_max_num_queries(99) as one_row:
        api.get(LIST)
    renders = [RenderFactory(clip=clip, width=320 + 16 * n) for n in range(6)]
    for render in renders[:3]:
        store_still(render_poster_spec(render))

    with django_assert_max_num_queries(len(one_row.captured_queries)):
        results = api.get(LIST).json()["results"]

    assert len(results) == 7
    assert sum(result["poster_url"] is None for result in results) == 3
