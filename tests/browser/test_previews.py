"""Preview = render, in real Chromium: the player bundle against real renders of the same
snapshot, the sandbox against hostile clips, and the postMessage protocol."""
import re

import pytest
from playwright.sync_api import expect

from movies.services import movie_create, movie_insert_scene, scene_split, scene_update
from renders.models import Render
from renders.requests.snapshots import snapshot_for_movie
from tests.browser.conftest import log_in, shoot
from tests.browser.preview_helpers import (
    embed_url, frame_ready, mean_abs_diff, player_bundle, png_rows, rgb_rows,  # noqa: F401 (fixture)
)
from tests.factories import ClipFactory, RenderFactory
from tests.farm.backends.hostile import NAVIGATION_PROBES, PROBES, Listener, probe_clip
from tests.local_render import decoded_frames, output_path, start, wait_final

pytestmark = pytest.mark.browser

SIZE = (320, 180)
# Each frame a different hue and number, so frames far apart differ a lot.
HUE_CODE = """import {AbsoluteFill, useCurrentFrame} from 'remotion';
export default function Hue() {
  const frame = useCurrentFrame();
  return (
    <AbsoluteFill style={{backgroundColor: `hsl(${frame * 36}, 80%, 50%)`, color: 'white',
      justifyContent: 'center', alignItems: 'center', fontSize: 90, fontFamily: 'sans-serif'}}>
      {frame}
    </AbsoluteFill>
  );
}
"""
BARS_CODE = """import {AbsoluteFill, useCurrentFrame, useVideoConfig} from 'remotion';
export default function Bars() {
  const frame = useCurrentFrame();
  const {width} = useVideoConfig();
  return (
    <AbsoluteFill style={{backgroundColor: '#101828'}}>
      <div style={{position: 'absolute', top: 0, bottom: 0, width: width / 5, left: frame * width / 10,
        backgroundColor: '#f5c518'}} />
    </AbsoluteFill>
  );
}
"""
# Scene 1: the hue clip from its frame 2 (8 frames); scenes 2 and 3: the bars clip split
# at its frame 5. Movie frames 0-7, 8-12, 13-17.
BOUNDARIES = (0, 7, 8, 12, 13, 17)


def _two_clip_movie(owner):
    hue = ClipFactory(owner=owner, name="Hue", code=HUE_CODE, raw_code=HUE_CODE, duration_in_frames=10, fps=10)
    bars = ClipFactory(owner=owner, name="Bars", code=BARS_CODE, raw_code=BARS_CODE, duration_in_frames=10, fps=10)
    movie = movie_create(owner=owner, name="Preview equals render", fps=10)
    movie_insert_scene(movie=movie, clip=hue)
    movie_insert_scene(movie=movie, clip=bars)
    scene_update(scene=movie.scenes.get(clip=hue), trim_start=2)
    scene_split(scene=movie.scenes.get(clip=bars), frame=5)
    return movie


def _render_of(movie, size):
    """A Render row from the same snapshot function the preview uses, as a request makes it."""
    snapshot = snapshot_for_movie(movie, size)
    return Render.objects.create(
        owner=movie.owner, kind=Render.Kind.MOVIE, movie=movie, backend=Render.Backend.LOCAL,
        composition_id=snapshot.composition_id, input_props=snapshot.input_props, width=snapshot.width,
        height=snapshot.height, fps=snapshot.fps, duration_in_frames=snapshot.duration_in_frames,
    )


def test_preview_frames_match_the_render_of_the_same_movie(
    live_server, open_page, editor, settings, local_backend, player_bundle
):
    movie = _two_clip_movie(editor)
    render = start(local_backend, _render_of(movie, SIZE))
    page = open_page(viewport={"width": SIZE[0], "height": SIZE[1]})
    previews = {}
    for frame in BOUNDARIES:
        page.goto(embed_url(live_server, editor, "movie", movie, size=SIZE, frame=frame, chrome=0))
        frame_ready(page, frame)
        previews[frame] = png_rows(page.screenshot())
    assert wait_final(local_backend, render).fatal_error is None
    rendered = [rgb_rows(frame) for frame in decoded_frames(output_path(settings, render))[0]]
    assert len(rendered) == 18

    matching = {frame: mean_abs_diff(previews[frame], rendered[frame]) for frame in BOUNDARIES}
    mismatched = {
        (shown, other): mean_abs_diff(previews[shown], rendered[other])
        for shown, other in ((0, 4), (7, 8), (8, 7), (12, 13), (13, 17))
    }
    print(f"preview vs render, matching frames: {matching}; mismatched: {mismatched}")
    assert max(matching.values()) < 0.03, matching
    assert min(mismatched.values()) > 0.06, mismatched


