"""The renders list and one render's page in each state, with its live fragment."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from renders.models import Render
from renders.outputs.posters import render_poster_spec
from tests.factories import ClipFactory, MovieFactory, RenderFactory, RenderHostFactory
from tests.renders.stored_stills import store_still

pytestmark = pytest.mark.django_db

POLLING = 'hx-trigger="every 2s"'


def _render(user, **fields):
    return RenderFactory(clip=ClipFactory(owner=user), **fields)


def _page(web, render):
    return web.get(reverse("renders:detail", args=[render.pk])).content.decode()


def _fragment(web, render):
    response = web.get(reverse("renders:progress", args=[render.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


# --- List -------------------------------------------------------------------------------


def test_the_list_is_newest_first_and_only_the_editors(web, user, other_user):
    older, newer = _render(user), _render(user)
    foreign = _render(other_user)

    page = web.get(reverse("renders:list")).content.decode()

    assert page.index(f">#{newer.pk}<") < page.index(f">#{older.pk}<")
    assert f">#{foreign.pk}<" not in page


def test_each_row_shows_the_renders_poster_once_stored_and_a_placeholder_before(web, user):
    render = _render(user)

    before = web.get(reverse("renders:list")).content.decode()
    path = store_still(render_poster_spec(render))
    after = web.get(reverse("renders:list")).content.decode()

    assert before.count('class="poster poster--pending"') == 1 and '<img class="poster"' not in before
    assert after.count(f'<img class="poster" src="{path}"') == 1 and "poster--pending" not in after


def test_the_list_costs_no_query_per_row(web, user, django_assert_max_num_queries):
    clip = ClipFactory(owner=user)
    store_still(render_poster_spec(RenderFactory(clip=clip)))
    with django_assert_max_num_queries(99) as one_row:
        web.get(reverse("renders:list"))
    for n in range(6):
        RenderFactory(clip=clip if n % 2 else ClipFactory(owner=user), width=320 + 16 * n)

    with django_assert_max_num_queries(len(one_row.captured_queries)):
        page = web.get(reverse("renders:list")).content.decode()

    assert page.count('class="cell--poster"') == 7


def test_the_list_filters_by_status_and_kind(web, user):
    failed_clip = _render(user, status=Render.Status.FAILED)
    complete_clip = _render(user, status=Render.Status.COMPLETE)
    movie = MovieFactory(owner=user)
    failed_movie = RenderFactory(kind=Render.Kind.MOVIE, clip=None, movie=movie, owner=user, status="failed",
                                 fps=30, duration_in_frames=30, input_props={"scenes": []})

    page = web.get(reverse("renders:list"), {"status": "failed", "kind": "clip"}).content.decode()

    assert f">#{failed_clip.pk}<" in page
    assert f">#{complete_clip.pk}<" not in page and f">#{failed_movie.pk}<" not in page
    assert '<option value="failed" selected>' in page


def test_an_unknown_filter_value_shows_everything_rather_than_an_error(web, user):
    render = _render(user)
    response = web.get(reverse("renders:list"), {"status": "exploded"})
    assert response.status_code == 200
    assert f">#{render.pk}<" in response.content.decode()


def test_pages_of_the_list_keep_the_filters(web, user):
    for _ in range(21):
        _render(user, status=Render.Status.COMPLETE)

    first = web.get(reverse("renders:list"), {"status": "complete"}).content.decode()
    second = web.get(reverse("renders:list"), {"status": "complete", "page": 2}).content.decode()

    assert first.count('<tr>') - 1 == 20  # minus the header row
    assert 'href="?status=complete&amp;page=2"' in first
    assert "Page 2 of 2" in second and second.count("<tr>") - 1 == 1


# --- One render in each state -----------------------------------------------------------


@pytest.mark.parametrize("status", [Render.Status.PENDING, Render.Status.RENDERING])
def test_a_live_render_polls_its_fragment(web, user, status):
    render = _render(user, status=status, started_at=timezone.now() if status == "rendering" else None)

    for html in (_page(web, render), _fragment(web, render)):
        assert f'hx-get="{reverse("renders:progress", args=[render.pk])}"' in html
        assert POLLING in html
        assert "Cancel render" in html and "Retry" not in html
        assert "<video" not in html


def test_a_rendering_render_shows_progress_elapsed_and_time_left(web, user):
    render = _render(user, status=Render.Status.RENDERING, progress=25,
                     started_at=timezone.now() - timedelta(seconds=30))

    html = _fragment(web, render)

    assert '<progress class="progress" value="25" max="100"' in html
    assert "Running for 30 s · about 1 min 30 s left" in html


def test_no_estimate_before_progress_makes_one_meaningful(web, user):
    render = _render(user, status=Render.Status.RENDERING, progress=2, started_at=timezone.now())
    assert "left" not in _fragment(web, render)


def test_a_complete_render_has_a_player_and_a_download_and_stops_polling(web, user):
    render = _render(user, status=Render.Status.COMPLETE, progress=100, output_size=2_500_000,
                     started_at=timezone.now() - timedelta(seconds=12), completed_at=timezone.now())
    video_url = reverse("renders:video", args=[render.pk])

    for html in (_page(web, render), _fragment(web, render)):
        assert f'<video class="player" src="{video_url}" controls' in html
        assert f'href="{video_url}" download=' in html and "Download MP4" in html
        assert "2.4\xa0MB" in html and "Rendered in 12 s" in html
        assert "hx-trigger" not in html and "hx-get" not in html
        assert "Cancel render" not in html and "Retry" not in html


def test_a_failed_render_explains_itself_in_plain_words(web, user):
    render = _render(user, status=Render.Status.FAILED, error_code="render_failed",
                     error_message="SyntaxError: Unexpected token (3:14)\n    at compile (compile.ts:20)",
                     completed_at=timezone.now())

    for html in (_page(web, render), _fragment(web, render)):
        assert "This render failed.</strong> SyntaxError: Unexpected token (3:14)</p>" in html
        assert "<summary>Technical details</summary>" in html
        assert "hx-trigger" not in html
        assert "Retry" in html and "Cancel render" not in html
        assert "{" not in html.split('id="render-state"')[1]  # no JSON anywhere in the state


def test_a_cancelled_render_offers_a_retry_and_stops_polling(web, user):
    render = _render(user, status=Render.Status.CANCELLED, completed_at=timezone.now())
    html = _page(web, render)
    assert "This render was cancelled" in html and "Retry" in html
    assert "hx-trigger" not in html


def test_the_render_page_links_to_what_it_renders(web, user):
    render = _render(user)
    assert f'<a href="{reverse("clips:detail", args=[render.clip_id])}">{render.clip.name}</a>' in _page(web, render)


def test_a_poll_after_logout_reloads_the_page_instead_of_swapping_in_the_login_form(client, user):
    render = _render(user)

    response = client.get(reverse("renders:progress", args=[render.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    assert response.content == b""


def test_a_restarted_render_says_which_attempt_it_is_and_why(web, user):
    lost, survivor = RenderHostFactory(name="host-a"), RenderHostFactory(name="host-b")
    render = RenderFactory(
        clip=ClipFactory(owner=user), status="rendering", progress=7, host=survivor, restart_count=1,
        lost_host_name=lost.name,
    )
    html = _fragment(web, render)
    assert "Attempt 2: restarted on host-b after host-a was lost." in html
    assert "<strong>7%</strong>" in html
