"""Retry, cancel and the video URL of the render pages: owner checks and state rules."""
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from renders.models import Render
from tests.factories import ClipFactory, RenderFactory
from tests.page_helpers import spend_quota

pytestmark = pytest.mark.django_db


def _render(user, **fields):
    return RenderFactory(clip=ClipFactory(owner=user), **fields)


def _complete_with_file(user, content):
    render = _render(user, status=Render.Status.COMPLETE, progress=100, completed_at=timezone.now())
    render.output_key = f"renders/{render.pk}.mp4"
    render.output_size = len(content)
    render.save()
    path = settings.MEDIA_ROOT / render.output_key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return render


@pytest.mark.parametrize("action", ["renders:detail", "renders:progress", "renders:video"])
def test_another_editors_render_pages_are_404(web, other_user, action):
    render = _complete_with_file(other_user, b"\x00" * 64)
    assert web.get(reverse(action, args=[render.pk])).status_code == 404


@pytest.mark.parametrize("action, status", [("renders:retry", "failed"), ("renders:cancel", "pending")])
def test_another_editors_render_cannot_be_retried_or_cancelled(web, other_user, action, status):
    render = _render(other_user, status=status)

    assert web.post(reverse(action, args=[render.pk])).status_code == 404

    render.refresh_from_db()
    assert render.status == status
    assert Render.objects.count() == 1


def test_retry_queues_a_new_render_and_shows_it(web, user):
    failed = _render(user, status=Render.Status.FAILED, error_message="Boom")

    response = web.post(reverse("renders:retry", args=[failed.pk]), follow=True)

    retry = Render.objects.exclude(pk=failed.pk).get()
    assert (retry.retry_of, retry.status, retry.input_props) == (failed, "pending", failed.input_props)
    assert response.redirect_chain == [(reverse("renders:detail", args=[retry.pk]), 302)]
    assert f"is being rendered again as render {retry.pk}" in response.content.decode()


def test_a_retry_over_the_quota_is_a_message_and_creates_nothing(web, user):
    failed = _render(user, status=Render.Status.FAILED)
    spend_quota(user, limit=4)

    response = web.post(reverse("renders:retry", args=[failed.pk]), follow=True)

    assert response.redirect_chain == [(reverse("renders:detail", args=[failed.pk]), 302)]
    assert b"Render quota exceeded." in response.content
    assert Render.objects.filter(retry_of=failed).count() == 0


def test_cancel_stops_a_pending_render(web, user):
    render = _render(user, status=Render.Status.PENDING)

    response = web.post(reverse("renders:cancel", args=[render.pk]), follow=True)

    render.refresh_from_db()
    assert render.status == Render.Status.CANCELLED
    assert response.redirect_chain == [(reverse("renders:detail", args=[render.pk]), 302)]
    assert b"Render cancelled." in response.content


@pytest.mark.parametrize("action, status", [("renders:cancel", "complete"), ("renders:retry", "rendering")])
def test_a_button_the_state_no_longer_allows_is_a_message_not_an_error(web, user, action, status):
    render = _render(user, status=status)

    response = web.post(reverse(action, args=[render.pk]), follow=True)

    assert response.status_code == 200
    assert b'class="message message--error"' in response.content
    render.refresh_from_db()
    assert render.status == status


def test_actions_need_a_post(web, user):
    render = _render(user, status=Render.Status.FAILED)
    assert web.get(reverse("renders:retry", args=[render.pk])).status_code == 405
    assert web.get(reverse("renders:cancel", args=[render.pk])).status_code == 405


def test_the_video_serves_byte_ranges_for_the_player(web, user):
    content = bytes(range(256)) * 8
    render = _complete_with_file(user, content)

    response = web.get(reverse("renders:video", args=[render.pk]), HTTP_RANGE="bytes=100-199")

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{len(content)}"
    assert response["Content-Type"] == "video/mp4"
    assert b"".join(response.streaming_content) == content[100:200]


def test_the_video_without_a_range_is_the_whole_file(web, user):
    content = b"\x00\x00\x00\x18ftypisom" + b"\x01" * 100
    render = _complete_with_file(user, content)

    response = web.get(reverse("renders:video", args=[render.pk]))

    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert b"".join(response.streaming_content) == content


def test_the_video_of_an_unfinished_render_is_explained_on_a_page(web, user):
    render = _render(user, status=Render.Status.RENDERING)

    response = web.get(reverse("renders:video", args=[render.pk]))

    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    assert b"This render has no video yet: it is not complete." in response.content


def test_a_video_whose_file_is_gone_is_explained_on_a_page(web, user):
    render = _complete_with_file(user, b"x")
    (settings.MEDIA_ROOT / render.output_key).unlink()

    response = web.get(reverse("renders:video", args=[render.pk]))

    assert response.status_code == 410
    assert b"The rendered file is no longer available." in response.content
