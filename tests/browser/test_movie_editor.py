"""The studio in a real browser: a whole editing session on the movie editor's timeline
(create, insert from the picker, trim by dragging with snapping, split at the playhead,
reorder by dragging, undo, redo, render), two tabs editing one movie, and an axe-core
accessibility check. Screenshots land in test-artifacts/screenshots/."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from movies.models import Movie
from renders.models import Render
from tests.browser.conftest import log_in, shoot
from tests.browser.test_render_flow import TITLE_CODE, _Driver
from tests.factories import ClipFactory
from tests.local_render import decoded_frames, output_path
from tests.movies.timeline import timeline

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "remotion" / "node_modules" / "axe-core" / "axe.min.js"
ZOOM = 10  # px per frame while dragging: 1 frame = 10 px


def _library(owner):
    """Three 10-frame clips at 10 fps: a whole movie stays a few frames long."""
    title = ClipFactory(owner=owner, name="Title card", duration_in_frames=10, fps=10, code=TITLE_CODE)
    return [title, *(ClipFactory(owner=owner, name=name, duration_in_frames=10, fps=10) for name in ("Counter", "Outro"))]


def _editor_total(page, frames):
    expect(page.locator("#timeline-editor")).to_have_attribute("data-total", str(frames))


def _drag(page, locator, dx, dy=0):
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y + dy, steps=5)
    page.mouse.move(x + dx, y + dy, steps=5)
    page.mouse.up()


def _saved(page, version):
    """Wait for the edit to come back: the editor is swapped in at the next version."""
    expect(page.locator("#timeline-editor")).to_have_attribute("data-etag", f'"{version}"')
    # ...and mounted by timeline.js: a control used before that has no listener yet.
    expect(page.locator("#timeline-editor")).to_have_attribute("data-mounted", "true")
    return version


def _seek(page, frame):
    """Step the playhead to `frame` with the keyboard. A preview renewed by the last edit
    may take the focus for a moment while it starts (timeline.js gives it back): keys
    pressed in that moment go to the player, so step again from where the playhead is."""
    playhead = page.locator("[data-playhead]")
    for _ in range(3):
        playhead.focus()
        now = int(playhead.get_attribute("aria-valuenow"))
        for _ in range(abs(frame - now)):
            page.keyboard.press("ArrowRight" if frame > now else "ArrowLeft")
        page.wait_for_timeout(200)
        if playhead.get_attribute("aria-valuenow") == str(frame):
            break
    expect(playhead).to_have_attribute("aria-valuenow", str(frame))


def _axe_serious(page):
    # Evaluated rather than added as a <script>: Playwright's add_script_tag fails on the
    # policy header of the preview frame's page ("Unrecognized ... directive 'webrtc'").
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_a_whole_editing_session_ends_in_a_render_of_exactly_the_movies_frames(
    live_server, open_page, editor, settings, remotion_bundle_dir
):
    settings.LOCAL_RENDER_BUNDLE_DIR = remotion_bundle_dir
    title, counter, outro = _library(editor)
    page = open_page()
    log_in(page, live_server, editor)

    page.get_by_label("Name").fill("Studio session")
    page.get_by_label("Frames per second").fill("10")
    page.get_by_role("button", name="Create movie").click()
    expect(page.get_by_role("heading", name="Studio session")).to_be_visible()
    movie = Movie.objects.get(owner=editor)
    version = movie.version
    expect(page.locator("[data-timecode]")).to_have_text("00:00:00 · frame 0 of 0")  # the script runs on an empty movie

    for clip, total in ((title, 10), (counter, 20), (outro, 30)):
        page.get_by_role("button", name=f"Add {clip.name}").click()
        version = _saved(page, version + 1)
        _editor_total(page, total)
    assert [clip_id for clip_id, *_ in timeline(movie)] == [title.pk, counter.pk, outro.pk]

    page.locator("[data-zoom]").fill(str(ZOOM))
    # Trim the title's end by dragging: 2.4 frames left would round to 8 frames, but the
    # edge snaps to the playhead at frame 7 (within 8 px).
    _seek(page, 7)
    first = page.locator(".clip-block").nth(0)
    _drag(page, first.locator(".trim-handle--end"), -2.4 * ZOOM)
    version = _saved(page, version + 1)
    _editor_total(page, 27)
    assert timeline(movie)[0] == (title.pk, 0, 3, None)

    # Split the counter (frames 7..16 of the movie) at the playhead, frame 15.
    _seek(page, 15)
    shoot(page, "editor-before-split")
    page.keyboard.press("Control+b")
    version = _saved(page, version + 1)
    expect(page.locator(".clip-block")).to_have_count(4)
    split_layout = [(title.pk, 0, 3, None), (counter.pk, 0, 2, None), (counter.pk, 8, 0, None), (outro.pk, 0, 0, None)]
    assert timeline(movie) == split_layout

    # Reorder by dragging the outro block to the front.
    last = page.locator(".clip-block").nth(3)
    first_box = page.locator(".clip-block").nth(0).bounding_box()
    last_box = last.bounding_box()
    _drag(page, last, first_box["x"] + 5 - (last_box["x"] + last_box["width"] / 2))
    version = _saved(page, version + 1)
    assert [clip_id for clip_id, *_ in timeline(movie)] == [outro.pk, title.pk, counter.pk, counter.pk]
    shoot(page, "editor-after-reorder")

    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    version = _saved(page, version + 1)
    page.keyboard.press("Control+z")
    version = _saved(page, version + 1)
    assert timeline(movie) == split_layout[:1] + [(counter.pk, 0, 0, None), (outro.pk, 0, 0, None)]
    page.keyboard.press("Control+Shift+z")
    version = _saved(page, version + 1)
    assert timeline(movie) == split_layout
    expect(page.get_by_role("button", name=re.compile(r"^Redo"))).to_be_enabled()
    _editor_total(page, 27)
    shoot(page, "editor-session")

    page.locator("#render-size").select_option("draft")
    page.get_by_role("button", name="Render MP4").click()
    page.wait_for_url(re.compile(r"/renders/\d+/$"))
    render = Render.objects.get(movie=movie)
    driver = _Driver(render.pk)
    driver.start()
    expect(page.locator(".render-state--complete")).to_be_visible(timeout=120_000)
    driver.join(timeout=30)
    assert driver.error is None, driver.error

    frames, width, height, fps = decoded_frames(output_path(settings, render))
    movie.refresh_from_db()
    assert (len(frames), width, height, fps) == (movie.total_duration_in_frames, 640, 360, 10)
    assert movie.total_duration_in_frames == 27


def _editing(page, live_server, editor, name, clips):
    """Log in and open a new movie's editor with `clips` added from the picker."""
    movie = Movie.objects.create(owner=editor, name=name, fps=10)
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/movies/{movie.pk}/")
    for index, clip in enumerate(clips):
        page.get_by_role("button", name=f"Add {clip.name}").click()
        _editor_total(page, 10 * (index + 1))
    return movie


