"""A small HTTP server in front of moto S3 that sees every GET and can refuse some as S3 does.

Pointed at through AWS_ENDPOINT_URL_S3, it shows which URLs reached S3 (`.gets`: the path
and query of each, presigned ones with their X-Amz-* parameters), answers the next GETs
with an S3 error (`.refuse()`: an expired URL, an expired session token) instead of
forwarding them, or holds an answer back (`.delay_next()`). Only GET: what the progress
reads send.
"""
import threading
import time
from collections import deque
from http.client import HTTPConnection
from urllib.parse import urlsplit

from tests.fakes.loopback_server import LoopbackServer, QuietHandler

_ERROR = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<Error><Code>{code}</Code><Message>{message}</Message></Error>"
)


class S3Gate(LoopbackServer):
    def __init__(self, moto_url):
        super().__init__(_handler_for(self))
        self.moto = urlsplit(moto_url)
        self.gets = []
        self._refusals = deque()
        self._delays = deque()
        self._lock = threading.Lock()

    def refuse(self, status, code, message, *, times=1):
        """Answer the next `times` GETs with S3's error document instead of forwarding them."""
        with self._lock:
            self._refusals.extend([(status, code, message)] * times)

    def delay_next(self, seconds):
        """Hold the answer to the next GET back `seconds` (past a client's read timeout)."""
        with self._lock:
            self._delays.append(seconds)

    def answer(self, path):
        """(status, content type, body) for a GET of `path`."""
        with self._lock:
            self.gets.append(path)
            refusal = self._refusals.popleft() if self._refusals else None
            delay = self._delays.popleft() if self._delays else 0
        time.sleep(delay)
        if refusal is not None:
            status, code, message = refusal
            body = _ERROR.format(code=code, message=message)
            return status, "application/xml", body.encode()
        moto = HTTPConnection(self.moto.hostname, self.moto.port, timeout=10)
        try:
            moto.request("GET", path)
            response = moto.getresponse()
            return response.status, response.getheader("Content-Type", ""), response.read()
        finally:
            moto.close()


def _handler_for(gate):
    class GateHandler(QuietHandler):
        def do_GET(self):
            status, content_type, body = gate.answer(self.path)
            self.reply(status, {"Content-Type": content_type}, body)

    return GateHandler
