"""The embed page: its policy headers, its access by signed token, and the props it hands
the player (the render's snapshot)."""
import json
import re

import pytest

from movies.services import movie_insert_scene
from previews.services import preview_issue
from previews.tokens import PreviewGrant, token_issue
from renders.requests.snapshots import snapshot_for_clip, snapshot_for_movie
from tests.factories import ClipFactory, RenderFactory, movie_with_clips

pytestmark = pytest.mark.django_db


def _embed(client, user, kind, target, size=None, query=""):
    return client.get(preview_issue(user=user, kind=kind, target=target, size=size).embed_url + query)


def _policy(response):
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in response["Content-Security-Policy"].split("; ")
    }


def _config(response):
    match = re.search(r'<script id="montage-preview" type="application/json">(.*?)</script>', response.content.decode())
    return json.loads(match.group(1))


def test_the_page_is_sealed_by_its_headers(client, user, settings):
    settings.RENDER_ASSET_HOSTS = ["cdn.example.com"]
    settings.PREVIEW_EMBED_ORIGINS = ["https://app.example.com"]

    response = _embed(client, user, "clip", ClipFactory(owner=user))

    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["http://testserver/static/player/player.js", "'unsafe-eval'"]
    assert "connect-src" not in policy and "frame-src" not in policy
    for directive in ("img-src", "media-src", "font-src"):
        assert policy[directive] == [
            "http://testserver", "data:", "blob:", "https://cdn.example.com", "http://cdn.example.com",
        ]
    assert policy["frame-ancestors"] == ["http://testserver", "https://app.example.com"]
    assert policy["sandbox"] == ["allow-scripts"]
    assert "X-Frame-Options" not in response
    assert (response["Referrer-Policy"], response["Cache-Control"]) == ("no-referrer", "no-store")
    assert '<script src="/static/player/player.js" defer></script>' in response.content.decode()


def test_the_player_gets_the_render_snapshot_of_the_target(client, user):
    clip = ClipFactory(owner=user)
    movie = movie_with_clips(30, 20, owner=user)

    clip_config = _config(_embed(client, user, "clip", clip, query="?frame=12&chrome=0"))
    movie_config = _config(_embed(client, user, "movie", movie, size=(320, 180)))

    assert clip_config["inputProps"] == snapshot_for_clip(clip).input_props
    assert (clip_config["compositionId"], clip_config["frame"], clip_config["chrome"]) == ("DynamicCode", 12, False)
    assert movie_config["inputProps"] == snapshot_for_movie(movie, (320, 180)).input_props
    assert (movie_config["frame"], movie_config["chrome"], movie_config["error"]) == (0, True, None)
    assert movie_config["parentOrigins"] == ["http://testserver"]


def test_a_render_previews_what_it_froze_even_after_its_clip_changed(client, user):
    render = RenderFactory(clip=ClipFactory(owner=user))
    frozen = dict(render.input_props)
    render.clip.code = "export default () => null;\n"
    render.clip.save()

    assert _config(_embed(client, user, "render", render))["inputProps"] == frozen


def test_a_movie_preview_follows_edits_made_after_the_link(client, user):
    movie = movie_with_clips(30, owner=user)
    url = preview_issue(user=user, kind="movie", target=movie).embed_url
    movie_insert_scene(movie=movie, clip=ClipFactory(owner=user, duration_in_frames=20, fps=30))

    assert len(_config(client.get(url))["inputProps"]["scenes"]) == 2


def test_what_a_render_would_refuse_shows_as_the_preview_error(client, user):
    movie = movie_with_clips(30, owner=user)
    url = preview_issue(user=user, kind="movie", target=movie).embed_url
    movie.scenes.all().delete()

    config = _config(client.get(url))

    assert config["error"]["message"] == "Movie has no valid scenes" and config["compositionId"] is None


def test_forged_expired_and_foreign_tokens_get_a_plain_403(client, user, other_user, settings):
    clip = ClipFactory(owner=user)
    foreign, _ = token_issue(PreviewGrant(kind="clip", target_id=clip.pk, owner_id=other_user.pk))
    good = preview_issue(user=user, kind="clip", target=clip).embed_url

    for url in (good.replace("/embed/", "/embed/x"), f"/embed/{foreign}/"):
        response = client.get(url)
        assert response.status_code == 403 and b"expired or is not valid" in response.content
        assert _policy(response)["sandbox"] == ["allow-scripts"]
    settings.PREVIEW_TOKEN_TTL_SECONDS = -1
    assert client.get(good).status_code == 403


def test_a_deleted_target_is_a_403(client, user):
    clip = ClipFactory(owner=user)
    url = preview_issue(user=user, kind="clip", target=clip).embed_url
    clip.delete()
    assert client.get(url).status_code == 403


def test_a_frame_that_is_not_a_number_is_a_400(client, user):
    response = _embed(client, user, "clip", ClipFactory(owner=user), query="?frame=-3")
    assert response.status_code == 400
