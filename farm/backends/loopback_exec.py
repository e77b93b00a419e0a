"""Run inside a fresh network namespace: bring its loopback up, then exec the command.

Usage: loopback_exec.py [--forward PORT=SOCKET] COMMAND [ARG...]. A new namespace's `lo`
is down, and Chromium must reach Remotion's server on 127.0.0.1 inside it. With
--forward, a child process offers the Unix socket SOCKET (the asset proxy's bridge, see
egress_exec.py) as 127.0.0.1:PORT inside the namespace: its only way out. Started with
`python -I -S` and standard library only (no Django, no venv packages): it runs before
the render's code.
"""
import ctypes
import fcntl
import os
import signal
import socket
import struct
import sys

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
PR_SET_PDEATHSIG = 1


def loopback_up():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))


def forward(port, socket_path):
    """Serve 127.0.0.1:`port` from a child that dies with the command exec'd here."""
    # `python -I` leaves this folder off sys.path; the bridge is the one sibling needed.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import socket_bridge

    listener = socket.create_server(("127.0.0.1", port))
    parent = os.getpid()
    if os.fork() == 0:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == parent:  # else the command already ended, before the prctl
            socket_bridge.serve(listener, socket_bridge.unix_connector(socket_path))
        os._exit(0)
    listener.close()


if __name__ == "__main__":
    loopback_up()
    args = sys.argv[1:]
    if args[0] == "--forward":
        port, socket_path = args[1].split("=", 1)
        forward(int(port), socket_path)
        args = args[2:]
    os.execvp(args[0], args)
