"""The detached Node process behind a local render, and every process it starts.

Remotion launches Chromium in a process group of its own, so signalling the render's group
does not reach the browser, and after a SIGKILL of Node the browser lives on. So every
render process is started with MARKER=<its job file> in its environment, which Node's
children (the browser, ffmpeg) inherit: that finds them all again from any worker, and a
reused pid, which lacks the marker, is never mistaken for the render.
"""
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

MARKER = "MONTAGE_LOCAL_RENDER_JOB"


def launch(argv, *, job_path, log_path, cwd, env):
    """Start `argv` in a new session with exactly `env` (plus the marker) and its output
    appended to `log_path`; returns the pid."""
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**env, MARKER: str(job_path)},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    # Popen returns once exec() is past its point of no return, but the kernel publishes
    # the new program's environment a moment later; a progress check in that window
    # would take the render for dead. So wait for it (or for an early exit).
    deadline = time.monotonic() + 5
    while not _has_marker(process.pid, job_path) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    # Reap it when it exits so it does not linger as a zombie of this worker. Any worker
    # can still follow it through /proc; this thread only collects the exit status.
    threading.Thread(target=process.wait, name=f"reap-render-{process.pid}", daemon=True).start()
    return process.pid


def is_running(pid, job_path):
    """True while `pid` is the render of `job_path` and has not exited (zombies have)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X") and _has_marker(pid, job_path)


def has_exited(pid, job_path, *, settle_seconds=1.0):
    """True once `pid` has not been the running render of `job_path` for `settle_seconds`.

    A sandboxed render reaches Node through two more execs (unshare, loopback_exec.py), and
    during each the kernel briefly shows the new program without its environment: a
    single look could take a starting render for dead and clean it up."""
    deadline = time.monotonic() + settle_seconds
    while time.monotonic() < deadline:
        if is_running(pid, job_path):
            return False
        time.sleep(0.05)
    return True


def stop(pid, job_path, *, grace_seconds):
    """SIGTERM the render (Node then closes its browser), SIGKILL whatever is left after
    `grace_seconds`. Returns once no process of the render remains."""
    if is_running(pid, job_path):
        _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_seconds
        while render_pids(job_path) and time.monotonic() < deadline:
            time.sleep(0.1)
    kill_leftovers(job_path)


def kill_leftovers(job_path):
    """SIGKILL every process group that still holds a process of the render."""
    for _ in range(10):
        pids = render_pids(job_path)
        if not pids:
            return
        for pid in pids:
            try:
                _signal_group(os.getpgid(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.1)


def _signal_group(pgid, signum):
    # Belt and braces: a render is never in our own group (start_new_session).
    if pgid == os.getpgrp():
        return
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def _has_marker(pid, job_path):
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return False
    return f"{MARKER}={job_path}".encode() in environ.split(b"\0")


def render_pids(job_path):
    """Live processes of the render of `job_path`: Node and everything it started."""
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit() and _has_marker(entry, job_path)]


def marked_jobs():
    """The job file of every render process alive on this machine, whoever started it."""
    prefix = f"{MARKER}=".encode()
    jobs = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
        except OSError:
            continue
        jobs.update(
            item[len(prefix) :].decode(errors="replace") for item in environ.split(b"\0") if item.startswith(prefix)
        )
    return jobs
