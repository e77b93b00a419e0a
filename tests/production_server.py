"""The web process exactly as the Procfile starts it (gunicorn, MONTAGE_ENV=production,
WhiteNoise over a fresh collectstatic), for smoke tests over real HTTP.

Loaded for every test by tests/conftest.py (pytest_plugins). Needs a PostgreSQL
DATABASE_URL and REDIS_URL (production refuses anything else); skips without them. The
server uses the test database, so rows a test wants it to see must be committed
(`transactional_db`).
"""
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
SECRET_KEY = "production-smoke-test-secret-key-that-is-long-enough-0123456789"
_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


def procfile_command(name):
    """The command line of one process in the production Procfile."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no {name} process in the Procfile")


def production_env(**overrides):
    """What the production processes need, pointing at the test database."""
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))},
        # The Procfile names the commands; a deployment puts its virtualenv first on PATH.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "MONTAGE_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
    }
    for name, value in overrides.items():
        env[name] = "" if value is None else str(value)  # None: unset
    return {name: value for name, value in env.items() if value != ""}


class ProductionServer:
    def __init__(self, process, port, log_path):
        self.process = process
        self.port = port
        self.log_path = log_path

    def request(self, method, path, *, headers=None, body=None, timeout=30):
        """One request on its own connection; returns (response, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()

    def get(self, path, *, https=True, headers=None, timeout=30):
        """As behind the TLS-terminating load balancer the production settings expect."""
        headers = {**({"X-Forwarded-Proto": "https"} if https else {}), **(headers or {})}
        return self.request("GET", path, headers=headers, timeout=timeout)

    def log(self):
        return self.log_path.read_text()


@contextmanager
def start_production_server(log_path, *, wait=True, **env_overrides):
    """`web` from the Procfile on 127.0.0.1 and a free port; its log is printed at the end
    (pytest shows it when the test failed)."""
    env = production_env(HOST="127.0.0.1", PORT=0, WEB_CONCURRENCY=1, **env_overrides)
    with open(log_path, "w+") as log:
        process = subprocess.Popen(
            ["sh", "-c", f"exec {procfile_command('web')}"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            port = _wait_until_listening(process, log_path) if wait else None
            server = ProductionServer(process, port, log_path)
            if wait:
                _wait_until_serving(server)
            yield server
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
            print(log_path.read_text())


def _wait_until_listening(process, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = _LISTENING.search(log_path.read_text())
        if match:
            return int(match.group(1))
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()}")
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not listen within {timeout} s:\n{log_path.read_text()}")


def _wait_until_serving(server, timeout=60):
    # The arbiter listens before its worker has imported Django.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            response, _ = server.get("/healthz", https=False, timeout=5)
            if response.status == 200:
                return
        except OSError:
            pass
        if server.process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {server.process.returncode}:\n{server.log()}")
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not serve /healthz within {timeout} s:\n{server.log()}")


@pytest.fixture(scope="session")
def production_static_root(tmp_path_factory):
    """`manage.py collectstatic` as the release step runs it, into a fresh STATIC_ROOT."""
    _require_production_services()
    root = tmp_path_factory.mktemp("staticfiles")
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=production_env(STATIC_ROOT=root, DATABASE_URL="postgres://unused@127.0.0.1/unused"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def production_server_env(production_static_root, remotion_bundle_dir, tmp_path):
    """Settings for start_production_server(): static files, a built bundle, a data dir."""
    return {
        "STATIC_ROOT": production_static_root,
        "LOCAL_RENDER_BUNDLE_DIR": remotion_bundle_dir,
        "MONTAGE_DATA_DIR": tmp_path / "var",
    }


@pytest.fixture
def production_server(transactional_db, production_server_env, tmp_path):
    """The production web process on the test database and the test Redis."""
    with start_production_server(tmp_path / "gunicorn.log", **production_server_env) as server:
        yield server


def _require_production_services():
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.skip("the production server needs REDIS_URL and a PostgreSQL DATABASE_URL")


@pytest.fixture
def unused_port():
    """A local port nothing listens on (bound once to pick it, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
