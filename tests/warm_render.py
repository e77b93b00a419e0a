"""Warm render services for tests, started once per session and per browser configuration
(the settings a service's browser is opened with), and shared by every test that renders
through one. Loaded for every test by tests/conftest.py (pytest_plugins).

By default a test's LOCAL_RENDER_WARM_DIR holds no service, so renders take the
one-process-per-render path; `warm_backend` points it at a running service instead.
"""
import shutil
import time

import pytest
from django.test.utils import override_settings

from farm import warm_supervisor
from farm.backends import warm_service

# Enough for the tiny test clips, small enough that a runaway allocation meets it fast.
WARM_MEMORY_MB = 512
# No supervisor asks for the status in tests: the session ends them itself.
IDLE_EXIT_SECONDS = 900


class WarmPool:
    def __init__(self, root):
        # Short: a Unix socket's path must stay under 108 bytes.
        self.root = root
        self.dirs = {}

    def serve(self, settings):
        """Point `settings` at a running service for their browser configuration."""
        settings.LOCAL_RENDER_WARM_DIR = self._dir_for(settings)
        config = {**warm_supervisor.wanted_config(), "idleExitSeconds": IDLE_EXIT_SECONDS}
        answer = warm_service.status(0)
        if answer is None or not warm_service.is_running(0, answer["pid"]):
            warm_service.service_start(0, config)
            answer = wait_ready(0)
        return answer

    def stop_all(self):
        for directory in self.dirs.values():
            with override_settings(LOCAL_RENDER_WARM_DIR=directory):
                warm_service.service_stop(0)

    def _dir_for(self, settings):
        key = (settings.RENDER_BROWSER_MEMORY_MB, tuple(settings.RENDER_ASSET_HOSTS), settings.RENDER_NETWORK_ISOLATION)
        if key not in self.dirs:
            self.dirs[key] = self.root / f"s{len(self.dirs)}"
        return self.dirs[key]


def wait_ready(slot, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = warm_service.status(slot)
        if answer and not answer["busy"]:
            return answer
        time.sleep(0.05)
    raise AssertionError(f"The warm service of slot {slot} did not get ready within {timeout} s")


@pytest.fixture(scope="session")
def warm_pool(tmp_path_factory):
    root = tmp_path_factory.mktemp("warm")
    pool = WarmPool(root)
    yield pool
    pool.stop_all()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def warm_backend(local_backend, settings, warm_pool):
    """The local backend with an idle warm service on slot 0 (one slot on this host)."""
    settings.LOCAL_RENDER_CONCURRENCY = 1
    settings.RENDER_BROWSER_MEMORY_MB = WARM_MEMORY_MB
    warm_pool.serve(settings)
    return local_backend
