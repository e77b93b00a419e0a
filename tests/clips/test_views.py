import pytest
from django.urls import reverse

from renders.models import Render
from tests.factories import ClipFactory
from tests.page_helpers import BLOCKER, render_button, spend_quota

pytestmark = pytest.mark.django_db


def test_the_list_shows_only_the_editors_clips(web, user, other_user):
    ClipFactory(owner=user, name="Kinetic title", duration_in_frames=45, fps=15)
    ClipFactory(owner=other_user, name="Not yours")

    page = web.get(reverse("clips:list")).content.decode()

    assert "Kinetic title" in page and "45 frames" in page and "(3.0 s)" in page
    assert "Not yours" not in page


def test_the_detail_shows_the_code_read_only_and_escaped(web, user):
    clip = ClipFactory(owner=user, raw_code="const a = <b>1</b>;", code="export default () => null; // compiled")

    page = web.get(reverse("clips:detail", args=[clip.pk])).content.decode()

    assert "<pre class=\"code\"" in page
    assert "const a = &lt;b&gt;1&lt;/b&gt;;" in page
    assert "<textarea" not in page and "compiled" not in page
    assert "disabled" not in render_button(page)


def test_another_editors_clip_is_a_404_and_cannot_be_rendered(web, other_user):
    clip = ClipFactory(owner=other_user)

    assert web.get(reverse("clips:detail", args=[clip.pk])).status_code == 404
    assert web.post(reverse("clips:render", args=[clip.pk])).status_code == 404
    assert not Render.objects.exists()


def test_render_starts_and_lands_on_the_render_page(web, user):
    clip = ClipFactory(owner=user)

    response = web.post(reverse("clips:render", args=[clip.pk]))

    render = Render.objects.get()
    assert (render.kind, render.clip, render.width, render.height) == ("clip", clip, 1920, 1080)
    assert response.url == reverse("renders:detail", args=[render.pk])


def test_a_clip_over_the_limit_cannot_be_rendered(web, user):
    clip = ClipFactory(owner=user, duration_in_frames=601, fps=30)

    page = web.get(reverse("clips:detail", args=[clip.pk])).content.decode()
    assert "disabled" in render_button(page)
    assert BLOCKER.format("Clip too long. Maximum duration is 20 seconds.") in page

    response = web.post(reverse("clips:render", args=[clip.pk]), follow=True)

    assert b"Clip too long. Maximum duration is 20 seconds." in response.content
    assert response.redirect_chain == [(reverse("clips:detail", args=[clip.pk]), 302)]
    assert not Render.objects.exists()


def test_a_spent_quota_disables_the_clip_render_button(web, user):
    clip = ClipFactory(owner=user)
    spend_quota(user)

    page = web.get(reverse("clips:detail", args=[clip.pk])).content.decode()

    assert "disabled" in render_button(page)
    assert "Render quota exceeded." in page
