"""The render endpoints: 202 on start, one error shape, owner scoping, downloads."""
import urllib.request

import pytest
from django.utils import timezone

from renders.lifecycle import starts, transitions
from renders.models import Render
from tests.factories import ClipFactory, GenerationFactory, MovieFactory, UserFactory
from tests.fakes.remotion_farm import Done

pytestmark = pytest.mark.django_db

SMALL = {"width": 320, "height": 180}


@pytest.fixture(autouse=True)
def farm(fake_lambda):
    return fake_lambda


@pytest.fixture
def clip(user):
    return ClipFactory(owner=user, duration_in_frames=30)


def start_clip_render(api, clip, body=SMALL):
    return api.post(f"/api/clips/{clip.pk}/render/", body, format="json")


def test_starting_a_render_answers_202_and_queues_the_start_on_commit(
    api, clip, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = start_clip_render(api, clip)
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending" and body["progress"] == 0 and body["clip"] == clip.pk
    assert (body["width"], body["height"], body["download_url"]) == (320, 180, None)
    assert len(callbacks) == 1
    assert Render.objects.get(pk=body["id"]).input_props["code"] == clip.code


@pytest.mark.parametrize("kind", ["clip", "movie", "generation"])
def test_another_users_target_is_a_404_and_creates_nothing(api, other_user, kind):
    target = {"clip": ClipFactory, "movie": MovieFactory, "generation": GenerationFactory}[kind](owner=other_user)
    response = api.post(f"/api/{kind}s/{target.pk}/render/", SMALL, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not Render.objects.exists()


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"width": 320}, 400, "validation_error"),
        ({"width": "wide", "height": 180}, 400, "validation_error"),
        ({"width": 3840, "height": 2160}, 400, "resolution_too_large"),
        ({"width": 321, "height": 180}, 400, "invalid_resolution"),
    ],
)
def test_bad_render_requests_are_refused_with_a_stable_code(api, clip, body, status, code):
    response = start_clip_render(api, clip, body)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not Render.objects.exists()


def test_malformed_json_is_a_400(api, clip):
    response = api.post(f"/api/clips/{clip.pk}/render/", "{not json", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "malformed_json")


def test_limit_errors_carry_the_product_message(api, user):
    too_long = ClipFactory(owner=user, duration_in_frames=601, fps=30)
    response = start_clip_render(api, too_long)
    assert response.status_code == 400
    assert response.json() == {"code": "clip_too_long", "detail": "Clip too long. Maximum duration is 20 seconds."}
    empty_movie = MovieFactory(owner=user)
    response = api.post(f"/api/movies/{empty_movie.pk}/render/", {}, format="json")
    assert response.json() == {"code": "no_valid_scenes", "detail": "Movie has no valid scenes"}


def test_missing_farm_configuration_is_a_503_and_costs_nothing(api, clip, settings):
    settings.REMOTION_SERVE_URL = None
    response = start_clip_render(api, clip)
    assert response.status_code == 503
    assert response.json()["code"] == "render_service_not_configured"
    assert response.json()["detail"].startswith("Render service not configured.")
    assert not Render.objects.exists()


def test_the_sixth_render_in_an_hour_is_a_429_and_rejected_requests_cost_nothing(api, clip, user):
    for _ in range(3):
        assert start_clip_render(api, clip, {"width": 321, "height": 180}).status_code == 400
    for _ in range(5):
        assert start_clip_render(api, clip).status_code == 202

    response = start_clip_render(api, clip)

    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "quota_exceeded"
    assert body["detail"] == (
        "Render quota exceeded. You can render up to 5 videos per hour. Please try again later."
    )
    assert 3500 < int(response["Retry-After"]) <= 3600
    assert Render.objects.filter(owner=user).count() == 5


def test_quota_endpoint_reports_use_and_reset(api, clip):
    start_clip_render(api, clip)
    first = Render.objects.get()
    body = api.get("/api/renders/quota/").json()
    assert (body["limit"], body["used"], body["remaining"]) == (5, 1, 4)
    assert body["resets_at"].startswith((first.created_at + timezone.timedelta(hours=1)).isoformat()[:19])


def test_bursts_of_starts_are_throttled(api, clip, settings):
    settings.RENDER_BURST_RATE = "2/m"
    settings.RENDER_QUOTA_PER_HOUR = 50
    assert [start_clip_render(api, clip).status_code for _ in range(3)] == [202, 202, 429]
    response = start_clip_render(api, clip)
    assert response.json()["code"] == "rate_limited" and int(response["Retry-After"]) >= 1


