"""`manage.py create_editor`, as the README's runbook runs it: a plain editor, nothing secret printed."""
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def create_editor(monkeypatch, *arguments, password=PASSWORD):
    """`printf '%s' "$PASSWORD" | python manage.py create_editor ... --password-stdin`."""
    monkeypatch.setattr("sys.stdin", io.StringIO(password))
    out, err = io.StringIO(), io.StringIO()
    call_command("create_editor", *arguments, "--password-stdin", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_it_creates_a_plain_editor_who_can_get_a_token(monkeypatch, anon_api):
    printed = create_editor(monkeypatch, "alice", "--email=alice@example.com")

    assert "Created editor 'alice'" in printed and PASSWORD not in printed
    alice = get_user_model().objects.get(username="alice")
    assert (alice.is_staff, alice.is_superuser, alice.email) == (False, False, "alice@example.com")
    token = anon_api.post("/api/auth/token/", {"username": "alice", "password": PASSWORD}, format="json")
    assert token.status_code == 200 and token.json()["token"]


def test_a_weak_password_is_refused_and_nothing_is_created(monkeypatch):
    with pytest.raises(CommandError, match="too short"):
        create_editor(monkeypatch, "bob", password="12345")
    assert not get_user_model().objects.filter(username="bob").exists()


def test_a_taken_name_is_refused(monkeypatch):
    create_editor(monkeypatch, "carol")
    with pytest.raises(CommandError, match="already exists"):
        create_editor(monkeypatch, "carol")


def test_without_a_terminal_or_stdin_flag_it_asks_for_one(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="--password-stdin"):
        call_command("create_editor", "dave")
