import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_int, env_list

ROOT = Path(settings.BASE_DIR)


def test_every_variable_read_by_settings_is_documented_in_env_example():
    sources = "".join(path.read_text() for path in (ROOT / "config" / "settings").glob("*.py"))
    read = set(re.findall(r'env_\w+\(\s*"([A-Z0-9_]+)"', sources))
    documented = set(re.findall(r"^(?:# )?([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read, "the settings read no variables?"
    assert read - documented == set()


@pytest.mark.parametrize(
    "reader, raw, message",
    [
        (lambda: env_int("MONTAGE_TEST_VAR", 1), "five", "MONTAGE_TEST_VAR='five' is not an integer"),
        (lambda: env_int("MONTAGE_TEST_VAR", 1, minimum=1), "0", "MONTAGE_TEST_VAR=0 must be at least 1"),
        (lambda: env_bool("MONTAGE_TEST_VAR", False), "maybe", "MONTAGE_TEST_VAR='maybe' is not a boolean"),
        (lambda: env_choice("MONTAGE_TEST_VAR", ("a", "b"), "a"), "c", "must be one of: a, b"),
    ],
)
def test_malformed_values_name_the_variable(monkeypatch, reader, raw, message):
    monkeypatch.setenv("MONTAGE_TEST_VAR", raw)
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        reader()


def test_unset_and_blank_fall_back_to_defaults(monkeypatch):
    monkeypatch.setenv("MONTAGE_TEST_VAR", "  ")
    assert env_int("MONTAGE_TEST_VAR", 7) == 7
    assert env_list("MONTAGE_TEST_VAR", ["x"]) == ["x"]
    monkeypatch.setenv("MONTAGE_TEST_VAR", "a.example, b.example,")
    assert env_list("MONTAGE_TEST_VAR") == ["a.example", "b.example"]


def _manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_a_malformed_variable_stops_start_up_with_its_name():
    result = _manage("check", RENDER_QUOTA_PER_HOUR="lots")
    assert result.returncode != 0
    assert "RENDER_QUOTA_PER_HOUR='lots' is not an integer" in result.stderr


@pytest.mark.parametrize(
    "env, message",
    [
        ({"RENDER_HOST_NAME": "render host/1"}, "RENDER_HOST_NAME='render host/1' must be 1-63 letters"),
        (
            {"RENDER_HOST_HEARTBEAT_SECONDS": "10", "RENDER_HOST_LOST_AFTER_SECONDS": "15"},
            "RENDER_HOST_LOST_AFTER_SECONDS must be at least twice RENDER_HOST_HEARTBEAT_SECONDS",
        ),
    ],
)
def test_render_host_settings_that_cannot_work_stop_start_up(env, message):
    result = _manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


PRODUCTION_ENV = {
    "MONTAGE_ENV": "production",
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "montage.example.com",
    "DATABASE_URL": "postgres://montage@127.0.0.1:5432/montage",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV, MONTAGE_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("SECRET_KEY", "", "Environment variable SECRET_KEY is required"),
        ("DATABASE_URL", "", "DATABASE_URL is required in production"),
        ("DATABASE_URL", "sqlite:////tmp/montage.sqlite3", "DATABASE_URL must point at PostgreSQL in production"),
        ("REDIS_URL", "", "REDIS_URL is required in production"),
    ],
)
def test_production_refuses_to_start_without_its_services(tmp_path, name, value, message):
    result = _manage("check", **{**PRODUCTION_ENV, name: value}, MONTAGE_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert message in result.stderr


def test_development_keeps_its_embedded_defaults(tmp_path):
    code = "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL)"
    result = _manage("shell", "--no-imports", "-c", code, MONTAGE_DATA_DIR=str(tmp_path))
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://"], result.stderr


def test_a_dotenv_file_is_read_and_the_environment_wins(tmp_path):
    """Settings read ./.env (beside manage.py); run from a copy of the project so the
    developer's own .env is never touched."""
    project = tmp_path / "project"
    # Copies of manage.py and config/: settings find .env in their parent folder (BASE_DIR),
    # and Python imports from wherever a symlinked script really lives.
    shutil.copytree(ROOT / "config", project / "config", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", project / "manage.py")
    for name in ("accounts", "clips", "exports", "farm", "generations", "movies", "previews", "renders", "templates"):
        (project / name).symlink_to(ROOT / name)
    (project / ".env").write_text("RENDER_QUOTA_PER_HOUR=17\nRENDER_BURST_RATE=3/m\n")
    code = "from django.conf import settings as s; print(s.RENDER_QUOTA_PER_HOUR, s.RENDER_BURST_RATE)"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "RENDER_QUOTA_PER_HOUR")}
    env.update(RENDER_BURST_RATE="9/m", MONTAGE_DATA_DIR=str(tmp_path / "var"))
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=project, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.split() == ["17", "9/m"], result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PUBLIC_BASE_URL": "montage.example.com"}, "PUBLIC_BASE_URL='montage.example.com' must start with https://"),
        ({"REMOTION_WEBHOOK_SECRET": "short"}, "REMOTION_WEBHOOK_SECRET must be at least 32 characters"),
    ],
)
def test_webhook_settings_are_checked_at_start_up(env, message):
    result = _manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_asset_hosts_must_be_host_names_with_an_optional_port():
    result = _manage("check", RENDER_ASSET_HOSTS="cdn.example.com,*.evil.com; script-src *")
    assert result.returncode != 0
    assert "RENDER_ASSET_HOSTS entries must be host or host:port" in result.stderr
