"""An editor's whole path in a real browser: log in, open a movie, render it, watch the
progress fragment turn into a video, download it. Screenshots of every page land in
test-artifacts/screenshots/ (git-ignored)."""
import re
import threading

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from generations.models import Generation
from movies.services import movie_create, movie_insert_scene, scene_update
from renders.lifecycle.driver import render_drive
from renders.models import Render
from tests.browser.conftest import log_in, shoot
from tests.factories import ClipFactory, GenerationFactory, MovieFactory, RenderFactory, UserFactory

pytestmark = pytest.mark.browser

TITLE_CODE = """import {AbsoluteFill, interpolate, useCurrentFrame} from 'remotion';
export default function Title() {
  const frame = useCurrentFrame();
  const opacity = interpolate(frame, [0, 6], [0.3, 1], {extrapolateRight: 'clamp'});
  return (
    <AbsoluteFill style={{background: 'linear-gradient(135deg, #2b2d9e, #0f1222)', color: 'white',
      justifyContent: 'center', alignItems: 'center', fontSize: 120, fontFamily: 'sans-serif', opacity}}>
      Montage
    </AbsoluteFill>
  );
}
"""
PHONE = {"width": 390, "height": 844}


def _demo_movie(owner):
    """Built with the timeline services, as an editor would. Tiny on purpose (10-frame
    clips at 10 fps): a page starts renders at 1920x1080."""
    title = ClipFactory(owner=owner, name="Title card", code=TITLE_CODE, raw_code=TITLE_CODE,
                        duration_in_frames=10, fps=10)
    counter = ClipFactory(owner=owner, name="Frame counter", duration_in_frames=10, fps=10)
    doomed = ClipFactory(owner=owner, name="Deleted later", duration_in_frames=10, fps=10)
    movie = movie_create(owner=owner, name="Launch teaser", fps=10)
    for clip in (title, counter, doomed):
        movie_insert_scene(movie=movie, clip=clip)
    scene_update(scene=movie.scenes.get(clip=counter), trim_start=2)
    doomed.delete()  # its scene stays in the movie, shown as missing
    return movie


class _Driver(threading.Thread):
    """Runs the render's real lifecycle (what the Celery tasks do) beside the browser."""

    def __init__(self, render_id):
        super().__init__(daemon=True)
        self.render_id = render_id
        self.error = None

    def run(self):
        try:
            render_drive(self.render_id)
        except Exception as exc:  # reported by the test, which runs in another thread
            self.error = exc
        finally:
            connection.close()


def test_an_editor_renders_a_movie_and_downloads_it(live_server, open_page, editor, settings,
                                                    remotion_bundle_dir):
    settings.LOCAL_RENDER_BUNDLE_DIR = remotion_bundle_dir
    movie = _demo_movie(editor)
    page = open_page()
    progress_polls = []
    page.on("request", lambda request: "/progress/" in request.url and progress_polls.append(request.url))

    log_in(page, live_server, editor, screenshot="01-login")
    shoot(page, "02-movies-list")
    page.get_by_role("link", name="Launch teaser").click()
    expect(page.get_by_role("heading", name="Launch teaser")).to_be_visible()
    expect(page.get_by_text("Missing clip", exact=True)).to_be_visible()
    expect(page.get_by_text("18 frames · 1.8 s at 10 fps")).to_be_visible()
    shoot(page, "03-movie-detail")

    page.get_by_role("button", name="Render MP4").click()
    page.wait_for_url(re.compile(r"/renders/\d+/$"))
    render_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    assert Render.objects.get(pk=render_id).movie_id == movie.pk
    state = page.locator("#render-state")
    expect(state).to_have_attribute("hx-trigger", "every 2s")
    page.evaluate("window.sameDocument = true")

    driver = _Driver(render_id)
    driver.start()
    expect(page.locator(".render-state--rendering")).to_be_visible(timeout=60_000)
    shoot(page, "04-render-in-progress")
    expect(page.locator(".render-state--complete")).to_be_visible(timeout=90_000)
    driver.join(timeout=30)
    assert driver.error is None, driver.error

    # htmx swapped the fragment in place, and the final fragment no longer polls.
    assert page.evaluate("window.sameDocument") is True
    expect(state).not_to_have_attribute("hx-trigger", re.compile(".*"))
    polls_when_final = len(progress_polls)
    assert polls_when_final >= 1
    page.wait_for_timeout(4_500)
    assert len(progress_polls) == polls_when_final

    video = page.locator("video.player")
    expect(video).to_be_visible()
    # The player reads the file through the page's ranged video URL.
    page.wait_for_function("document.querySelector('video.player').readyState >= 1", timeout=15_000)
    assert page.evaluate("document.querySelector('video.player').duration") == pytest.approx(1.8, abs=0.15)
    page.evaluate("""() => new Promise(done => {
        const video = document.querySelector('video.player');
        video.addEventListener('seeked', done, {once: true});
        video.currentTime = 0.7;
    })""")
    shoot(page, "05-render-complete")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download MP4").click()
    download = download_info.value
    assert download.suggested_filename == f"montage-render-{render_id}.mp4"
    assert download.path().stat().st_size > 0

    response = page.request.get(live_server.url + video.get_attribute("src"))
    assert response.status == 200
    assert response.headers["content-type"] == "video/mp4"
    assert response.body()[4:8] == b"ftyp"


