"""Stills on this machine: the render job with kind 'still', a frame and an image format,
run by an idle warm service (warm_service.py) or else by remotion/scripts/render.mjs as a
process of its own, sealed the same way as a render.

LOCAL_RENDER_DIR/stills/<key>/ holds the job, its progress file and log while the still
is being made; creating that folder is what claims the work, so two requests for the same
still on one machine render it once. The image is published straight into MEDIA_ROOT
(or uploaded to the bucket by whoever sees it finish); a failure stays readable in the
folder for FAILURE_KEPT_SECONDS, so asking again at once gets the same error.
"""
import json
import shutil
import time
from pathlib import Path

from django.conf import settings

from farm.backends import stills
from farm.backends import local_process, output_storage, sandbox, warm_service
from farm.backends.base import TransientBackendError
from farm.backends.local import job_for
from renders.limits import limits_for

FAILURE_KEPT_SECONDS = 60
STALL_GRACE_SECONDS = 30


class StillPaths:
    def __init__(self, spec):
        self.work = Path(settings.LOCAL_RENDER_DIR).resolve() / "stills" / spec.key
        self.job = self.work / "job.json"
        self.progress = self.work / "progress.json"
        self.log = self.work / "render.log"
        self.scratch = self.work / f"still.partial.{spec.image_format}"
        in_bucket = output_storage.storage_bucket() is not None
        self.output = self.work / f"still.{spec.image_format}" if in_bucket else stills.still_file(spec.key, spec.image_format)


def still_claim(spec):
    """Write the still's job and return True, unless this machine already has it in hand."""
    paths = StillPaths(spec)
    paths.work.parent.mkdir(parents=True, exist_ok=True)
    if paths.work.exists() and not _abandoned(paths):
        return False
    shutil.rmtree(paths.work, ignore_errors=True)
    try:
        paths.work.mkdir()
    except FileExistsError:
        return False
    job = {
        **job_for(spec, paths),
        "kind": "still",
        "frame": spec.frame,
        "imageFormat": spec.image_format,
        "timeoutInMilliseconds": limits_for(spec.kind).browser_timeout_seconds * 1000,
    }
    paths.job.write_text(json.dumps(job))
    return True


def still_run_warm(spec):
    """Hand the claimed job to an idle warm service; False when none takes it."""
    return settings.LOCAL_RENDER_WARM and warm_service.job_submit(StillPaths(spec).job) is not None


def still_run_process(spec):
    paths = StillPaths(spec)
    project = Path(settings.REMOTION_PROJECT_DIR)
    local_process.launch(
        sandbox.wrap([shutil.which("node"), str(project / "scripts" / "render.mjs"), str(paths.job)], paths.work),
        job_path=paths.job,
        log_path=paths.log,
        cwd=project,
        env=sandbox.render_environment(paths.work),
    )


def still_abandon(spec):
    """Give a claimed job up before anything ran it, so another process may claim it."""
    shutil.rmtree(StillPaths(spec).work, ignore_errors=True)


def still_state(spec):
    """('done', None) once stored, ('error', message), ('running', None), or ('none', None)
    when nobody on this machine is making it."""
    if stills.still_stored(spec.key, spec.image_format):
        return "done", None
    paths = StillPaths(spec)
    try:
        state = json.loads(paths.progress.read_text())
    except FileNotFoundError:
        return ("none", None) if not paths.work.exists() or _abandoned(paths) else ("running", None)
    except (OSError, ValueError):
        return "running", None  # written by rename: read again
    if state.get("stage") == "done":
        return _store(spec, paths)
    if state.get("stage") in ("error", "cancelled"):
        local_process.kill_leftovers(paths.job)
        return "error", state.get("error") or "The still could not be rendered."
    return ("none", None) if _abandoned(paths) else ("running", None)


def _store(spec, paths):
    try:
        if paths.output.is_file() and paths.output != stills.still_file(spec.key, spec.image_format):
            stills.still_store(paths.output, spec.key, spec.image_format)
    except TransientBackendError:
        return "running", None
    local_process.kill_leftovers(paths.job)
    shutil.rmtree(paths.work, ignore_errors=True)
    return "done", None


def _abandoned(paths):
    """A failure old enough to try again, or a job nobody has touched for too long."""
    newest = max((p.stat().st_mtime for p in (paths.progress, paths.job, paths.work) if p.exists()), default=0)
    silent = time.time() - newest
    try:
        final = json.loads(paths.progress.read_text()).get("stage") in ("error", "cancelled")
    except (OSError, ValueError):
        final = False
    if final:
        return silent > FAILURE_KEPT_SECONDS
    return silent > settings.RENDER_STALL_TIMEOUT_SECONDS + STALL_GRACE_SECONDS
