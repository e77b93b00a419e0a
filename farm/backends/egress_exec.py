"""Run a sealed render with one way out of its network namespace: the asset proxy.

Usage: egress_exec.py TINYPROXY CONFIG SOCKET -- COMMAND [ARG...]

Outside the namespace: starts tinyproxy with CONFIG (written by farm/backends/egress.py:
a default-deny filter admitting exactly RENDER_ASSET_HOSTS) on a free loopback port,
serves SOCKET (a Unix socket in the render's folder) as a bridge to it, runs COMMAND
(`unshare ... loopback_exec.py --forward ...`, which offers the socket inside the
namespace as localhost:EGRESS_PORT), and exits with COMMAND's status once it ends,
stopping the proxy. Standard library only, started with `python -I -S`.
"""
import os
import signal
import socket
import subprocess
import sys
import time

# `python -I` leaves this folder off sys.path; the bridge is the one sibling needed.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import socket_bridge  # noqa: E402

START_SECONDS = 5


def default_sigterm():
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_proxy(tinyproxy, config_path):
    """tinyproxy listening on a free port of 127.0.0.1, and that port."""
    for _ in range(5):
        port = free_port()
        config = f"{config_path}.{port}"
        with open(config_path) as template, open(config, "w") as final:
            final.write(f"{template.read()}Port {port}\nListen 127.0.0.1\n")
        proxy = subprocess.Popen([tinyproxy, "-d", "-c", config], stdin=subprocess.DEVNULL, preexec_fn=default_sigterm)
        deadline = time.monotonic() + START_SECONDS
        while proxy.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return proxy, port
            except OSError:
                time.sleep(0.01)
        proxy.kill()
        proxy.wait()
    sys.exit("Could not start the asset proxy (tinyproxy).")


def main(tinyproxy, config_path, socket_path, command):
    # Cancelling signals the whole process group: the proxy and the render get it too,
    # and this process must outlive the render, whose pid it is to Django.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    proxy, port = start_proxy(tinyproxy, config_path)
    try:
        bridge = socket_bridge.unix_listener(socket_path)
        socket_bridge.serve_in_background(bridge, socket_bridge.tcp_connector(("127.0.0.1", port)))
        render = subprocess.Popen(command, stdin=subprocess.DEVNULL, preexec_fn=default_sigterm)
        return render.wait()
    finally:
        proxy.terminate()
        proxy.wait()
        os.unlink(socket_path)


if __name__ == "__main__":
    tinyproxy, config_path, socket_path, separator, *command = sys.argv[1:]
    assert separator == "--", "usage: egress_exec.py TINYPROXY CONFIG SOCKET -- COMMAND..."
    sys.exit(main(tinyproxy, config_path, socket_path, command))
