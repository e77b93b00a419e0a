"""Signed preview grants: what they carry, and that a changed or old one is refused."""
import time

import pytest
from django.core import signing
from django.utils import timezone

from previews.tokens import PreviewGrant, PreviewTokenInvalid, token_issue, token_read


def test_a_grant_reads_back_as_issued():
    grant = PreviewGrant(kind="movie", target_id=7, owner_id=3, size=(320, 180))
    token, _ = token_issue(grant)
    assert token_read(token) == grant


def test_a_tampered_token_is_refused():
    token, _ = token_issue(PreviewGrant(kind="clip", target_id=7, owner_id=3))
    payload, rest = token.split(":", 1)
    forged = signing.dumps({"k": "clip", "t": 8, "u": 3}, salt="montage.previews.grant", compress=True)
    with pytest.raises(PreviewTokenInvalid):
        token_read(forged.split(":", 1)[0] + ":" + rest)
    with pytest.raises(PreviewTokenInvalid):
        token_read(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


def test_a_token_signed_with_another_key_is_refused(settings):
    token, _ = token_issue(PreviewGrant(kind="clip", target_id=7, owner_id=3))
    settings.SECRET_KEY = "another-key-" + "x" * 50
    with pytest.raises(PreviewTokenInvalid):
        token_read(token)


def _issued_seconds_ago(monkeypatch, seconds):
    now = time.time()
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: now - seconds)
        return token_issue(PreviewGrant(kind="clip", target_id=7, owner_id=3))[0]


def test_a_token_is_valid_for_its_lifetime_only(settings, monkeypatch):
    settings.PREVIEW_TOKEN_TTL_SECONDS = 60
    assert token_read(_issued_seconds_ago(monkeypatch, 50)).target_id == 7
    with pytest.raises(PreviewTokenInvalid):
        token_read(_issued_seconds_ago(monkeypatch, 61))


def test_expires_at_is_the_lifetime_from_now(settings):
    settings.PREVIEW_TOKEN_TTL_SECONDS = 60
    _, expires_at = token_issue(PreviewGrant(kind="clip", target_id=7, owner_id=3))
    assert 58 <= (expires_at - timezone.now()).total_seconds() <= 60
