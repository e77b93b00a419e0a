"""Keeps this host's warm render services (warm_service.py) running, from a thread of every
Celery worker's main process (farm/host_worker.py): no process for operators to run.

Several workers of one host share the work: each slot is supervised by whichever worker
holds its lock file (a POSIX record lock, so neither the worker's forked pool children nor
a dead worker keep it). The holder asks its service for its status every second and
starts a fresh one when there is none: after a crash, a memory kill, the job limit
(LOCAL_RENDER_WARM_MAX_JOBS), a stall it could not clear, or settings that changed. A
service that keeps failing to start is retried less and less often; meanwhile renders
fall back to one process per render. A service that nobody supervises any more exits by
itself once idle (IDLE_EXIT_SECONDS), so stopping every worker leaves nothing behind,
while a render it has in hand still finishes.
"""
import fcntl
import logging
import os
import threading
import time

from django.conf import settings

from farm.backends import BackendNotConfigured, sandbox, warm_service

logger = logging.getLogger(__name__)
SUPERVISE_SECONDS = 1.0
# Longer than a service asking for status ever waits: three missed rounds.
IDLE_EXIT_SECONDS = 30
# Building a fresh bundle is part of a start; an unanswered service is killed after this.
START_TIMEOUT_SECONDS = 120
BACKOFF_MAX_SECONDS = 60


def wanted_config():
    """The service this host should run under the current settings."""
    from farm.backends.local import browser_executable, bundle_root

    return {
        "browserExecutable": browser_executable(),
        "browserMemoryMb": settings.RENDER_BROWSER_MEMORY_MB,
        "assetHosts": sorted(settings.RENDER_ASSET_HOSTS),
        "bundleRoot": str(bundle_root()),
        "networkNamespace": sandbox.uses_network_namespace(),
        "egressProxy": sandbox.egress_proxy(),
        "concurrency": settings.LOCAL_RENDER_FRAME_CONCURRENCY,
        "maxJobs": settings.LOCAL_RENDER_WARM_MAX_JOBS,
        "idleExitSeconds": IDLE_EXIT_SECONDS,
    }


def warm_services_wanted():
    return settings.RENDER_BACKEND == "local" and settings.LOCAL_RENDER_WARM


class Supervisor:
    def __init__(self):
        self._locks = {}
        self._started_at = {}
        self._pids = {}
        self._failures = {}
        self._next_start = {}

    def run(self, stop):
        while not stop.wait(SUPERVISE_SECONDS):
            try:
                self.tick()
            except Exception:  # the supervisor must outlive any one bad round
                logger.exception("Warm render service supervision failed; trying again")

    def tick(self):
        try:
            config = wanted_config()
        except BackendNotConfigured as exc:
            logger.debug("No warm render services: %s", exc)
            return
        for slot in warm_service.slots():
            if self._own(slot):
                self._keep(slot, config)

    def release(self):
        for lock in self._locks.values():
            os.close(lock)
        self._locks.clear()

    def _own(self, slot):
        if slot in self._locks:
            return True
        warm_service.service_dir().mkdir(parents=True, exist_ok=True)
        lock = os.open(warm_service.service_dir() / f"slot-{slot}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(lock)
            return False
        self._locks[slot] = lock
        return True

    def _keep(self, slot, config):
        answer = warm_service.status(slot)
        wanted = warm_service.browser_config(config)
        if answer is not None:
            if answer.get("config") == wanted:
                self._failures[slot] = 0
                return
            if not answer.get("busy"):
                logger.info("Warm render service of slot %s runs older settings: restarting it", slot)
                self._start(slot, config)
            return
        now = time.monotonic()
        started_at = self._started_at.get(slot)
        starting = warm_service.is_running(slot, self._pids.get(slot, 0))
        if started_at and now - started_at < START_TIMEOUT_SECONDS and starting:
            return
        if started_at is not None:
            # Gone or hung: a crash, a memory kill, its job limit. A service that keeps
            # failing is started again less and less often.
            del self._started_at[slot]
            failures = self._failures.get(slot, 0) + 1
            self._failures[slot] = failures
            self._next_start[slot] = now + min(BACKOFF_MAX_SECONDS, 2 ** (failures - 1) - 1)
            logger.warning("Warm render service of slot %s stopped (%s time(s) in a row)", slot, failures)
        if now < self._next_start.get(slot, 0):
            return
        self._start(slot, config)

    def _start(self, slot, config):
        pid = warm_service.service_start(slot, config)
        self._pids[slot] = pid
        self._started_at[slot] = time.monotonic()
        logger.info("Warm render service of slot %s started (pid %s)", slot, pid)


_stop = threading.Event()
_supervisor = None


def supervision_start():
    global _supervisor
    if not warm_services_wanted():
        return
    _stop.clear()
    _supervisor = Supervisor()
    threading.Thread(target=_supervisor.run, args=(_stop,), name="warm-render-services", daemon=True).start()


def supervision_stop():
    _stop.set()
    if _supervisor is not None:
        _supervisor.release()


def readiness():
    """What /readyz says about this machine's warm services."""
    if not warm_services_wanted():
        return {"enabled": False}
    answers = [warm_service.status(slot) for slot in warm_service.slots()]
    return {
        "enabled": True,
        "slots": len(answers),
        "ready": sum(1 for answer in answers if answer and not answer.get("busy")),
        "busy": sum(1 for answer in answers if answer and answer.get("busy")),
    }
