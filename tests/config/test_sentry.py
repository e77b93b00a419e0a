"""Errors reach Sentry when SENTRY_DSN is set, and nothing is sent when it is not.

A real process (tests/config/sentry_probe.py) fails a view and a Celery task; a small
HTTP server in the test plays Sentry and receives the envelopes sentry-sdk sends."""
import gzip
import http.server
import json
import os
import subprocess
import sys
import threading

import pytest
from django.conf import settings

SECRET = "probe-secret-credential-4711"


class _Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.envelopes.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format, *args):
        pass


@pytest.fixture
def sentry_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.envelopes = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def run_probe(**env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SENTRY_DSN")}
    full_env.update(env, PROBE_SECRET=SECRET)
    result = subprocess.run(
        [sys.executable, "tests/config/sentry_probe.py"], cwd=settings.BASE_DIR, env=full_env,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr


def events(envelopes):
    """The event items of the envelopes (each envelope: header line, then item header/payload pairs)."""
    found = []
    for envelope in envelopes:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2]):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def test_a_failing_view_and_a_failing_task_reach_sentry_without_personal_data(sentry_server, tmp_path):
    host, port = sentry_server.server_address
    run_probe(SENTRY_DSN=f"http://publickey@{host}:{port}/1", MONTAGE_DATA_DIR=str(tmp_path))

    by_type = {event["exception"]["values"][-1]["type"]: event for event in events(sentry_server.envelopes)}
    assert by_type["ValueError"]["exception"]["values"][-1]["value"] == "probe view failure"
    assert by_type["ValueError"]["transaction"] == "/boom/"
    assert by_type["RuntimeError"]["exception"]["values"][-1]["value"] == "probe task failure"
    assert by_type["RuntimeError"]["environment"] == "development"
    raw = b"".join(sentry_server.envelopes)
    assert SECRET.encode() not in raw


def test_nothing_is_sent_without_a_dsn(sentry_server, tmp_path):
    run_probe(MONTAGE_DATA_DIR=str(tmp_path))
    assert sentry_server.envelopes == []
