"""How the settings choose a render's sandbox (the sandbox itself: test_sandbox.py)."""
import pytest

from farm.backends import BackendNotConfigured, sandbox

ARGV = ["/usr/bin/node", "render.mjs", "job.json"]


def test_auto_uses_a_namespace_without_asset_hosts(settings):
    settings.RENDER_NETWORK_ISOLATION, settings.RENDER_ASSET_HOSTS = "auto", []
    wrapped = sandbox.wrap(ARGV)
    assert wrapped[1:3] == ["--net", "--map-root-user"]
    assert wrapped[-3:] == ARGV


@pytest.mark.parametrize("mode, hosts", [("auto", ["cdn.example.com"]), ("off", [])])
def test_asset_hosts_or_off_run_the_command_as_it_is(settings, mode, hosts):
    settings.RENDER_NETWORK_ISOLATION, settings.RENDER_ASSET_HOSTS = mode, hosts
    assert sandbox.wrap(ARGV) == ARGV


@pytest.fixture
def no_unshare(monkeypatch, tmp_path):
    """A machine without util-linux's unshare (the availability check is cached)."""
    monkeypatch.setenv("PATH", str(tmp_path))
    sandbox._namespace_available.cache_clear()
    yield
    sandbox._namespace_available.cache_clear()


def test_a_required_namespace_the_machine_cannot_make_is_a_configuration_error(settings, no_unshare):
    settings.RENDER_NETWORK_ISOLATION, settings.RENDER_ASSET_HOSTS = "namespace", []
    with pytest.raises(BackendNotConfigured, match="cannot create a network namespace"):
        sandbox.wrap(ARGV)


def test_auto_runs_without_a_namespace_where_the_machine_cannot_make_one(settings, no_unshare):
    settings.RENDER_NETWORK_ISOLATION, settings.RENDER_ASSET_HOSTS = "auto", []
    assert sandbox.wrap(ARGV) == ARGV


def test_the_environment_holds_nothing_but_what_a_render_needs(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    environment = sandbox.render_environment(tmp_path)
    assert set(environment) == {"PATH", "HOME", "TMPDIR", "LANG"}
    assert environment["HOME"] == str(tmp_path)
    assert (tmp_path / "tmp").is_dir()