# Beyond the render-time table: what a page in the site's origin would give away.
PARENT_PROBES = {
    "own_cookie": "Promise.resolve().then(() => (document.cookie ? 'leak' : 'blocked')).catch(() => 'blocked')",
    "parent_cookie": "Promise.resolve().then(() => (parent.document.cookie ? 'leak' : 'blocked')).catch(() => 'blocked')",
    "parent_dom": "Promise.resolve().then(() => (parent.document.body.innerHTML ? 'leak' : 'blocked')).catch(() => 'blocked')",
    "storage": "Promise.resolve().then(() => { localStorage.setItem('x', '1'); return 'leak'; }).catch(() => 'blocked')",
    "api_fetch": "fetch(P + '/api/clips/', {credentials: 'include'}).then((r) => (r.ok ? 'leak' : 'blocked'), () => 'blocked')",
    "api_image": "new Promise((r) => { const i = new Image(); i.onload = () => r('leak'); i.onerror = () => r('blocked'); i.src = P + '/api/clips/'; })",
    "top_navigation": "Promise.resolve().then(() => { top.location.href = L + '/top_navigation'; return 'sent'; }).catch(() => 'blocked')",
}
CELL_COLOURS = {"rgb(0, 255, 0)": "blocked", "rgb(255, 0, 0)": "leak", "rgb(0, 0, 255)": "sent"}


def test_hostile_clips_reach_nothing_from_the_preview(live_server, open_page, editor, player_bundle):
    """Every probe of the render-time table (none passes the check on save; a render row
    made directly carries them, as in tests/farm/backends/test_sandbox.py), plus probes
    for the parent page, cookies and the API, in the render page's sandboxed frame."""
    probes = {**PROBES, **NAVIGATION_PROBES, **PARENT_PROBES}
    with Listener() as listener:
        code = probe_clip(listener.origin, probes)
        render = RenderFactory(clip=ClipFactory(owner=editor, code=code, duration_in_frames=20, fps=10))
        page = open_page()
        api_answers = []
        page.on("response", lambda response: "/api/" in response.url and api_answers.append(
            (response.frame == page.main_frame, response.status)))
        log_in(page, live_server, editor)
        page.goto(f"{live_server.url}/renders/{render.pk}/")
        preview = page.frame_locator("iframe[data-preview]")
        cells = preview.locator("div[style*='background-color: black'][style*='flex-direction: row'] > div")
        expect(cells).to_have_count(len(probes), timeout=20_000)
        colours = cells.evaluate_all("(cells) => cells.map((cell) => getComputedStyle(cell).backgroundColor)")
        page.wait_for_timeout(500)  # anything still in flight reaches the listener by now

        outcomes = {name: CELL_COLOURS.get(colour, colour) for name, colour in zip(probes, colours)}
        print(f"preview probe outcomes: {outcomes}")
        assert {name: outcome for name, outcome in outcomes.items() if outcome not in ("blocked", "sent")} == {}
        assert (listener.connections, listener.datagrams, dict(listener.hits)) == (0, 0, {})
    assert [(main, status) for main, status in api_answers if not main and status < 300] == []
    assert page.url == f"{live_server.url}/renders/{render.pk}/" and len(page.context.pages) == 1


# A page on another origin (answered by Playwright, never by a server) that sends the
# preview frame of its parent a seek as soon as it loads.
FOREIGN_ORIGIN = "http://foreign.example"
FOREIGN_PAGE = "<script>parent.frames[0].postMessage({type: 'seek', frame: 3}, '*'); document.title = 'sent';</script>"
HEARD = """() => { window.heard = []; window.addEventListener('message', (event) => {
  if (event.data && event.data.source === 'montage-preview') window.heard.push(event.data); }); }"""


def _seek(page, frame):
    page.evaluate("(frame) => document.querySelector('iframe[data-preview]').contentWindow"
                  ".postMessage({type: 'seek', frame}, '*')", frame)


