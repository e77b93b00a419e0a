import re

import pytest
from django.urls import reverse

from movies.models import Scene
from renders.models import Render
from tests.factories import ClipFactory, MovieFactory
from tests.page_helpers import BLOCKER, render_button, spend_quota

pytestmark = pytest.mark.django_db


def _movie(owner, scenes, fps=30):
    """`scenes`: (clip or None, dict of scene fields) in timeline order."""
    movie = MovieFactory(owner=owner, fps=fps)
    for position, (clip, fields) in enumerate(scenes):
        Scene.objects.create(movie=movie, clip=clip, position=position, **fields)
    return movie


def test_the_list_shows_only_the_editors_movies(web, user, other_user):
    MovieFactory(owner=user, name="Launch teaser")
    MovieFactory(owner=other_user, name="Someone else's cut")

    page = web.get(reverse("movies:list")).content.decode()

    assert "Launch teaser" in page
    assert "Someone else" not in page


def test_the_detail_lists_scenes_in_order_with_trims_and_the_missing_clip(web, user):
    intro = ClipFactory(owner=user, name="Intro card", duration_in_frames=90)
    outro = ClipFactory(owner=user, name="Outro card", duration_in_frames=60)
    movie = _movie(
        user,
        [
            (outro, {"trim_start": 10, "trim_end": 5}),
            (None, {}),
            (intro, {"duration_override": 120}),
        ],
    )

    page = web.get(reverse("movies:detail", args=[movie.pk])).content.decode()

    timeline = page[page.index("<h2>Timeline</h2>") :]  # the filmstrip above names the clips too
    assert timeline.index("Outro card") < timeline.index("Missing clip") < timeline.index("Intro card")
    assert re.findall(r'filmstrip__label">\d\. ([^<]+)<', page) == ["Outro card", "Intro card"]
    rows = re.findall(r"<tr[^>]*>.*?</tr>", page, flags=re.S)
    outro_row = next(row for row in rows if "Outro card" in row)
    cells = dict(re.findall(r'data-label="([^"]+)">([^<]*)', outro_row))
    assert (cells["Length"], cells["Trim start"], cells["Trim end"]) == ("60", "10", "5")
    assert "45 frames" in outro_row and "(1.5 s)" in outro_row
    assert "120 frames" in next(row for row in rows if "Intro card" in row)
    assert 'class="is-missing"' in page and "skipped when rendering" in page
    # 45 + 0 + 120 frames at 30 fps
    assert "165 frames · 5.5 s at 30 fps" in page
    assert "<strong>165 frames</strong>" in page


def test_another_editors_movie_is_a_404_and_cannot_be_rendered(web, other_user):
    movie = _movie(other_user, [(ClipFactory(owner=other_user), {})])

    assert web.get(reverse("movies:detail", args=[movie.pk])).status_code == 404
    assert web.post(reverse("movies:render", args=[movie.pk])).status_code == 404
    assert not Render.objects.exists()


def test_rendering_needs_a_post(web, user):
    movie = _movie(user, [(ClipFactory(owner=user), {})])
    assert web.get(reverse("movies:render", args=[movie.pk])).status_code == 405


def test_render_starts_and_lands_on_the_render_page(web, user):
    movie = _movie(user, [(ClipFactory(owner=user), {})])
    page = web.get(reverse("movies:detail", args=[movie.pk])).content.decode()
    assert "disabled" not in render_button(page)
    assert "Not rendered yet." in page

    response = web.post(reverse("movies:render", args=[movie.pk]))

    render = Render.objects.get()
    assert (render.kind, render.movie, render.owner, render.status) == ("movie", movie, user, "pending")
    assert response.status_code == 302 and response.url == reverse("renders:detail", args=[render.pk])
    page = web.get(reverse("movies:detail", args=[movie.pk])).content.decode()
    assert f"render #{render.pk}</a>" in page and "badge--pending" in page


@pytest.mark.parametrize(
    "scenes, reason",
    [
        ([(None, {})], "Movie has no valid scenes"),
        ([], "Movie has no valid scenes"),
        ([(300, {})] * 13, "Movie too long. Maximum duration is 120 seconds."),
        ([(30, {})] * 21, "Movie has too many scenes. Maximum is 20 scenes."),
    ],
)
def test_the_render_button_is_disabled_with_the_limit_it_breaks(web, user, scenes, reason):
    clips = {}
    timeline = [
        (clips.setdefault(frames, ClipFactory(owner=user, duration_in_frames=frames)) if frames else None, fields)
        for frames, fields in scenes
    ]
    movie = _movie(user, timeline)

    page = web.get(reverse("movies:detail", args=[movie.pk])).content.decode()

    assert "disabled" in render_button(page)
    assert BLOCKER.format(reason) in page


def test_the_render_button_says_when_the_quota_is_spent(web, user):
    movie = _movie(user, [(ClipFactory(owner=user), {})])
    spend_quota(user)

    page = web.get(reverse("movies:detail", args=[movie.pk])).content.decode()

    assert "disabled" in render_button(page)
    assert "Render quota exceeded. You can render up to 5 videos per hour." in page
    assert "The next render is possible in 59" in page


def test_a_refused_render_is_a_message_on_the_movie_page_and_creates_nothing(web, user):
    movie = _movie(user, [(ClipFactory(owner=user), {})])
    spend_quota(user)

    response = web.post(reverse("movies:render", args=[movie.pk]), follow=True)

    assert response.redirect_chain == [(reverse("movies:detail", args=[movie.pk]), 302)]
    assert b'class="message message--error" role="alert">Render quota exceeded.' in response.content
    assert Render.objects.filter(movie=movie).count() == 0
    assert Render.objects.count() == 5


def test_bursts_of_render_buttons_are_throttled_like_the_api(web, user, settings):
    settings.RENDER_BURST_RATE = "2/m"
    movie = _movie(user, [(ClipFactory(owner=user), {})])
    for _ in range(3):
        response = web.post(reverse("movies:render", args=[movie.pk]), follow=True)

    assert Render.objects.filter(movie=movie).count() == 2
    assert b"Too many render requests in a short time." in response.content
