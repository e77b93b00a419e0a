"""The movie editor's timeline and the sandboxed preview player (previews/) drive each
other through the player's postMessage protocol, an edit renews the preview, and the
frame it shows can become the movie's poster frame."""
import pytest
from playwright.sync_api import expect

from movies.models import Movie

from tests.browser.conftest import shoot
from tests.browser.preview_helpers import player_bundle  # noqa: F401 (a fixture)
from tests.browser.test_movie_editor import _editing, _editor_total, _library, _seek

pytestmark = pytest.mark.browser


def test_the_playhead_and_the_preview_follow_each_other_and_an_edit_renews_it(
    live_server, open_page, editor, player_bundle  # noqa: F811
):
    clips = _library(editor)
    # Tall enough for the player and the timeline at once: Chromium does not paint a
    # cross-origin frame scrolled out of view, and the player reports painted frames.
    page = open_page(viewport={"width": 1280, "height": 1400})
    _editing(page, live_server, editor, "With a preview", clips[:2])
    page.evaluate("window.scrollTo(0, 0)")
    preview = page.frame_locator("iframe[data-preview]")
    expect(preview.locator("html[data-frame-ready]")).to_be_attached()

    _seek(page, 12)  # the timeline seeks the player
    expect(preview.locator("html[data-frame-ready='12']")).to_be_attached()
    expect(page.locator(".clip-block").nth(1)).to_have_class("clip-block is-current")

    page.keyboard.press("Space")  # the player plays, and its frames move the playhead
    expect(page.locator("[data-playhead]")).not_to_have_attribute("aria-valuenow", "12")
    page.keyboard.press("Space")

    page.get_by_role("button", name="Add Outro").click()
    _editor_total(page, 30)
    # The renewed preview plays the 30-frame movie (the old one stopped at frame 19), and
    # the keyboard still drives the timeline while it starts.
    _seek(page, 25)
    expect(preview.locator("html[data-frame-ready='25']")).to_be_attached()
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "editor-with-preview")

    page.locator("summary", has_text="Poster").click()
    page.get_by_role("button", name="Use the playhead").click()
    expect(page.get_by_label("Frame of the movie")).to_have_value("25")
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "movie-poster-frame")
    page.get_by_role("button", name="Save poster").click()
    expect(page.get_by_text("Poster frame saved")).to_be_visible()
    assert Movie.objects.get(owner=editor).poster_frame == 25
