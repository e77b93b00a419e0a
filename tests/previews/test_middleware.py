"""The site's pages frame only the site; the embed page keeps its own policy."""
import pytest

from previews.services import preview_issue
from tests.factories import ClipFactory

pytestmark = pytest.mark.django_db


def test_pages_may_frame_only_the_site(web, user):
    clip = ClipFactory(owner=user)
    assert web.get(f"/clips/{clip.pk}/")["Content-Security-Policy"] == "frame-src 'self'"
    assert web.get("/accounts/login/")["Content-Security-Policy"] == "frame-src 'self'"


def test_the_embed_page_keeps_its_own_policy_and_json_gets_none(client, api, user):
    clip = ClipFactory(owner=user)
    embed = client.get(preview_issue(user=user, kind="clip", target=clip).embed_url)
    assert embed["Content-Security-Policy"].startswith("default-src 'none'")
    assert "Content-Security-Policy" not in api.get(f"/api/clips/{clip.pk}/")
