"""Create an editor account: a plain user who signs in to the pages and the API, never staff.

There is no sign-up page; staff create editors here (or in the admin's user form). The
password is asked twice on a terminal, or read from standard input with --password-stdin
(for scripts: `printf '%s' "$PASSWORD" | manage.py create_editor alice --password-stdin`),
checked by AUTH_PASSWORD_VALIDATORS, and never printed.
"""
import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError


class Command(BaseCommand):
    help = "Create an editor (not staff, not superuser); prints nothing secret."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    def handle(self, *args, username, email, password_stdin, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        password = self._password(password_stdin)
        user = User(username=username, email=email)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        user.set_password(password)
        try:
            user.save()
        except IntegrityError:
            raise CommandError(f"A user named {username!r} already exists.") from None
        self.stdout.write(f"Created editor {username!r} (not staff): signs in to the pages and the API.")

    def _password(self, from_stdin):
        if from_stdin:
            return sys.stdin.read().rstrip("\n")
        if not sys.stdin.isatty():
            raise CommandError("No terminal to ask the password on: pipe it in with --password-stdin.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return password
