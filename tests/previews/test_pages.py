"""Every page of something renderable frames its preview sandboxed, with a fresh link."""
import re

import pytest

from generations.models import Generation
from previews.tokens import token_read
from tests.factories import ClipFactory, GenerationFactory, RenderFactory, movie_with_clips

pytestmark = pytest.mark.django_db


def _frames(response):
    return re.findall(r"<iframe [^>]*>", response.content.decode())


@pytest.mark.parametrize("kind", ["clips", "movies", "generations", "renders"])
def test_the_page_frames_its_preview_sandboxed(web, user, kind):
    target = {
        "clips": lambda: ClipFactory(owner=user),
        "movies": lambda: movie_with_clips(30, 20, owner=user),
        "generations": lambda: GenerationFactory(owner=user),
        "renders": lambda: RenderFactory(clip=ClipFactory(owner=user)),
    }[kind]()

    (frame,) = _frames(web.get(f"/{kind}/{target.pk}/"))

    assert 'sandbox="allow-scripts"' in frame and "allow-same-origin" not in frame
    token = re.search(r'src="/embed/([^/"]+)/"', frame).group(1)
    grant = token_read(token)
    assert (grant.target_id, grant.owner_id) == (target.pk, user.pk)


def test_the_movie_timeline_rows_carry_their_frames(web, user):
    movie = movie_with_clips(30, 20, owner=user)
    html = web.get(f"/movies/{movie.pk}/").content.decode()
    assert 'data-timeline="timeline"' in html and 'id="timeline"' in html
    assert re.findall(r'data-start="(\d+)" data-end="(\d+)"', html) == [("0", "30"), ("30", "50")]


def test_no_preview_where_a_render_would_be_refused(web, user):
    too_long = ClipFactory(owner=user, duration_in_frames=601, fps=30)
    pending = GenerationFactory(owner=user, status=Generation.Status.PENDING, code="")

    clip_page = web.get(f"/clips/{too_long.pk}/")

    assert _frames(clip_page) == [] and "No preview: Clip too long." in clip_page.content.decode()
    assert _frames(web.get(f"/generations/{pending.pk}/")) == []


def test_a_complete_render_shows_its_video_instead(web, user):
    render = RenderFactory(clip=ClipFactory(owner=user), status="complete", progress=100)
    assert _frames(web.get(f"/renders/{render.pk}/")) == []
