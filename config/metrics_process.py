"""prometheus-client's multiprocess mode for Montage's services.

With PROMETHEUS_MULTIPROC_DIR set, every process keeps its values in files in that one
directory per machine, shared by web (gunicorn) and the Celery workers, so web's
/metrics adds up what every process on the machine counted.

The directory must be wiped when the processes writing to it start again, but the web and
the workers restart independently: wiping it all when one of them starts would drop the
files the others are still writing. So files carry the name of the service that wrote
them (`counter_web-1234.db`, `histogram_celery@box-1240.db`); a service starting removes
only the files of its own previous run, plus those of dead one-off processes
(`manage.py render --wait`, the development server), named by their pid alone.
"""
import glob
import os
import re
from pathlib import Path

from prometheus_client import values
from prometheus_client.multiprocess import mark_process_dead

_service = None
_UNSAFE = re.compile(r"[^A-Za-z0-9@.]")
_ONE_OFF_FILE = re.compile(r"^[a-z_]+_(\d+)\.db$")


def multiproc_dir():
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def configure():
    """Called once when config/metrics.py is imported, before any metric exists."""
    directory = multiproc_dir()
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        values.ValueClass = values.MultiProcessValue(process_identifier=_identity)
    else:
        # prometheus-client switches to files when the variable merely exists, even
        # empty (`PROMETHEUS_MULTIPROC_DIR=` in a .env), and would write them to the cwd.
        values.ValueClass = values.MutexValue


def _identity(pid=None):
    pid = os.getpid() if pid is None else pid
    return f"{_service}-{pid}" if _service else str(pid)


def service_start(name):
    """Name this process (and the children it forks) as service `name` and wipe what the
    service's previous run left. Call in the service's main process before it forks."""
    global _service
    _service = _UNSAFE.sub(".", name)
    directory = multiproc_dir()
    if not directory:
        return
    for path in glob.glob(os.path.join(directory, f"*_{glob.escape(_service)}-*.db")):
        if re.search(rf"_{re.escape(_service)}-\d+\.db$", path):
            os.remove(path)
    for path in glob.glob(os.path.join(directory, "*.db")):
        one_off = _ONE_OFF_FILE.match(os.path.basename(path))
        if one_off and not _alive(int(one_off[1])):
            os.remove(path)


def process_exit(pid=None):
    """A child process ended: drop its live gauges (its counters stay in the sums)."""
    directory = multiproc_dir()
    if directory:
        mark_process_dead(_identity(pid), directory)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# gunicorn server hooks (the process file's gunicorn configuration refers to these).
def gunicorn_on_starting(server):
    service_start("web")


def gunicorn_child_exit(server, worker):
    process_exit(worker.pid)
