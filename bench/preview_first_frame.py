"""Time from loading a movie page to the first preview frame painted, against the bare
Remotion CLI drawing the same frame.

    .venv/bin/python bench/preview_first_frame.py [--runs 10] [--cli-runs 3]

Sets up a throwaway data folder (SQLite), a user and a movie of the four demo clips, the
player bundle and the render bundle, and serves the site with `manage.py runserver` (as
`make run` does). Chromium (Playwright, the render's headless shell) logs in once, loads
the page once to warm up, then `--runs` times: the figure is the page's own clock
(performance.now(), from its navigation start) when the preview frame tells the page it
painted its first frame (the protocol's first `frame` event, sent after the paint). The
baseline is `remotion still` of movie frame 0 with the same props from the render
bundle, a fresh CLI process each run. Prints medians in milliseconds. Not part of the tests.
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = Path(tempfile.mkdtemp(prefix="montage-bench-preview-"))
os.environ["MONTAGE_DATA_DIR"] = str(SCRATCH)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from clips.demo import DEMO_CLIPS  # noqa: E402
from previews.bundle import build_player  # noqa: E402
from farm.backends.local import browser_executable, build_bundle  # noqa: E402
from renders.requests.snapshots import snapshot_for_movie  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.factories import PASSWORD, ClipFactory, UserFactory  # noqa: E402

# The size a movie page previews at (the snapshot default), scaled to the page by the player.
SIZE = (1920, 1080)
FIRST_FRAME = """() => { window.firstFrameAt = null; window.addEventListener('message', (event) => {
  const data = event.data;
  if (window.firstFrameAt === null && data && data.source === 'montage-preview' && data.type === 'frame') {
    window.firstFrameAt = performance.now();
  }
}); }"""


def demo_movie():
    from movies.services import movie_create, movie_insert_scene

    owner = UserFactory()
    movie = movie_create(owner=owner, name="Bench", fps=30)
    for demo in DEMO_CLIPS:
        clip = ClipFactory(owner=owner, name=demo.name, code=demo.code, raw_code=demo.code,
                           duration_in_frames=demo.duration_in_frames, fps=demo.fps)
        movie_insert_scene(movie=movie, clip=clip)
    return owner, movie


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(port):
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
        cwd=ROOT, env={**os.environ, "LOG_LEVEL": "WARNING"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("runserver did not start")


def page_to_first_frame(browser, base, owner, movie, runs):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", owner.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/movies/")
    page.add_init_script(f"({FIRST_FRAME})()")
    times = []
    for run in range(runs + 1):  # the first load warms up (browser cache, Django, the player bundle)
        page.goto(f"{base}/movies/{movie.pk}/")
        page.wait_for_function("typeof window.firstFrameAt === 'number'", timeout=30_000)
        if run:
            times.append(page.evaluate("window.firstFrameAt"))
    context.close()
    return times


def cli_still(serve_url, props_file, output):
    began = time.perf_counter()
    subprocess.run(
        [str(Path(settings.REMOTION_PROJECT_DIR) / "node_modules" / ".bin" / "remotion"), "still", str(serve_url),
         "MovieComposition", str(output), f"--props={props_file}", "--frame=0",
         f"--browser-executable={browser_executable()}", "--log=error"],
        cwd=settings.REMOTION_PROJECT_DIR, check=True,
    )
    return (time.perf_counter() - began) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--cli-runs", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    owner, movie = demo_movie()
    build_player()
    serve_url = build_bundle()
    props_file = SCRATCH / "props.json"
    props_file.write_text(json.dumps(snapshot_for_movie(movie, SIZE).input_props))
    port = free_port()
    server = serve(port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=browser_executable(), args=CHROMIUM_ARGS)
            preview = page_to_first_frame(browser, f"http://127.0.0.1:{port}", owner, movie, args.runs)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    cli = [cli_still(serve_url, props_file, SCRATCH / f"still-{run}.png") for run in range(args.cli_runs)]

    print(f"movie of {len(DEMO_CLIPS)} demo clips, composition {SIZE[0]}x{SIZE[1]}, frame 0")
    print(f"movie page -> first preview frame (warm): {statistics.median(preview):7.0f} ms median of {len(preview)}"
          f"  {[round(ms) for ms in preview]}")
    print(f"remotion still, frame 0 (fresh process):   {statistics.median(cli):7.0f} ms median of {len(cli)}"
          f"  {[round(ms) for ms in cli]}")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
