"""Idempotency-Key on render requests: a client that repeats a request (a retry after a
timeout, a double click) gets the render the first request created, not a second one.

A key is remembered per user for KEY_TTL. Within it, the same key with the same request
answers the first render; with another request (other target or body) it is refused.
"""
import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from config.api.exceptions import ApplicationError, ConflictError
from renders.models import RenderRequestKey

HEADER = "Idempotency-Key"
KEY_TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class RequestKey:
    key: str
    fingerprint: str

    def claim(self, user):
        """Take the key, first thing in the transaction that creates the render.

        On PostgreSQL a concurrent request holding the same key makes this insert wait on
        the unique index until that transaction ends; if it committed, the insert fails
        before anything else (quota included) is looked at, and the caller's transaction
        rolls back whole. Returns the key's row, to `bind` to the render once created.
        """
        try:
            with transaction.atomic():
                return RenderRequestKey.objects.create(owner=user, key=self.key, fingerprint=self.fingerprint)
        except IntegrityError as exc:
            raise _KeyTaken from exc

    @staticmethod
    def bind(claimed, render):
        RenderRequestKey.objects.filter(pk=claimed.pk).update(render=render)


class _KeyTaken(Exception):
    """Another request with the same key committed its render first."""


def request_key_from(request, *, scope):
    """The request's key and fingerprint, None without the header, or a 400 when malformed.

    `scope` names what is asked (e.g. the path); the body is compared in canonical JSON,
    so the same fields in another order or spacing are the same request.
    """
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not key or len(key) > MAX_KEY_LENGTH or not all(" " <= char <= "~" for char in key) or key.strip() != key:
        raise ApplicationError(
            "idempotency_key_invalid",
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable ASCII characters without surrounding spaces.",
        )
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    fingerprint = hashlib.sha256(f"{scope}\n{body}".encode()).hexdigest()
    return RequestKey(key=key, fingerprint=fingerprint)


def idempotent_render(user, request_key, create):
    """Returns (render, created). `create(request_key)` makes the render, claiming and
    binding the key inside its transaction; it creates at most one render per key."""
    if request_key is None:
        return create(None), True
    existing = _replay(user, request_key)
    if existing is not None:
        return existing, False
    try:
        return create(request_key), True
    except _KeyTaken:
        return _replay(user, request_key), False


def _replay(user, request_key):
    with transaction.atomic():
        # An expired key is free again: forget it, so the insert of the new one succeeds.
        RenderRequestKey.objects.filter(
            owner=user, key=request_key.key, created_at__lt=timezone.now() - KEY_TTL
        ).delete()
        found = RenderRequestKey.objects.select_related("render").filter(owner=user, key=request_key.key).first()
    if found is None:
        return None
    if found.fingerprint != request_key.fingerprint:
        raise ConflictError(
            "idempotency_key_reused",
            f"This {HEADER} was already used for a different request in the last 24 hours.",
        )
    return found.render


def idempotency_keys_prune(now=None):
    """Forget keys older than KEY_TTL; returns how many."""
    deleted, _ = RenderRequestKey.objects.filter(created_at__lt=(now or timezone.now()) - KEY_TTL).delete()
    return deleted
