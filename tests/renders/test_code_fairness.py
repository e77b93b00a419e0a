"""Renders and the code check: invalid code is refused before any charge, code failures
and --skip-quota renders are not counted, and a retry that would repeat is not offered."""
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from farm.backends.base import failure_code
from movies.models import Scene
from renders.lifecycle import starts, transitions
from renders.models import Render
from renders.requests import services
from renders.requests.quota import quota_status
from tests.api_errors import assert_error
from tests.factories import SIMPLE_CODE, ClipFactory, GenerationFactory, MovieFactory, RenderFactory
from tests.fakes.remotion_farm import Fatal
from tests.page_helpers import spend_quota

pytestmark = pytest.mark.django_db
SMALL = {"width": 320, "height": 180}
FORBIDDEN = "export default () => {\n  new WebSocket('ws://127.0.0.1:9');\n  return null;\n}"
CODE_ERROR = "Code error: Cannot read properties of undefined (reading 'x')"


@pytest.fixture(autouse=True)
def farm(fake_lambda):
    return fake_lambda


def failed(user, error_code, **fields):
    return RenderFactory(clip=ClipFactory(owner=user), status="failed", error_code=error_code, **fields)


@pytest.mark.parametrize("kind", ["clips", "generations"])
def test_a_render_of_code_failing_the_check_is_refused_before_any_charge(api, user, kind):
    factory = ClipFactory if kind == "clips" else GenerationFactory
    target = factory(owner=user, code=FORBIDDEN, duration_in_frames=30)

    body = assert_error(api.post(f"/api/{kind}/{target.pk}/render/", SMALL, format="json"), 400, "code_forbidden_api")

    assert (body["line"], body["column"]) == (2, 7)
    assert not Render.objects.exists()
    assert quota_status(user).used == 0


def test_a_movie_with_a_scene_failing_the_check_names_the_scene(api, user):
    movie = MovieFactory(owner=user)
    for position, code in enumerate([SIMPLE_CODE, "export const S = 1;"]):
        clip = ClipFactory(owner=user, name=f"Part {position + 1}", code=code, duration_in_frames=30)
        Scene.objects.create(movie=movie, clip=clip, position=position)

    body = assert_error(api.post(f"/api/movies/{movie.pk}/render/", SMALL, format="json"), 400, "code_no_default_export")

    assert body["detail"].startswith('scene 2 (clip "Part 2"): ')
    assert not Render.objects.exists()


def test_a_retry_of_a_snapshot_whose_code_fails_the_check_is_refused(api, user):
    render = failed(user, "render_failed")
    render.input_props = {**render.input_props, "code": FORBIDDEN}
    render.save()

    assert_error(api.post(f"/api/renders/{render.pk}/retry/"), 400, "code_forbidden_api")
    assert Render.objects.count() == 1


def test_skip_quota_renders_are_not_counted(user, settings):
    settings.RENDER_QUOTA_PER_HOUR = 2
    clip = ClipFactory(owner=user, duration_in_frames=30)
    for _ in range(3):
        call_command("render", "clip", str(clip.pk), "--skip-quota", "--width=320", "--height=180")

    assert list(Render.objects.values_list("charged", flat=True)) == [False] * 3
    assert quota_status(user).used == 0
    counted = services.render_request(user=user, kind="clip", target=clip, size=(320, 180))
    assert counted.charged and quota_status(user).used == 1


def test_failures_of_the_code_are_not_counted_other_failures_are(user):
    failed(user, "code_error")
    failed(user, "render_failed")
    failed(user, "timed_out")
    RenderFactory(clip=ClipFactory(owner=user), status="cancelled", error_code="")

    assert quota_status(user).used == 3


def test_the_lambda_backend_reports_a_code_error_as_code_error(user, farm):
    farm.farm.script_next_render(Fatal(f"Scene 1: {CODE_ERROR}\n    at compileComponent"))
    render = services.render_request(user=user, kind="clip", target=ClipFactory(owner=user), size=(320, 180))
    starts.render_start(render.pk)
    farm.farm.advance()
    transitions.render_poll(render.pk, Render.objects.get(pk=render.pk).poll_seq)

    render.refresh_from_db()
    assert (render.status, render.error_code) == ("failed", "code_error")
    assert quota_status(user).used == 0


def test_a_code_error_after_frames_were_rendered_is_an_ordinary_failure():
    assert failure_code(CODE_ERROR, frames_rendered=0) == "code_error"
    assert failure_code(CODE_ERROR, frames_rendered=None) == "code_error"
    assert failure_code(CODE_ERROR, frames_rendered=40) == "render_failed"
    assert failure_code("Chromium crashed", frames_rendered=0) == "render_failed"


def test_a_code_error_is_not_retried_by_the_api(api, user):
    render = failed(user, "code_error", error_message=CODE_ERROR)
    assert_error(api.post(f"/api/renders/{render.pk}/retry/"), 409, "render_retry_would_repeat")
    assert Render.objects.count() == 1


def test_a_code_error_is_not_retried_by_the_admin_action(admin_client, user):
    render = failed(user, "code_error")
    response = admin_client.post(
        reverse("admin:renders_render_changelist"),
        {"action": "retry_renders", "_selected_action": [render.pk]},
        follow=True,
    )
    assert "a retry would fail the same way" in response.content.decode()
    assert Render.objects.count() == 1


def test_the_page_of_a_code_error_offers_no_retry_and_says_why(web, user):
    render = failed(user, "code_error", error_message=CODE_ERROR)
    page = web.get(reverse("renders:detail", args=[render.pk])).content.decode()
    assert ">Retry</button>" not in page
    assert "a retry would fail the same way" in page


def test_the_retry_button_is_disabled_with_the_reason_when_the_quota_is_spent(web, user):
    render = failed(user, "render_failed")
    spend_quota(user, limit=4)

    page = web.get(reverse("renders:detail", args=[render.pk])).content.decode()

    button = re.search(r"<button[^>]*>Retry</button>", page).group(0)
    assert "disabled" in button
    assert "Render quota exceeded. You can render up to 5 videos per hour." in page
