"""Renders on this machine: a job run by Node + Chromium, reporting through a progress
file. The same asynchronous shape as Lambda: `start` returns at once and `progress` is
polled. A job goes to a warm service of this host when one is idle (warm_service.py: a
browser kept open, farm render id local-<pk>-w<slot>-<service pid>), else to
remotion/scripts/render.mjs as one detached process (local-<pk>-<pid>).

Per render, LOCAL_RENDER_DIR/<pk>/ holds job.json (what to render), progress.json
(written atomically by the script: stage bundling|rendering|done|error|cancelled,
progress 0..1, renderedFrames, encodedFrames, totalFrames, error, outputSize),
render.log (the process's stdout and stderr) and tmp/ (the process's HOME and TMPDIR:
browser profile, downloads; removed when the render ends). The MP4 appears at
MEDIA_ROOT/renders/<pk>.mp4 only once complete. How the process is sealed: sandbox.py.
"""
import errno
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from django.conf import settings

from farm.backends import local_process, output_storage, sandbox, warm_service
from farm.backends.base import (
    RENDERER_OUTPUT_MAX,
    BackendNotConfigured,
    CancelOutcome,
    FatalBackendError,
    OutputLocation,
    RenderBackend,
    RenderProgress,
    StartedRender,
    TransientBackendError,
    failure_code,
)
from renders.limits import limits_for

DEFAULT_BROWSER = "/usr/bin/chromium-headless-shell"
# How long a cancelled render may take to close its browser before it is killed.
CANCEL_GRACE_SECONDS = 5.0
# Enough of the log's end to hold Node's last error and its stack.
LOG_TAIL_BYTES = RENDERER_OUTPUT_MAX
# The render script fails a silent page itself after RENDER_STALL_TIMEOUT_SECONDS; this
# much later the poll assumes Node itself is stuck and kills the whole render.
STALL_GRACE_SECONDS = 30


class LocalBackend(RenderBackend):
    name = "local"
    runs_on_hosts = True

    def check_configured(self):
        _node()
        browser_executable()
        sandbox.check_configured()
        if not (_project_dir() / "node_modules" / "@remotion" / "renderer").is_dir():
            raise BackendNotConfigured(
                f"The Remotion project's packages are not installed: run `make setup` "
                f"(or `npm ci` in {_project_dir()})."
            )

    def check_ready(self):
        self.check_configured()
        # Any built bundle: the release step builds the current one (`build_bundle`).
        if not any(bundle_root().glob("[!.]*/index.html")):
            raise BackendNotConfigured("No Remotion bundle built yet: run `manage.py build_bundle`.")

    def start(self, render):
        self.check_configured()
        paths = _Paths(render)
        paths.work.mkdir(parents=True, exist_ok=True)
        # A progress file left by an earlier attempt must not be read as this one's, nor
        # an earlier attempt's process (this host ran it before it was lost) write it.
        local_process.kill_leftovers(paths.job)
        paths.progress.unlink(missing_ok=True)
        paths.job.write_text(json.dumps(job_for(render, paths)))
        warm = warm_service.job_submit(paths.job) if settings.LOCAL_RENDER_WARM else None
        if warm is not None:
            return StartedRender(farm_render_id=warm_service.farm_render_id(render.pk, *warm))
        try:
            pid = local_process.launch(
                sandbox.wrap([_node(), str(_project_dir() / "scripts" / "render.mjs"), str(paths.job)], paths.work),
                job_path=paths.job,
                log_path=paths.log,
                cwd=_project_dir(),
                env=sandbox.render_environment(paths.work),
            )
        except OSError as err:
            if err.errno in (errno.EAGAIN, errno.ENOMEM):
                raise TransientBackendError(f"Could not start the render process: {err}") from err
            raise FatalBackendError(f"Could not start the render process: {err}") from err
        return StartedRender(farm_render_id=f"local-{render.pk}-{pid}")

    def progress(self, render):
        paths = _Paths(render)
        state = _read_state(paths.progress)
        if _is_final(state):
            return _finish(render, paths, state)
        if not warm_service.job_exited(render.farm_render_id, _pid(render), paths.job):
            if _silent_for(paths) > settings.RENDER_STALL_TIMEOUT_SECONDS + STALL_GRACE_SECONDS:
                _clean_up(paths, render)
                return RenderProgress(
                    fraction=state.get("progress", 0.0),
                    fatal_error=f"The render stopped responding: no progress for "
                    f"{settings.RENDER_STALL_TIMEOUT_SECONDS + STALL_GRACE_SECONDS} s; it was stopped.",
                    renderer_output=_log_tail(paths.log),
                )
            return RenderProgress(fraction=state.get("progress", 0.0))
        # It may have written its final state just before exiting.
        state = _read_state(paths.progress)
        if _is_final(state):
            return _finish(render, paths, state)
        # Killed or crashed before it could say so: its browser may still be running.
        _clean_up(paths, render)
        return RenderProgress(
            fraction=state.get("progress", 0.0),
            fatal_error=f"The render process stopped without finishing: {_last_error_line(paths.log)}",
            renderer_output=_log_tail(paths.log),
        )

    def cancel(self, render):
        paths = _Paths(render)
        slot = warm_service.slot_of(render.farm_render_id)
        if slot is None:
            local_process.stop(_pid(render), paths.job, grace_seconds=CANCEL_GRACE_SECONDS)
        else:
            final = lambda: _is_final(_read_state(paths.progress))  # noqa: E731
            warm_service.job_stop(slot, paths.job, final, grace_seconds=CANCEL_GRACE_SECONDS)
        paths.scratch.unlink(missing_ok=True)
        shutil.rmtree(paths.tmp, ignore_errors=True)
        return CancelOutcome(stopped=True)

    def delete_output(self, render):
        if render.output_bucket:
            output_storage.output_delete(render.output_bucket, render.output_key)
        # Work files stay on the render's host when this runs on another machine.
        paths = _Paths(render)
        try:
            paths.output.unlink(missing_ok=True)
            if paths.work.exists():
                shutil.rmtree(paths.work)
        except OSError as err:
            raise TransientBackendError(f"Could not delete the files of render {render.pk}: {err}") from err

    def find_started(self, render):
        # A process launched before the worker died cannot be told apart from one still
        # being set up, and its pid was never recorded: stop it and start afresh.
        local_process.kill_leftovers(_Paths(render).job)
        warm_service.job_recall(_Paths(render).job)
        return None

    def output_location(self, render):
        if not render.output_key:
            return OutputLocation()
        if render.output_bucket:
            return OutputLocation(redirect_url=output_storage.output_url(render.output_bucket, render.output_key))
        return OutputLocation(file_path=Path(settings.MEDIA_ROOT) / render.output_key)


