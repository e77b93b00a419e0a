import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_int, env_list

ROOT = Path(settings.BASE_DIR)


def test_every_variable_read_by_settings_is_documented_in_env_example():
    read = set(re.findall(r'env_\w+\(\s*"([A-Z0-9_]+)"', (ROOT / "config" / "settings.py").read_text()))
    documented = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
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


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        MONTAGE_ENV="production",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="montage.example.com",
        REDIS_URL="redis://127.0.0.1:6379/0",
        MONTAGE_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _manage("check", MONTAGE_ENV="production", ALLOWED_HOSTS="x.example", MONTAGE_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "Environment variable SECRET_KEY is required" in result.stderr
