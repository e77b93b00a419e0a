"""How the settings choose a render's sandbox (the sandbox itself: test_sandbox.py)."""
import pytest

from farm.backends import BackendNotConfigured, egress, sandbox

ARGV = ["/usr/bin/node", "render.mjs", "job.json"]


def test_auto_uses_a_namespace_without_asset_hosts(settings, tmp_path):
    settings.RENDER_NETWORK_ISOLATION, settings.RENDER_ASSET_HOSTS = "auto", []
    wrapped = sandbox.wrap(ARGV, tmp_path)
    assert wrapped[1:3] == ["--net", "--map-root-user"]
    assert wrapped[-3:] == ARGV
    assert sandbox.egress_proxy() is None


def test_with_asset_hosts_the_namespace_stays_and_gets_the_proxy_as_its_way_out(settings, tmp_path):
    settings.RENDER_NETWORK_ISOLATION, settings.RENDER_ASSET_HOSTS = "auto", ["cdn.example.com", "127.0.0.1:8123"]
    wrapped = sandbox.wrap(ARGV, tmp_path)

    separator = wrapped.index("--")
    assert wrapped[separator + 2 : separator + 4] == ["--net", "--map-root-user"]
    assert wrapped[-5:] == ["--forward", f"{egress.EGRESS_PORT}={tmp_path / 'egress.sock'}", *ARGV]
    assert sandbox.egress_proxy() == f"localhost:{egress.EGRESS_PORT}"
    assert (tmp_path / "egress.filter").read_text().splitlines() == [
        r"^http://cdn\.example\.com(:80)?/", r"^cdn\.example\.com:443$",
        r"^http://127\.0\.0\.1:8123/", r"^127\.0\.0\.1:8123$",
    ]
    assert "FilterDefaultDeny Yes" in (tmp_path / "egress.conf").read_text()


def test_off_runs_the_command_as_it_is(settings, tmp_path):
    settings.RENDER_NETWORK_ISOLATION, settings.RENDER_ASSET_HOSTS = "off", ["cdn.example.com"]
    assert sandbox.wrap(ARGV, tmp_path) == ARGV
    assert sandbox.egress_proxy() is None


@pytest.fixture
def no_unshare(monkeypatch, tmp_path):
    """A machine without util-linux's unshare (the availability check is cached)."""
    monkeypatch.setenv("PATH", str(tmp_path))
    sandbox._namespace_problem.cache_clear()
    yield
    sandbox._namespace_problem.cache_clear()


def test_a_required_namespace_the_machine_cannot_make_is_a_configuration_error(settings, no_unshare, tmp_path):
    settings.RENDER_NETWORK_ISOLATION, settings.RENDER_ASSET_HOSTS = "namespace", []
    with pytest.raises(BackendNotConfigured, match="cannot create a network namespace"):
        sandbox.wrap(ARGV, tmp_path)


def test_auto_runs_without_a_namespace_where_the_machine_cannot_make_one_and_says_so(
    settings, no_unshare, tmp_path, caplog
):
    settings.RENDER_NETWORK_ISOLATION, settings.RENDER_ASSET_HOSTS = "auto", []
    assert sandbox.wrap(ARGV, tmp_path) == ARGV
    assert "no network namespace: this machine cannot create one" in sandbox.isolation_summary()
    assert "Local renders run without a network namespace: no `unshare` on PATH" in caplog.text


def test_asset_hosts_without_tinyproxy_are_a_configuration_error(settings, monkeypatch):
    settings.RENDER_NETWORK_ISOLATION, settings.RENDER_ASSET_HOSTS = "auto", ["cdn.example.com"]
    assert sandbox.uses_network_namespace()  # probed with unshare found; the answer is kept
    monkeypatch.setattr(egress.shutil, "which", lambda *args, **kwargs: None)
    with pytest.raises(BackendNotConfigured, match="tinyproxy"):
        sandbox.check_configured()


def test_the_environment_holds_nothing_but_what_a_render_needs(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    environment = sandbox.render_environment(tmp_path)
    assert set(environment) == {"PATH", "HOME", "TMPDIR", "LANG"}
    assert environment["HOME"] == str(tmp_path)
    assert (tmp_path / "tmp").is_dir()