def test_render_list_is_owner_scoped_filterable_and_newest_first(api, user, other_user, clip):
    movie = MovieFactory(owner=user)
    start_clip_render(api, clip)
    start_clip_render(api, ClipFactory(owner=user))
    Render.objects.create(
        owner=other_user, kind="movie", movie=MovieFactory(owner=other_user), backend="lambda",
        composition_id="MovieComposition", input_props={}, width=2, height=2, fps=30, duration_in_frames=1,
    )
    listed = api.get("/api/renders/").json()
    assert listed["count"] == 2
    assert [r["id"] for r in listed["results"]] == sorted((r["id"] for r in listed["results"]), reverse=True)
    assert api.get(f"/api/renders/?clip={clip.pk}").json()["count"] == 1
    assert api.get(f"/api/renders/?movie={movie.pk}").json()["count"] == 0
    assert api.get("/api/renders/?status=pending").json()["count"] == 2
    assert api.get("/api/renders/?status=done").json()["code"] == "invalid_filter"
    assert api.get("/api/renders/?clip=abc").status_code == 400


def test_render_detail_fields_and_scoping(api, clip, other_user):
    render_id = start_clip_render(api, clip).json()["id"]
    body = api.get(f"/api/renders/{render_id}/").json()
    for field in ("id", "kind", "status", "progress", "error_code", "error", "output_size", "created_at",
                  "started_at", "completed_at", "movie", "clip", "generation", "download_url"):
        assert field in body
    Render.objects.filter(pk=render_id).update(owner=other_user)
    for url in ("", "download/"):
        assert api.get(f"/api/renders/{render_id}/{url}").status_code == 404
    for url in ("retry/", "cancel/"):
        assert api.post(f"/api/renders/{render_id}/{url}").status_code == 404


def test_download_redirects_to_a_fresh_working_url_once_complete(api, clip, farm):
    farm.farm.script_next_render(Done())
    render_id = start_clip_render(api, clip).json()["id"]
    response = api.get(f"/api/renders/{render_id}/download/")
    assert (response.status_code, response.json()["code"]) == (409, "render_not_complete")

    starts.render_start(render_id)
    farm.farm.advance()
    transitions.render_refresh(Render.objects.get(pk=render_id))
    detail = api.get(f"/api/renders/{render_id}/").json()
    assert detail["status"] == "complete"
    assert detail["download_url"].endswith(f"/api/renders/{render_id}/download/")

    first = api.get(f"/api/renders/{render_id}/download/")
    assert first.status_code == 302
    with urllib.request.urlopen(first["Location"]) as downloaded:
        assert downloaded.read()[4:8] == b"ftyp"


def test_cancel_and_retry_follow_the_state_rules(api, clip):
    render_id = start_clip_render(api, clip).json()["id"]
    assert api.post(f"/api/renders/{render_id}/retry/").json()["code"] == "render_not_retryable"

    cancelled = api.post(f"/api/renders/{render_id}/cancel/")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    again = api.post(f"/api/renders/{render_id}/cancel/")
    assert (again.status_code, again.json()["code"]) == (409, "render_not_cancellable")

    retried = api.post(f"/api/renders/{render_id}/retry/")
    assert retried.status_code == 202
    assert retried.json()["retry_of"] == render_id and retried.json()["status"] == "pending"
    assert Render.objects.get(pk=retried.json()["id"]).input_props == Render.objects.get(pk=render_id).input_props


def test_retry_goes_through_the_quota(api, clip, settings):
    settings.RENDER_QUOTA_PER_HOUR = 1
    render_id = start_clip_render(api, clip).json()["id"]
    api.post(f"/api/renders/{render_id}/cancel/")
    assert api.post(f"/api/renders/{render_id}/retry/").json()["code"] == "quota_exceeded"


def test_anonymous_requests_are_401(anon_api, clip):
    response = anon_api.post(f"/api/clips/{clip.pk}/render/", SMALL, format="json")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert anon_api.get("/api/renders/").status_code == 401


def test_another_user_sees_none_of_my_renders(api, clip):
    start_clip_render(api, clip)
    from rest_framework.test import APIClient

    stranger = APIClient()
    stranger.force_authenticate(UserFactory())
    assert stranger.get("/api/renders/").json()["count"] == 0
    assert stranger.get("/api/renders/quota/").json()["used"] == 0

