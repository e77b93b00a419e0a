"""The one way out of a render's network namespace when RENDER_ASSET_HOSTS is set: an
allowlisting forward proxy that reaches exactly those hosts.

Debian's tinyproxy, one per render (started by egress_exec.py outside the namespace,
stopped with the render): a small, long-maintained C proxy whose URL filter with
`FilterDefaultDeny` is an allowlist, so its whole policy is the filter file written here.
It matches whole request targets, so a port is part of the match: `http://host[:port]/`
for plain HTTP, `host:port` for CONNECT (HTTPS). Chromium (its --proxy-server, see
remotion/scripts/sealed-browser.sh) and Node's downloads (remotion/scripts/lib/
asset-guard.mjs) reach it at localhost:EGRESS_PORT inside the namespace, through a Unix
socket in the render's folder (socket_bridge.py).
"""
import re
import shutil
from pathlib import Path

from farm.backends.base import BackendNotConfigured

EGRESS_EXEC = Path(__file__).with_name("egress_exec.py")
# Inside the namespace nothing else listens but Remotion's server (3000-3100) and the
# browser's DevTools port (an ephemeral one).
EGRESS_PORT = 3128
SOCKET_NAME = "egress.sock"


def tinyproxy():
    path = shutil.which("tinyproxy") or shutil.which("tinyproxy", path="/usr/sbin:/usr/bin")
    if not path:
        raise BackendNotConfigured(
            "RENDER_ASSET_HOSTS is set but tinyproxy, the renders' asset proxy, is not installed: "
            "run `make setup` (scripts/ensure-proxy.sh)."
        )
    return path


def filter_rules(hosts):
    """One anchored extended regular expression per allowed request target."""
    rules = []
    for entry in hosts:
        name, _, port = entry.lower().partition(":")
        host = re.escape(name)
        if port:
            rules += [f"^http://{host}:{port}/", f"^{host}:{port}$"]
        else:
            rules += [f"^http://{host}(:80)?/", f"^{host}:443$"]
    return rules


def egress_argv(work_dir, hosts):
    """The command prefix that starts the proxy, then runs what follows `--`."""
    work_dir = Path(work_dir)
    rules, config = work_dir / "egress.filter", work_dir / "egress.conf"
    rules.write_text("".join(f"{rule}\n" for rule in filter_rules(hosts)))
    config.write_text(
        "Timeout 60\nMaxClients 32\nAllow 127.0.0.1\nDisableViaHeader Yes\n"
        f'LogFile "{work_dir / "egress.log"}"\nLogLevel Notice\n'
        f'Filter "{rules}"\nFilterURLs On\nFilterType ere\nFilterDefaultDeny Yes\nFilterCaseSensitive No\n'
    )
    return [str(EGRESS_EXEC), tinyproxy(), str(config), str(work_dir / SOCKET_NAME), "--"]


def forward_args(work_dir):
    """loopback_exec.py's option that offers the proxy inside the namespace."""
    return ["--forward", f"{EGRESS_PORT}={Path(work_dir) / SOCKET_NAME}"]


def proxy_address():
    return f"localhost:{EGRESS_PORT}"
