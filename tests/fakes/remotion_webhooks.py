"""How a Remotion Lambda 4.0.527 function calls a render's webhook (@remotion/serverless
invoke-webhook.js): a POST of the compact JSON body with X-Remotion-Status,
X-Remotion-Mode and X-Remotion-Signature (sha512=HMAC-SHA512 hex of the body, or
NO_SECRET_PROVIDED), 10 s timeout, 3 attempts with 1 s and 2 s between them.

The transport is replaceable, so tests without a live server can hand the request to
Django's test client; the default one really POSTs over HTTP.
"""
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

ATTEMPTS = 3
TIMEOUT_SECONDS = 10


@dataclass
class WebhookCall:
    url: str
    body: bytes
    headers: dict
    status: int | None  # None: no answer (connection refused, timeout, dropped)


def http_transport(url, body, headers):
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def signature(body, secret):
    if not secret:
        return "NO_SECRET_PROVIDED"
    return "sha512=" + hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()


class WebhookSender:
    def __init__(self):
        self.transport = http_transport
        self.backoff_seconds = (1.0, 2.0)
        self.calls = []
        self.lose_next = 0  # webhooks that never arrive (every attempt lost on the way)

    def send(self, webhook, payload):
        """Deliver like the function does; returns True once answered with a 2xx."""
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "Content-Length": str(len(body)),
            "X-Remotion-Mode": "production",
            "X-Remotion-Signature": signature(body, webhook.get("secret")),
            "X-Remotion-Status": payload["type"],
        }
        lost = self.lose_next > 0
        self.lose_next -= int(lost)
        for attempt in range(ATTEMPTS):
            status = None if lost else self.transport(webhook["url"], body, headers)
            self.calls.append(WebhookCall(webhook["url"], body, headers, status))
            if status is not None and 200 <= status < 300:
                return True
            if attempt < ATTEMPTS - 1:
                time.sleep(self.backoff_seconds[attempt])
        return False
