"""GET /api/{clips,movies,generations,renders}/{id}/preview/: a signed embed URL and the
snapshot's geometry, owner-scoped, refusing what a render request would refuse."""
import pytest

from generations.models import Generation
from previews.tokens import PreviewGrant, token_read
from renders.requests.snapshots import snapshot_for_movie
from tests.factories import ClipFactory, GenerationFactory, RenderFactory, movie_with_clips

pytestmark = pytest.mark.django_db


def _token(embed_url):
    assert embed_url.startswith("/embed/") and embed_url.endswith("/")
    return embed_url.removeprefix("/embed/").removesuffix("/")


def test_a_clip_preview_names_its_embed_page_and_geometry(api, user):
    clip = ClipFactory(owner=user, duration_in_frames=45, fps=15)

    body = api.get(f"/api/clips/{clip.pk}/preview/").json()

    assert {key: body[key] for key in ("composition_id", "width", "height", "fps", "duration_in_frames")} == {
        "composition_id": "DynamicCode", "width": 1920, "height": 1080, "fps": 15, "duration_in_frames": 45,
    }
    assert token_read(_token(body["embed_url"])) == PreviewGrant(kind="clip", target_id=clip.pk, owner_id=user.pk)
    assert body["expires_at"]


def test_a_movie_preview_at_a_size_is_that_size_of_render(api, user):
    movie = movie_with_clips(30, 20, owner=user)

    body = api.get(f"/api/movies/{movie.pk}/preview/?width=320&height=180").json()

    snapshot = snapshot_for_movie(movie, (320, 180))
    assert (body["composition_id"], body["width"], body["height"]) == ("MovieComposition", 320, 180)
    assert body["duration_in_frames"] == snapshot.duration_in_frames == 50
    assert token_read(_token(body["embed_url"])).size == (320, 180)


def test_a_generation_preview_uses_its_aspect_ratio(api, user):
    generation = GenerationFactory(owner=user, aspect_ratio="9:16")

    body = api.get(f"/api/generations/{generation.pk}/preview/").json()

    assert (body["width"], body["height"]) == Generation.DIMENSIONS["9:16"]


def test_a_render_preview_is_the_render_snapshot(api, user):
    render = RenderFactory(owner=user, width=640, height=360, fps=10, duration_in_frames=20)

    body = api.get(f"/api/renders/{render.pk}/preview/").json()

    assert (body["width"], body["height"], body["fps"], body["duration_in_frames"]) == (640, 360, 10, 20)
    assert token_read(_token(body["embed_url"])).kind == "render"


@pytest.mark.parametrize("kind", ["clips", "movies", "generations", "renders"])
def test_another_users_object_is_a_404(api, other_user, kind):
    target = {
        "clips": lambda: ClipFactory(owner=other_user),
        "movies": lambda: movie_with_clips(30, owner=other_user),
        "generations": lambda: GenerationFactory(owner=other_user),
        "renders": lambda: RenderFactory(owner=other_user),
    }[kind]()

    response = api.get(f"/api/{kind}/{target.pk}/preview/")

    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_what_a_render_request_refuses_a_preview_refuses_alike(api, user):
    too_long = ClipFactory(owner=user, duration_in_frames=601, fps=30)
    pending = GenerationFactory(owner=user, status=Generation.Status.PENDING, code="")
    empty_movie = movie_with_clips(owner=user)

    assert api.get(f"/api/clips/{too_long.pk}/preview/").json()["code"] == "clip_too_long"
    assert api.get(f"/api/generations/{pending.pk}/preview/").json()["code"] == "generation_not_ready"
    assert api.get(f"/api/movies/{empty_movie.pk}/preview/").json()["code"] == "no_valid_scenes"
    fine = ClipFactory(owner=user)
    odd = api.get(f"/api/clips/{fine.pk}/preview/?width=321&height=180")
    assert (odd.status_code, odd.json()["code"]) == (400, "invalid_resolution")
    half = api.get(f"/api/clips/{fine.pk}/preview/?width=320")
    assert (half.status_code, half.json()["code"]) == (400, "validation_error")


def test_previews_need_authentication(anon_api, user):
    clip = ClipFactory(owner=user)
    assert anon_api.get(f"/api/clips/{clip.pk}/preview/").status_code in (401, 403)
