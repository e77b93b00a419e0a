"""A password change, whatever the path, ends the user's API tokens."""
import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

NEW_PASSWORD = "a-brand-new-passphrase-42"


@pytest.fixture
def token(user):
    return Token.objects.create(user=user)


def _token_works(token):
    from rest_framework.test import APIClient

    client = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client.get("/api/clips/").status_code == 200


def test_set_password_and_save_revokes_the_tokens(user, token):
    assert _token_works(token)
    user.set_password(NEW_PASSWORD)
    user.save()
    assert not Token.objects.filter(user=user).exists()
    assert not _token_works(token)


def test_the_changepassword_command_revokes_the_tokens(user, token, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)
    call_command("changepassword", user.username, stdout=None)
    assert not _token_works(token)


def test_the_admin_password_form_revokes_the_tokens(client, user, token):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not _token_works(token)


def test_saving_anything_else_keeps_the_tokens(user, token):
    user.first_name = "Ada"
    user.save()
    user.refresh_from_db()
    user.check_password("correct-horse-battery")  # may upgrade the stored hash: not a change
    assert _token_works(token)