def test_the_movie_page_plays_the_preview_and_follows_its_playhead(
    live_server, open_page, editor, player_bundle
):
    movie = _two_clip_movie(editor)
    page = open_page()
    page.route(f"{FOREIGN_ORIGIN}/**", lambda route: route.fulfill(body=FOREIGN_PAGE, content_type="text/html"))
    page.add_init_script(f"({HEARD})()")
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/movies/{movie.pk}/")
    preview = page.frame_locator("iframe[data-preview]")
    expect(preview.locator("html[data-frame-ready='0']")).to_be_attached()
    rows = page.locator("#timeline tbody tr")
    expect(rows.nth(0)).to_have_class(re.compile("is-current"))
    assert page.evaluate("window.heard[0]") == {
        "source": "montage-preview", "type": "ready", "durationInFrames": 18, "fps": 10,
    }
    shoot(page, "preview-movie")

    _seek(page, 9)

    expect(preview.locator("html[data-frame-ready='9']")).to_be_attached()
    expect(rows.nth(1)).to_have_class(re.compile("is-current"))
    expect(rows.nth(0)).not_to_have_class(re.compile("is-current"))
    assert page.locator("iframe[data-preview]").get_attribute("data-current-frame") == "9"
    shoot(page, "preview-movie-scene-2")

    # A seek from a frame on another origin is ignored; the parent's next one is not.
    page.evaluate(f"""() => new Promise((done) => {{ const f = document.createElement('iframe');
      f.src = '{FOREIGN_ORIGIN}/'; f.onload = done; document.body.appendChild(f); }})""")
    _seek(page, 14)
    expect(preview.locator("html[data-frame-ready='14']")).to_be_attached()
    expect(rows.nth(2)).to_have_class(re.compile("is-current"))
    frames_heard = [message["frame"] for message in page.evaluate("window.heard") if message["type"] == "frame"]
    assert 3 not in frames_heard and frames_heard[-1] == 14


def test_the_clip_page_shows_the_player_and_a_code_error_as_a_render_would(
    live_server, open_page, editor, player_bundle
):
    clip = ClipFactory(owner=editor, name="Hue", code=HUE_CODE, raw_code=HUE_CODE, duration_in_frames=30, fps=10)
    broken = "import {AbsoluteFill} from 'remotion';\nexport default () => {\n  throw new Error('boom at frame');\n};\n"
    failing = ClipFactory(owner=editor, code=broken, raw_code=broken, duration_in_frames=10, fps=10)
    page = open_page()
    log_in(page, live_server, editor)

    page.goto(f"{live_server.url}/clips/{clip.pk}/")
    expect(page.frame_locator("iframe[data-preview]").locator("html[data-frame-ready='0']")).to_be_attached()
    shoot(page, "preview-clip")
    page.goto(f"{live_server.url}/clips/{failing.pk}/")

    preview = page.frame_locator("iframe[data-preview]")
    expect(preview.locator("html[data-preview-error]")).to_have_attribute("data-preview-error", "boom at frame")
    expect(preview.get_by_role("alert")).to_contain_text("Line 3, column 9: boom at frame")
    expect(page.locator(".preview__status")).to_have_text("The code fails: boom at frame")


def test_code_a_render_refuses_at_compile_shows_its_message_and_position(
    live_server, open_page, editor, player_bundle
):
    """A render row made directly (the check on save would refuse this code): the preview
    fails with the compile message a render fails with, line and column included."""
    bad = "import {AbsoluteFill} from 'remotion';\nexport default () => <AbsoluteFill>{1 +}</AbsoluteFill>;\n"
    render = RenderFactory(clip=ClipFactory(owner=editor, code=bad, duration_in_frames=10, fps=10))
    page = open_page()

    page.goto(embed_url(live_server, editor, "render", render))

    expect(page.locator("html[data-preview-error]")).to_have_attribute(
        "data-preview-error", re.compile(r"^Code error: .*\(2:\d+\)$"))
    expect(page.get_by_role("alert")).to_contain_text("Line 2, column")


def test_a_clip_that_navigates_its_frame_away_reaches_nothing(live_server, open_page, editor, player_bundle):
    """The frame may navigate itself (no policy inside it can stop that); the embedding
    page's frame-src blocks the navigation before any request leaves the browser."""
    with Listener() as listener:
        code = (f"import {{AbsoluteFill}} from 'remotion';\nwindow.location.assign('{listener.origin}/location');\n"
                "export default () => <AbsoluteFill />;\n")
        render = RenderFactory(clip=ClipFactory(owner=editor, code=code, duration_in_frames=20, fps=10))
        page = open_page()
        blocked = []
        page.on("console", lambda message: "frame-src" in message.text and blocked.append(message.text))
        log_in(page, live_server, editor)
        page.goto(f"{live_server.url}/renders/{render.pk}/")

        for _ in range(100):  # Chromium reports the blocked navigation on the page's console
            if blocked:
                break
            page.wait_for_timeout(100)
        page.wait_for_timeout(300)

        assert blocked and (listener.connections, dict(listener.hits)) == (0, {})
    assert page.url == f"{live_server.url}/renders/{render.pk}/"
