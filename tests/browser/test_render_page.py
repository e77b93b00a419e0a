"""The render bundle's page, driven in real Chromium the way Remotion's renderer drives it
(scripts/render.mjs locally, the same bundle on Lambda), without listening to it.

Remotion hears a page exception only while it seeks or screenshots a frame, and a clip
first draws before that listener exists: an error that was only thrown could go unheard
and the render complete with empty frames. So a clip that throws must leave the page in
the state the renderer reads before every frame: not ready, cancelled with the clip's
own message. Checking that state directly is deterministic where a real render is a race.
"""
import json
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest

from tests.factories import SIMPLE_CODE

THROWS = "export default function S() { throw new Error('The clip broke on purpose'); }"
THROWS_FROM_FRAME_2 = """import {AbsoluteFill, useCurrentFrame} from 'remotion';
export default function S() {
  if (useCurrentFrame() >= 2) throw new Error('Broke at frame 2');
  return <AbsoluteFill style={{backgroundColor: 'teal'}} />;
}
"""
SIZE = {"width": 320, "height": 180}
FPS = 10
FRAMES = 5

# What Remotion's setPropsAndEnv defines before the bundle loads (@remotion/renderer 4.0.527).
RENDERER_GLOBALS = """
window.remotion_puppeteerTimeout = 10000;
window.process = {env: {NODE_ENV: 'production'}};
window.remotion_inputProps = %(props)s;
window.remotion_initialFrame = 0;
window.remotion_attempt = 1;
window.remotion_envVariables = JSON.stringify({MONTAGE_ASSET_HOSTS: ''});
window.remotion_audioEnabled = false;
window.remotion_videoEnabled = true;
window.remotion_logLevel = 'error';
"""
# Remotion's own check before and after every seek (waitForReady in @remotion/renderer).
RENDERER_STATE = (
    "window.remotion_renderReady === true ? 'ready'"
    " : window.remotion_cancelledError !== undefined ? 'cancelled' : false"
)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def serve_url(remotion_bundle_dir):
    """The bundle served over HTTP, as Remotion's own server serves it to the page."""
    bundle = next(remotion_bundle_dir.glob("[!.]*/index.html")).parent
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(bundle)))
    Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


def mount_clip(open_page, serve_url, code):
    """A page showing DynamicCode with `code` at frame 0, as makePage leaves it."""
    props = json.dumps({"code": code, "durationInFrames": FRAMES, "fps": FPS, **SIZE})
    page = open_page(viewport=SIZE)
    page.add_init_script(RENDERER_GLOBALS % {"props": json.dumps(props)})
    page.goto(serve_url)
    page.wait_for_function("typeof window.remotion_setBundleMode === 'function'")
    page.evaluate(
        """(props) => window.remotion_setBundleMode({
            type: 'composition', compositionName: 'DynamicCode',
            serializedResolvedPropsWithSchema: props, compositionDurationInFrames: %d,
            compositionFps: %d, compositionWidth: %d, compositionHeight: %d,
            compositionDefaultCodec: 'h264', compositionDefaultOutName: null,
            compositionDefaultVideoImageFormat: null, compositionDefaultPixelFormat: null,
            compositionDefaultProResProfile: null, compositionDefaultSampleRate: null,
        })"""
        % (FRAMES, FPS, SIZE["width"], SIZE["height"]),
        props,
    )
    return page


def seek(page, frame):
    """What the renderer sees once it asked for `frame` and the page settled."""
    page.wait_for_function(RENDERER_STATE)
    page.evaluate("(frame) => window.remotion_setFrame(frame, 'DynamicCode', 1)", frame)
    return page.wait_for_function(RENDERER_STATE).json_value()


def cancelled_message(page):
    return page.evaluate("window.remotion_cancelledError.split('\\n')[0]")


def test_a_working_clip_is_ready_at_every_frame(open_page, serve_url):
    page = mount_clip(open_page, serve_url, SIMPLE_CODE)

    assert [seek(page, frame) for frame in range(FRAMES)] == ["ready"] * FRAMES


def test_a_clip_that_throws_when_first_drawn_cancels_the_render_for_good(open_page, serve_url):
    page = mount_clip(open_page, serve_url, THROWS)

    # Nobody listened while it threw; the page still says so at the first frame and later.
    assert seek(page, 0) == "cancelled"
    assert seek(page, 3) == "cancelled"
    assert cancelled_message(page) == "Error: The clip broke on purpose"


def test_a_clip_that_throws_at_a_later_frame_cancels_the_render_there(open_page, serve_url):
    page = mount_clip(open_page, serve_url, THROWS_FROM_FRAME_2)

    assert [seek(page, frame) for frame in range(4)] == ["ready", "ready", "cancelled", "cancelled"]
    assert cancelled_message(page) == "Error: Broke at frame 2"
