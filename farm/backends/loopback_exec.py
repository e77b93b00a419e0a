"""Run inside a fresh network namespace: bring its loopback up, then exec the command.

Usage: loopback_exec.py COMMAND [ARG...]. A new namespace's `lo` is down, and Chromium
must reach Remotion's server on 127.0.0.1 inside it. Started with `python -I -S` and
standard library only (no Django, no venv packages): it runs before the render's code.
"""
import fcntl
import os
import socket
import struct
import sys

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1


def loopback_up():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))


if __name__ == "__main__":
    loopback_up()
    os.execvp(sys.argv[1], sys.argv[1:])