def test_a_second_tabs_stale_edit_is_refused_and_offers_a_reload(live_server, open_page, editor):
    page = open_page()
    movie = _editing(page, live_server, editor, "Two tabs", _library(editor)[:2])
    second_tab = page.context.new_page()
    second_tab.goto(page.url)
    _editor_total(second_tab, 20)

    page.get_by_role("button", name="Remove scene 2").click()
    _editor_total(page, 10)
    second_tab.get_by_role("button", name="Add Outro").click()

    alert = second_tab.locator("#editor-alert [role=alert]")
    expect(alert).to_contain_text("This movie was changed elsewhere since you loaded it")
    assert len(timeline(movie)) == 1
    _editor_total(second_tab, 20)  # the stale tab's timeline is left as it was, not overwritten
    shoot(second_tab, "editor-stale-tab")
    second_tab.get_by_role("link", name="Reload the movie").click()
    _editor_total(second_tab, 10)
    second_tab.get_by_role("button", name="Add Outro").click()
    _editor_total(second_tab, 20)


def test_the_editor_pages_have_no_serious_accessibility_violations(live_server, open_page, editor):
    clips = _library(editor)
    page = open_page()
    _editing(page, live_server, editor, "Accessible cut", clips)
    page.locator(".clip-block").nth(1).click()

    assert _axe_serious(page) == []

    page.goto(f"{live_server.url}/clips/{clips[0].pk}/")
    expect(page.locator(".cm-editor")).to_be_visible()
    assert _axe_serious(page) == []


def test_the_clip_editor_marks_a_refused_save_at_its_line_and_saves_a_fix(live_server, open_page, editor):
    clip = ClipFactory(owner=editor, name="Lower third", duration_in_frames=10, fps=10, code=TITLE_CODE)
    page = open_page()
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/clips/{clip.pk}/")
    code = page.locator(".cm-content")
    expect(code).to_contain_text("useCurrentFrame")

    code.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nfetch('https://example.com');")
    page.keyboard.press("Control+s")

    expect(page.locator("#code-error")).to_contain_text("Line 13, column 1")
    expect(page.locator(".cm-lintRange-error")).to_have_count(1)
    expect(page.locator(".cm-content")).to_contain_text("fetch('https://example.com');")
    clip.refresh_from_db()
    assert "fetch" not in clip.code
    shoot(page, "clip-editor-error")

    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Shift+Home")
    page.keyboard.press("Backspace")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Clip saved.")).to_be_visible()
    clip.refresh_from_db()
    assert clip.code.strip() == TITLE_CODE.strip() and "\r" not in clip.code
    shoot(page, "clip-editor")
