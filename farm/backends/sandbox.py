"""What a local render process is allowed to see: a minimal environment and, whenever the
machine allows it, a network namespace of its own.

The namespace (`unshare --net --map-root-user`, which works for root and for ordinary
users where unprivileged user namespaces are enabled) has nothing but its own loopback:
Chromium still reaches Remotion's server there, while every other address - the host's
loopback services, the LAN, a cloud metadata endpoint, the internet - is unreachable
whatever the page manages to request. With RENDER_ASSET_HOSTS it gets one way out, an
allowlisting proxy that reaches exactly those hosts (egress.py). Inside it, the page's
policy, the browser's host resolver and Node's download guard (remotion/src/seal.ts,
scripts/sealed-browser.sh, scripts/lib/asset-guard.mjs) still apply; where the machine
cannot make a namespace they are the whole lock, and /readyz and the log say so.
"""
import functools
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from farm.backends import egress
from farm.backends.base import BackendNotConfigured

logger = logging.getLogger(__name__)
LOOPBACK_EXEC = Path(__file__).with_name("loopback_exec.py")
# Enough for Node, Chromium and ffmpeg to start: nothing of Django's own environment.
SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"


def render_environment(work_dir):
    """The whole environment of a render process (local_process.launch adds its marker)."""
    tmp = Path(work_dir) / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    return {
        # Node itself may live outside SAFE_PATH (nvm, a venv-style install).
        "PATH": f"{Path(shutil.which('node') or '/usr/bin/node').parent}:{SAFE_PATH}",
        "HOME": str(work_dir),
        "TMPDIR": str(tmp),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
    }


def uses_network_namespace():
    """Whether renders run in their own network namespace under the current settings."""
    mode = settings.RENDER_NETWORK_ISOLATION
    if mode == "off":
        return False
    if _namespace_problem() is None:
        return True
    if mode == "namespace":
        raise BackendNotConfigured(
            "RENDER_NETWORK_ISOLATION=namespace but this machine cannot create a network namespace "
            f"({_namespace_problem()})."
        )
    return False


def check_configured():
    if uses_network_namespace() and settings.RENDER_ASSET_HOSTS:
        egress.tinyproxy()


def isolation_summary():
    """How renders are sealed from the network here, for /readyz and the worker's log."""
    if settings.RENDER_NETWORK_ISOLATION == "off":
        return "no network namespace (RENDER_NETWORK_ISOLATION=off)"
    if not uses_network_namespace():
        return f"no network namespace: this machine cannot create one ({_namespace_problem()})"
    if settings.RENDER_ASSET_HOSTS:
        return "network namespace; RENDER_ASSET_HOSTS through the allowlisting proxy"
    return "network namespace"


def egress_proxy():
    """Where a render reaches its asset hosts from inside its namespace (host:port), or
    None when it has no namespace or no asset hosts."""
    return egress.proxy_address() if settings.RENDER_ASSET_HOSTS and uses_network_namespace() else None


def wrap(argv, work_dir):
    """`argv` run inside the render's network namespace when one is used, with the asset
    proxy as its way out when there are asset hosts (its files go to `work_dir`)."""
    if not uses_network_namespace():
        return list(argv)
    namespace = [shutil.which("unshare"), "--net", "--map-root-user", sys.executable, "-I", "-S", str(LOOPBACK_EXEC)]
    if not settings.RENDER_ASSET_HOSTS:
        return [*namespace, *argv]
    egress_start = egress.egress_argv(work_dir, settings.RENDER_ASSET_HOSTS)
    return [sys.executable, "-I", "-S", *egress_start, *namespace, *egress.forward_args(work_dir), *argv]


@functools.cache
def _namespace_problem():
    """None when this machine can make a render's network namespace, else why not."""
    unshare = shutil.which("unshare")
    if not unshare:
        problem = "no `unshare` on PATH (util-linux)"
    else:
        probe = [unshare, "--net", "--map-root-user", sys.executable, "-I", "-S", str(LOOPBACK_EXEC), "true"]
        result = subprocess.run(probe, capture_output=True, text=True, timeout=10, env={"PATH": SAFE_PATH})
        if result.returncode == 0:
            return None
        problem = f"`unshare --net --map-root-user` failed: {result.stderr.strip() or 'user namespaces disabled?'}"
    logger.warning("Local renders run without a network namespace: %s", problem)
    return problem
