"""What a local render process is allowed to see: a minimal environment and, when the
machine allows it, a network namespace of its own.

The namespace (`unshare --net --map-root-user`, which works for root and for ordinary
users where unprivileged user namespaces are enabled) has nothing but its own loopback:
Chromium still reaches Remotion's server there, while every other address - the host's
loopback services, the LAN, a cloud metadata endpoint, the internet - is unreachable
whatever the page manages to request. It cannot be used when the render must fetch from
RENDER_ASSET_HOSTS; then the page's policy, the browser's host resolver and Node's download
guard (remotion/src/seal.ts, scripts/sealed-browser.sh, scripts/lib/asset-guard.mjs) are
the lock.
"""
import functools
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

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
    if mode == "off" or (mode == "auto" and settings.RENDER_ASSET_HOSTS):
        return False
    if _namespace_available():
        return True
    if mode == "namespace":
        raise BackendNotConfigured(
            "RENDER_NETWORK_ISOLATION=namespace but this machine cannot create a network namespace "
            "(`unshare --net --map-root-user` failed: user namespaces disabled?)."
        )
    return False


def wrap(argv):
    """`argv` run inside the render's network namespace when one is used."""
    if not uses_network_namespace():
        return list(argv)
    return [shutil.which("unshare"), "--net", "--map-root-user", sys.executable, "-I", "-S", str(LOOPBACK_EXEC), *argv]


@functools.cache
def _namespace_available():
    unshare = shutil.which("unshare")
    if not unshare:
        logger.warning("Local renders run without a network namespace: no `unshare` on PATH (util-linux).")
        return False
    probe = [unshare, "--net", "--map-root-user", sys.executable, "-I", "-S", str(LOOPBACK_EXEC), "true"]
    result = subprocess.run(probe, capture_output=True, text=True, timeout=10, env={"PATH": SAFE_PATH})
    if result.returncode != 0:
        logger.warning("Local renders run without a network namespace: %s", result.stderr.strip())
    return result.returncode == 0