def browser_executable():
    """REMOTION_BROWSER_EXECUTABLE, else Debian's headless shell, else `chromium` on PATH.

    Remotion must never fall back to downloading a browser: offline, that kills Node.
    """
    configured = settings.REMOTION_BROWSER_EXECUTABLE
    if configured:
        if os.access(configured, os.X_OK):
            return configured
        raise BackendNotConfigured(f"REMOTION_BROWSER_EXECUTABLE={configured} is not an executable file.")
    for candidate in (DEFAULT_BROWSER, shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise BackendNotConfigured(
        "No Chromium for local renders. Install Debian's headless "
        "shell (as root: apt-get install -y chromium-headless-shell, which `make setup` does) "
        "or set REMOTION_BROWSER_EXECUTABLE."
    )


def bundle_root():
    # Not under MEDIA_ROOT: the bundle is code, not something to serve to users.
    return Path(settings.LOCAL_RENDER_BUNDLE_DIR)


def build_bundle(root=None):
    """Build the shared Remotion bundle now rather than in the first render; returns its folder."""
    result = subprocess.run(
        [_node(), str(_project_dir() / "scripts" / "bundle.mjs"), str(root or bundle_root())],
        cwd=_project_dir(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise FatalBackendError(f"Building the Remotion bundle failed: {result.stderr.strip()}")
    return Path(result.stdout.strip().splitlines()[-1])


class _Paths:
    def __init__(self, render):
        self.work = Path(settings.LOCAL_RENDER_DIR).resolve() / str(render.pk)
        self.tmp = self.work / "tmp"
        self.job = self.work / "job.json"
        self.progress = self.work / "progress.json"
        self.log = self.work / "render.log"
        # The MP4 is written here and moved into MEDIA_ROOT only when complete.
        self.scratch = self.work / "output.partial.mp4"
        self.output_key = f"renders/{render.pk}.mp4"
        self.output = Path(settings.MEDIA_ROOT) / self.output_key


def job_for(render, paths):
    """The job file's contents for `render` (or a still's spec: the same snapshot fields)."""
    return {
        "kind": "media",
        "compositionId": render.composition_id,
        "inputProps": render.input_props,
        "outputPath": str(paths.output),
        "scratchPath": str(paths.scratch),
        "progressPath": str(paths.progress),
        "browserExecutable": browser_executable(),
        "bundleRoot": str(bundle_root()),
        # Remotion's delayRender timeout in the page, not a limit on the whole render.
        "timeoutInMilliseconds": limits_for(render.kind).browser_timeout_seconds * 1000,
        "stallTimeoutSeconds": settings.RENDER_STALL_TIMEOUT_SECONDS,
        "concurrency": settings.LOCAL_RENDER_FRAME_CONCURRENCY,
        "browserMemoryMb": settings.RENDER_BROWSER_MEMORY_MB,
        "assetHosts": settings.RENDER_ASSET_HOSTS,
        "egressProxy": sandbox.egress_proxy(),
        "networkNamespace": sandbox.uses_network_namespace(),
        # The script refuses to render anything other than what was checked and charged.
        "expected": {
            "width": render.width,
            "height": render.height,
            "fps": render.fps,
            "durationInFrames": render.duration_in_frames,
        },
    }


def _finish(render, paths, state):
    # Node exits right after writing a final state, but a browser it could not close
    # (a page stuck in a loop, a crash) lives on in its own process group.
    _clean_up(paths)
    return _outcome(render, state)


def _clean_up(paths, render=None):
    """No process of the render left (nor a warm service stuck on it), and no browser
    profile or downloads."""
    local_process.kill_leftovers(paths.job)
    if render is not None:
        warm_service.service_stop_if_running(render.farm_render_id, _pid(render))
    shutil.rmtree(paths.tmp, ignore_errors=True)


def _silent_for(paths):
    """Seconds since the render last wrote progress (or, before that, since its start)."""
    for path in (paths.progress, paths.job):
        try:
            return time.time() - path.stat().st_mtime
        except FileNotFoundError:
            continue
    return 0.0


def _outcome(render, state):
    if state["stage"] == "done":
        return _finished(render, _Paths(render))
    if state["stage"] == "cancelled":
        return RenderProgress(fraction=state.get("progress", 0.0), fatal_error="The render was cancelled.")
    message = state.get("error") or "Render failed."
    return RenderProgress(
        fraction=state.get("progress", 0.0),
        fatal_error=message,
        error_code=failure_code(message, state.get("renderedFrames")),
        renderer_output=_log_tail(_Paths(render).log),
    )


def _finished(render, paths):
    """The finished MP4, moved to the storage bucket first when there is one: the render is
    complete only once every web process can serve it. A failed upload is retried."""
    bucket = output_storage.storage_bucket()
    if bucket is None:
        if not paths.output.is_file():
            return RenderProgress(fraction=1.0, fatal_error="The render finished but its MP4 is missing.")
        size = paths.output.stat().st_size
        return RenderProgress(fraction=1.0, done=True, output_key=paths.output_key, output_size=size)
    if paths.output.is_file():
        filename = f"montage-render-{render.pk}.mp4"
        output_storage.output_upload(paths.output, bucket, paths.output_key, filename=filename)
        paths.output.unlink()
    # An earlier poll may have uploaded it and removed the file before the row was updated.
    size = output_storage.output_size(bucket, paths.output_key)
    if size is None:
        return RenderProgress(fraction=1.0, fatal_error="The render finished but its MP4 is missing.")
    return RenderProgress(
        fraction=1.0, done=True, output_bucket=bucket, output_key=paths.output_key, output_size=size
    )


def _is_final(state):
    return state.get("stage") in ("done", "error", "cancelled")


def _read_state(path):
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        # Written by rename, so a partial file means something else went wrong: ask again.
        raise TransientBackendError(f"Unreadable progress file {path}: {err}") from err


def _pid(render):
    prefix, _, pid = render.farm_render_id.rpartition("-")
    if not prefix.startswith("local-") or not pid.isdigit():
        raise FatalBackendError(f"Not a local render id: {render.farm_render_id!r}.")
    return int(pid)


def _log_tail(log_path):
    try:
        with open(log_path, "rb") as log:
            log.seek(max(0, log.seek(0, os.SEEK_END) - LOG_TAIL_BYTES))
            return log.read().decode(errors="replace")
    except OSError:
        return ""


def _last_error_line(log_path):
    lines = [line.strip() for line in _log_tail(log_path).splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or ["it wrote nothing to its log."])[-1]


def _node():
    node = shutil.which("node")
    if not node:
        raise BackendNotConfigured("Node.js 20 is needed for local renders.")
    return node


def _project_dir():
    return Path(settings.REMOTION_PROJECT_DIR)
