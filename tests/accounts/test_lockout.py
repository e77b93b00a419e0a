"""django-axes on every login path: after LOGIN_FAILURE_LIMIT wrong passwords for one
username from one address, a 429 that says when to retry; a good login after the window."""
import time
from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory

LIMIT = 3
COOLOFF_SECONDS = 1


@pytest.fixture(autouse=True)
def _short_lockout(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(seconds=COOLOFF_SECONDS)


def _form_login(client, path, username, password):
    return client.post(path, {"username": username, "password": password})


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_form_logins_lock_out_with_a_page_that_says_when_to_retry(client, db, path):
    user = UserFactory(is_staff=True)
    for _ in range(LIMIT - 1):
        response = _form_login(client, path, user.username, "wrong")
        assert response.status_code == 200  # the form again, with its error
    response = _form_login(client, path, user.username, "wrong")
    assert response.status_code == 429
    assert response["Retry-After"] == str(COOLOFF_SECONDS)
    assert "Too many failed login attempts. Try again in 1 minute." in response.content.decode()
    assert "registration/locked_out.html" in [template.name for template in response.templates]

    # Locked out: even the right password is refused, without being checked.
    assert _form_login(client, path, user.username, PASSWORD).status_code == 429

    time.sleep(COOLOFF_SECONDS + 0.2)
    response = _form_login(client, path, user.username, PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_the_token_endpoint_locks_out_in_the_api_error_shape(db):
    user = UserFactory()
    api = APIClient()
    wrong = {"username": user.username, "password": "wrong"}
    for _ in range(LIMIT - 1):
        response = api.post("/api/auth/token/", wrong, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "validation_error"
    response = api.post("/api/auth/token/", wrong, format="json")
    assert response.status_code == 429
    assert response["Retry-After"] == str(COOLOFF_SECONDS)
    assert response.json() == {
        "code": "too_many_login_attempts",
        "detail": "Too many failed login attempts. Try again in 1 minute.",
        "retry_after": COOLOFF_SECONDS,
    }
    good = {"username": user.username, "password": PASSWORD}
    assert api.post("/api/auth/token/", good, format="json").status_code == 429

    time.sleep(COOLOFF_SECONDS + 0.2)
    response = api.post("/api/auth/token/", good, format="json")
    assert response.status_code == 200
    assert response.json()["token"]


def test_the_lockout_is_per_username_and_address(db):
    victim, bystander = UserFactory(), UserFactory()
    attacker = APIClient(REMOTE_ADDR="203.0.113.9")
    for _ in range(LIMIT):
        attacker.post("/api/auth/token/", {"username": victim.username, "password": "wrong"}, format="json")
    good = {"username": victim.username, "password": PASSWORD}
    assert attacker.post("/api/auth/token/", good, format="json").status_code == 429
    # The same user from elsewhere, and another user from the attacker's address, still log in.
    assert APIClient(REMOTE_ADDR="198.51.100.1").post("/api/auth/token/", good, format="json").status_code == 200
    other = {"username": bystander.username, "password": PASSWORD}
    assert attacker.post("/api/auth/token/", other, format="json").status_code == 200


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    wrong = {"username": user.username, "password": "wrong"}
    good = {"username": user.username, "password": PASSWORD}
    for _ in range(LIMIT):
        # A client cannot dodge the count by prepending its own entries.
        spoofed = f"10.9.9.{_}, 203.0.113.9"
        APIClient(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=spoofed).post("/api/auth/token/", wrong, format="json")
    locked = APIClient(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert locked.post("/api/auth/token/", good, format="json").status_code == 429
    elsewhere = APIClient(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert elsewhere.post("/api/auth/token/", good, format="json").status_code == 200


def test_authenticate_without_a_request_is_not_a_login_and_still_works(db):
    from django.contrib.auth import authenticate

    user = UserFactory()
    assert authenticate(username=user.username, password=PASSWORD) == user
    assert authenticate(username=user.username, password="wrong") is None
