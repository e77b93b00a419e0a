"""Copies bytes both ways between each accepted connection and a new connection made for
it: how a render's network namespace reaches the asset proxy outside it. A Unix socket
in the render's folder is the meeting point, since a path is visible on both sides of a
network namespace while no address is.

Standard library only: egress_exec.py and loopback_exec.py import it before the render
starts, with `python -I -S`.
"""
import os
import socket
import threading

CHUNK = 64 * 1024


def unix_listener(path):
    """A listening Unix socket at `path`, bound by a name relative to its folder (a
    render's folder can be longer than the 107 bytes a socket address holds)."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    _at(path, listener.bind)
    listener.listen(64)
    return listener


def unix_connector(path):
    def connect():
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        _at(path, upstream.connect)
        return upstream

    return connect


def tcp_connector(address):
    return lambda: socket.create_connection(address, timeout=10)


def serve(listener, connect):
    """Accept on `listener` until it is closed; pair each connection with `connect()`."""
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=_pair, args=(client, connect), daemon=True).start()


def serve_in_background(listener, connect):
    threading.Thread(target=serve, args=(listener, connect), daemon=True).start()


def _pair(client, connect):
    try:
        upstream = connect()
        upstream.settimeout(None)
    except OSError:
        client.close()
        return
    back = threading.Thread(target=_pump, args=(upstream, client), daemon=True)
    back.start()
    _pump(client, upstream)
    back.join()
    client.close()
    upstream.close()


def _pump(source, sink):
    try:
        while data := source.recv(CHUNK):
            sink.sendall(data)
    except OSError:
        pass
    try:
        sink.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def _at(path, operation):
    # Through the folder's descriptor: short, and unaffected by the working directory.
    folder, name = os.path.split(os.path.abspath(path))
    descriptor = os.open(folder, os.O_PATH | os.O_DIRECTORY)
    try:
        operation(f"/proc/self/fd/{descriptor}/{name}")
    finally:
        os.close(descriptor)
