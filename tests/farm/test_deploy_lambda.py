"""deploy_lambda reads the function name and serve URL from the real output of the pinned
Remotion CLI (tests/farm/fixtures/remotion_cli/, captured against moto, see its README)."""
import os
import stat
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from farm.management.commands.deploy_lambda import parse_function_name, parse_serve_url

FIXTURES = Path(__file__).parent / "fixtures" / "remotion_cli"
SERVE_URL = "https://remotionlambda-useast1-ox6okuwxzu.s3.us-east-1.amazonaws.com/sites/montage/index.html"
FUNCTION_NAME = "remotion-render-4-0-527-mem2048mb-disk2048mb-120sec"


def _fixture(name):
    return (FIXTURES / name).read_text()


def test_the_serve_url_comes_from_its_own_line_not_the_redeploy_hint_after_it():
    output = _fixture("sites-create-quiet.stdout")
    assert "npx remotion lambda sites create" in output.strip().splitlines()[-1]
    assert parse_serve_url(output, "montage") == SERVE_URL


def test_the_function_name_is_read_from_the_deploy_output():
    assert parse_function_name(_fixture("functions-deploy-quiet.stdout")) == FUNCTION_NAME


def test_output_without_the_value_is_a_clear_error_not_a_wrong_setting():
    with pytest.raises(CommandError, match="sites create"):
        parse_serve_url(_fixture("sites-create-quiet.stdout"), "another-site")
    with pytest.raises(CommandError, match="functions deploy"):
        parse_function_name("An error occurred:\n")
    # A function of another Remotion version is not ours: the Python side would be refused.
    with pytest.raises(CommandError):
        parse_function_name(_fixture("functions-deploy-quiet.stdout"), version="4.0.1")


@pytest.fixture
def fake_npx(tmp_path, monkeypatch):
    """An `npx` on PATH that replays the captured CLI output for each subcommand."""
    script = tmp_path / "npx"
    script.write_text(
        "#!/bin/sh\n"
        'echo "$@" >> "$0.calls"\n'
        f'case "$4" in functions) cat "{FIXTURES}/functions-deploy-quiet.stdout";;'
        f' sites) cat "{FIXTURES}/sites-create-quiet.stdout";; esac\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    return script


def test_the_command_prints_the_settings_from_the_cli_output(fake_npx, capsys):
    call_command("deploy_lambda", "--region=us-east-1")
    out = capsys.readouterr().out
    assert f"REMOTION_LAMBDA_FUNCTION_NAME={FUNCTION_NAME}\n" in out
    assert f"REMOTION_SERVE_URL={SERVE_URL}\n" in out
    calls = Path(f"{fake_npx}.calls").read_text().splitlines()
    assert calls[0].startswith("--no-install remotion lambda functions deploy --region=us-east-1 --memory=2048")
    assert calls[1].startswith("--no-install remotion lambda sites create src/index.ts --site-name=montage")


def test_operator_options_reach_the_cli(fake_npx, capsys, settings):
    settings.RENDER_RETENTION_DAYS = 7
    call_command(
        "deploy_lambda", "--region=eu-central-1", "--memory=3008", "--disk=4096", "--timeout=240",
        "--vpc-subnet-ids=subnet-0123456789abcdef0, subnet-0fedcba9876543210",
        "--vpc-security-group-ids=sg-0123456789abcdef0",
    )
    deploy, site = Path(f"{fake_npx}.calls").read_text().splitlines()
    assert deploy == (
        "--no-install remotion lambda functions deploy --region=eu-central-1 --memory=3008 --disk=4096 "
        "--timeout=240 --vpc-subnet-ids=subnet-0123456789abcdef0,subnet-0fedcba9876543210 "
        "--vpc-security-group-ids=sg-0123456789abcdef0 --yes --quiet"
    )
    # Retention's deleteAfter needs the bucket's lifecycle rules, made by this flag.
    assert site == (
        "--no-install remotion lambda sites create src/index.ts --site-name=montage --region=eu-central-1 "
        "--enable-folder-expiry --yes --quiet"
    )
    assert "every process (web, worker, polls, beat)" in capsys.readouterr().out


def test_without_retention_the_site_gets_no_folder_expiry(fake_npx, settings):
    settings.RENDER_RETENTION_DAYS = 0
    call_command("deploy_lambda", "--region=us-east-1")
    assert "--enable-folder-expiry" not in Path(f"{fake_npx}.calls").read_text()


@pytest.mark.parametrize(
    "arguments",
    [
        ["--vpc-subnet-ids=subnet-0123456789abcdef0"],  # without security groups
        ["--vpc-subnet-ids=vpc-0123456789abcdef0", "--vpc-security-group-ids=sg-0123456789abcdef0"],
    ],
)
def test_a_half_or_malformed_vpc_config_is_refused_before_any_cli_call(fake_npx, arguments):
    with pytest.raises((CommandError, SystemExit)):
        call_command("deploy_lambda", "--region=us-east-1", *arguments)
    assert not Path(f"{fake_npx}.calls").exists()
