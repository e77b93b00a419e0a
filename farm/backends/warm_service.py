"""Warm local renderers: per render host slot, a long-lived Node service
(remotion/scripts/warm-service.mjs) with the bundle built and a sealed browser open, taking
one job at a time over a Unix socket in LOCAL_RENDER_WARM_DIR.

A job is the per-process renderer's job file, and the service writes the same progress
file, so the local backend polls and cancels a warm job as it does a process of its own;
only who runs it differs. When no service can take a job (none running yet, all busy, its
settings differ from the service's) the backend falls back to one process per render.

The service runs sealed as a render process does (sandbox.py: minimal environment, the
render network namespace; a pathname Unix socket reaches across network namespaces) and
carries MARKER=<its config file> (local_process.py), so its Node, browser and helpers are
found and killed together.
"""
import json
import logging
import shutil
import socket
import time
from pathlib import Path

from django.conf import settings

from farm.backends import local_process, sandbox

logger = logging.getLogger(__name__)
# A request is a line of JSON answered at once; the service never blocks on a job.
REQUEST_TIMEOUT_SECONDS = 2.0


def service_dir():
    return Path(settings.LOCAL_RENDER_WARM_DIR).resolve()


def slots():
    return range(settings.LOCAL_RENDER_CONCURRENCY)


def socket_path(slot):
    return service_dir() / f"slot-{slot}.sock"


def config_path(slot):
    return service_dir() / f"slot-{slot}.json"


def log_path(slot):
    return service_dir() / f"slot-{slot}.log"


def browser_config(job):
    """What a service's browser is opened with; it takes only jobs that ask for the same
    (remotion/scripts/lib/render-job.mjs browserConfigOf)."""
    return {
        "browserExecutable": job["browserExecutable"],
        "browserMemoryMb": job["browserMemoryMb"],
        "assetHosts": sorted(job["assetHosts"]),
        "bundleRoot": job["bundleRoot"],
        "networkNamespace": bool(job["networkNamespace"]),
        "egressProxy": job["egressProxy"],
        "concurrency": job["concurrency"],
    }


def request(slot, payload, *, timeout=REQUEST_TIMEOUT_SECONDS):
    """The service's answer to `payload`, or None when no service listens on `slot`."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(timeout)
            connection.connect(str(socket_path(slot)))
            connection.sendall(json.dumps(payload).encode() + b"\n")
            answer = b""
            while not answer.endswith(b"\n"):
                chunk = connection.recv(65536)
                if not chunk:
                    break
                answer += chunk
    except OSError:
        return None
    try:
        return json.loads(answer)
    except ValueError:
        return None


def job_submit(job_path):
    """Hand the job to the first idle service of this host: (slot, service pid), or None
    when no service takes it."""
    for slot in slots():
        answer = request(slot, {"type": "job", "job": str(job_path)})
        if answer and answer.get("accepted"):
            return slot, answer["pid"]
    return None


def job_cancel(slot, job_path):
    """True when the service was running the job and is now cancelling it."""
    answer = request(slot, {"type": "cancel", "job": str(job_path)})
    return bool(answer and answer.get("cancelled"))


def status(slot):
    return request(slot, {"type": "status"})


def is_running(slot, pid):
    return local_process.is_running(pid, config_path(slot))


def service_pids(slot):
    return local_process.render_pids(config_path(slot))


def service_start(slot, config):
    """Launch the service of `slot` for `config` (a browser_config plus maxJobs and
    idleExitSeconds); returns its pid. Whatever ran the slot before is killed first."""
    service_stop(slot)
    directory = service_dir()
    directory.mkdir(parents=True, exist_ok=True)
    work = directory / f"slot-{slot}"
    config_path(slot).write_text(json.dumps({**config, "socketPath": str(socket_path(slot))}))
    project = Path(settings.REMOTION_PROJECT_DIR)
    return local_process.launch(
        sandbox.wrap(
            [shutil.which("node"), str(project / "scripts" / "warm-service.mjs"), str(config_path(slot))], work
        ),
        job_path=config_path(slot),
        log_path=log_path(slot),
        cwd=project,
        env=sandbox.render_environment(work),
    )


def service_stop(slot):
    """Kill the service of `slot` and its browser; its job (if any) is then reported by
    the backend's poll as stopped."""
    local_process.kill_leftovers(config_path(slot))
    socket_path(slot).unlink(missing_ok=True)


def farm_render_id(render_pk, slot, pid):
    return f"local-{render_pk}-w{slot}-{pid}"


def slot_of(farm_render_id):
    """The slot of a warm job's farm render id, or None for a render process of its own."""
    parts = farm_render_id.split("-")
    if len(parts) == 4 and parts[2].startswith("w") and parts[2][1:].isdigit():
        return int(parts[2][1:])
    return None


def job_stop(slot, job_path, is_final, *, grace_seconds):
    """Cancel the job; a service that has not ended it after `grace_seconds` is killed
    (the supervisor starts a fresh one)."""
    if not job_cancel(slot, job_path):
        return
    deadline = time.monotonic() + grace_seconds
    while time.monotonic() < deadline:
        if is_final():
            return
        time.sleep(0.1)
    logger.warning("The warm render service of slot %s did not end a cancelled job: killing it", slot)
    service_stop(slot)


def job_recall(job_path):
    """Cancel the job wherever a service of this host runs it (a start whose worker was lost)."""
    for slot in slots():
        job_cancel(slot, job_path)


def job_exited(farm_render_id, pid, job_path):
    """Whether what runs the job is gone: its warm service, or its own process."""
    slot = slot_of(farm_render_id)
    if slot is None:
        return local_process.has_exited(pid, job_path)
    return not is_running(slot, pid)


def service_stop_if_running(farm_render_id, pid):
    """Kill the warm service of a job that went silent (the supervisor starts a fresh one)."""
    slot = slot_of(farm_render_id)
    if slot is not None and is_running(slot, pid):
        service_stop(slot)