def test_a_failed_render_shows_its_error_and_the_other_pages(live_server, open_page, editor):
    clip = ClipFactory(owner=editor, name="Broken lower third", code="export default () => <div>",
                       raw_code="export default () => <div>", duration_in_frames=30, fps=30)
    failed = RenderFactory(clip=clip, status=Render.Status.FAILED, completed_at=timezone.now(),
                           error_code="render_failed",
                           error_message="SyntaxError: Unexpected token, expected \"</\" (1:27)")
    RenderFactory(clip=ClipFactory(owner=editor, name="Title card"), status=Render.Status.COMPLETE,
                  progress=100, completed_at=timezone.now())
    page = open_page()
    log_in(page, live_server, editor)

    page.goto(f"{live_server.url}/renders/{failed.pk}/")
    expect(page.get_by_role("alert")).to_contain_text("This render failed.")
    expect(page.get_by_role("alert")).to_contain_text('SyntaxError: Unexpected token, expected "</" (1:27)')
    expect(page.get_by_role("button", name="Retry")).to_be_visible()
    expect(page.locator("#render-state")).not_to_have_attribute("hx-trigger", re.compile(".*"))
    shoot(page, "06-render-failed")

    page.get_by_role("link", name="Broken lower third").click()
    expect(page.locator(".cm-content")).to_contain_text("export default () => <div>")
    shoot(page, "07-clip-detail")

    page.get_by_role("link", name="Renders", exact=True).click()
    page.get_by_label("Status").select_option("failed")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Clear").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    shoot(page, "08-renders-list")

    generation = GenerationFactory(owner=editor, prompt="A bold title card that slides in from the left",
                                   status=Generation.Status.FAILED, code="", raw_code="",
                                   error_message="The model's answer contained no code.")
    page.goto(f"{live_server.url}/generations/{generation.pk}/")
    expect(page.get_by_text("The model's answer contained no code.")).to_be_visible()
    expect(page.get_by_role("button", name="Render MP4")).to_be_disabled()
    shoot(page, "11-generation-detail")


def test_another_editor_gets_a_404(live_server, open_page, editor):
    movie = MovieFactory(owner=editor, name="Private cut")
    render = RenderFactory(clip=ClipFactory(owner=editor), status=Render.Status.COMPLETE, progress=100)
    page = open_page()
    log_in(page, live_server, UserFactory())

    for path in (f"/movies/{movie.pk}/", f"/renders/{render.pk}/", f"/renders/{render.pk}/video/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 404, path
    page.goto(f"{live_server.url}/movies/{movie.pk}/")
    expect(page.get_by_role("heading", name="Nothing here")).to_be_visible()
    expect(page.get_by_text("Private cut")).to_have_count(0)
    shoot(page, "09-not-found")


def test_the_movie_page_reads_on_a_phone(live_server, open_page, editor):
    movie = _demo_movie(editor)
    page = open_page(viewport=PHONE)
    log_in(page, live_server, editor)

    page.goto(f"{live_server.url}/movies/{movie.pk}/")

    expect(page.get_by_role("button", name="Render MP4")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, "10-movie-detail-phone")
