"""`poster_url` on renders in the API (renders/poster_field.py): the middle frame of what
the render renders, from its own snapshot, found by the key stored with the render; null
while the still is being made, its URL once stored, in the list and the detail, with no
query per row and without loading the snapshots."""
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clips.models import Clip
from renders.models import Render
from renders.outputs.posters import render_poster_spec
from tests.factories import ClipFactory, RenderFactory
from tests.renders.queued_tasks import drain
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


def test_the_list_and_detail_leave_the_snapshot_in_the_database(api, user):
    render = RenderFactory(clip=ClipFactory(owner=user))
    for stored in (False, True):
        if stored:
            store_still(render_poster_spec(render))
        for url in (LIST, f"/api/renders/{render.pk}/"):
            with CaptureQueriesContext(connection) as queries:
                assert api.get(url).status_code == 200
            sqls = [query["sql"] for query in queries.captured_queries]
            render_selects = [sql for sql in sqls if 'FROM "renders_render"' in sql]
            assert render_selects and not any("input_props" in sql for sql in render_selects), (url, stored)


def test_a_requested_render_stores_its_posters_key_and_a_missing_poster_is_queued_by_id(
    api, user, django_capture_on_commit_callbacks
):
    clip = ClipFactory(owner=user)
    created = api.post(f"/api/clips/{clip.pk}/render/", format="json").json()
    render = Render.objects.get(pk=created["id"])
    assert render.poster_key == render_poster_spec(render).key
    drain()
    # The clip's own poster is the same still (same code, size and frame), already queued
    # when the clip was saved: forget that, as an hour later.
    cache.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert api.get(LIST).json()["results"][0]["poster_url"] is None
        assert api.get(LIST).json()["results"][0]["poster_url"] is None

    # Once, by id: the worker reads the snapshot (render_poster_make), not the web process.
    assert [(task, args) for task, args in drain() if "poster" in task or "still" in task] == [
        ("renders.tasks.render_poster", [render.pk])
    ]


def test_a_render_from_before_poster_keys_gets_its_key_on_first_sight(api, user):
    render = RenderFactory(clip=ClipFactory(owner=user), poster_key="")
    path = store_still(render_poster_spec(render))

    assert api.get(LIST).json()["results"][0]["poster_url"] == f"http://testserver{path}"
    render.refresh_from_db()
    assert render.poster_key == render_poster_spec(render).key
