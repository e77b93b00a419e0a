"""Stills through the API on the local backend: rendered by the shared warm service, stored
by content (the same still asked twice renders once), served from their URL, a code error
answered as one, a slow one answered 202 with a Location to poll, their own rate limit.
"""
import io
import time

import av
import pytest

from farm.backends import warm_service
from tests.factories import ClipFactory
from tests.warm_render import wait_ready

pytestmark = [pytest.mark.django_db, pytest.mark.render]

RED = "import {AbsoluteFill} from 'remotion';\nexport default () => <AbsoluteFill style={{backgroundColor: '#ff0000'}} />;\n"


def image_of(client, url):
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200, url
    with av.open(io.BytesIO(b"".join(response.streaming_content))) as container:
        frame = next(container.decode(video=0)).to_rgb()
    plane = bytes(frame.planes[0])
    offset = (frame.height // 2) * frame.planes[0].line_size + (frame.width // 2) * 3
    return frame.width, frame.height, tuple(plane[offset : offset + 3]), response["Content-Type"]


def test_the_same_still_asked_twice_renders_once(api, user, warm_backend):
    clip = ClipFactory(owner=user, code=RED, duration_in_frames=10, fps=10)
    jobs_before = wait_ready(0)["jobs"]
    request = {"frame": 3, "width": 320, "height": 180, "format": "png"}

    first = api.post(f"/api/clips/{clip.pk}/still/", request, format="json")
    second = api.post(f"/api/clips/{clip.pk}/still/", request, format="json")

    assert first.status_code == 200, first.json()
    assert {k: v for k, v in first.json().items() if k != "url"} == {
        "frame": 3, "width": 320, "height": 180, "format": "png", "cached": False
    }
    assert second.json() == {**first.json(), "cached": True}
    assert wait_ready(0)["jobs"] == jobs_before + 1
    width, height, (red, green, blue), content_type = image_of(api, first.json()["url"])
    assert (width, height, content_type) == (320, 180, "image/png")
    assert red > 200 and green < 60 and blue < 60


def test_another_frame_or_format_is_another_still(api, user, warm_backend):
    clip = ClipFactory(owner=user, code=RED, duration_in_frames=10, fps=10)
    urls = set()
    for frame, image_format in ((0, "jpeg"), (1, "jpeg"), (1, "webp")):
        response = api.post(
            f"/api/clips/{clip.pk}/still/", {"frame": frame, "width": 320, "height": 180, "format": image_format},
            format="json",
        )
        assert response.status_code == 200 and not response.json()["cached"]
        urls.add(response.json()["url"])
    assert len(urls) == 3


def test_a_code_error_is_a_400_naming_it(api, user, warm_backend):
    code = "import {AbsoluteFill} from 'remotion';\nthrow new Error('broken on purpose');\nexport default () => <AbsoluteFill />;\n"
    clip = ClipFactory(owner=user, code=code, duration_in_frames=10, fps=10)

    response = api.post(f"/api/clips/{clip.pk}/still/", {"frame": 0, "width": 320, "height": 180, "format": "jpeg"})

    assert response.status_code == 400
    assert response.json()["code"] == "code_error"
    assert "broken on purpose" in response.json()["detail"]


def test_a_still_not_ready_in_time_is_a_202_with_a_location_to_poll(api, user, warm_backend, settings):
    settings.STILL_WAIT_SECONDS = 0
    clip = ClipFactory(owner=user, code=RED, duration_in_frames=10, fps=10)

    response = api.post(f"/api/clips/{clip.pk}/still/", {"frame": 2, "width": 320, "height": 180, "format": "jpeg"})

    assert response.status_code == 202
    location = response["Location"].removeprefix("http://testserver")
    deadline = time.monotonic() + 60
    while (polled := api.get(location)).status_code == 202 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert polled.status_code == 200
    assert polled.json()["frame"] == 2 and polled.json()["cached"] is False


def test_frame_and_format_are_checked_and_others_clips_are_404(api, user, other_user):
    clip = ClipFactory(owner=user, duration_in_frames=10)
    url = f"/api/clips/{clip.pk}/still/"
    assert api.post(url, {"frame": 10, "format": "png"}).json()["code"] == "invalid_frame"
    assert api.post(url, {"frame": 0, "format": "gif"}).status_code == 400
    other = ClipFactory(owner=other_user)
    assert api.post(f"/api/clips/{other.pk}/still/", {"frame": 0, "format": "png"}).status_code == 404


def test_stills_have_their_own_rate_limit(api, user, settings, warm_backend):
    settings.STILL_RATE = "1/m"
    clip = ClipFactory(owner=user, code=RED, duration_in_frames=10, fps=10)
    request = {"frame": 0, "width": 320, "height": 180, "format": "jpeg"}
    assert api.post(f"/api/clips/{clip.pk}/still/", request).status_code == 200

    response = api.post(f"/api/clips/{clip.pk}/still/", request)

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert warm_service.status(0) is not None
