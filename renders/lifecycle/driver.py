"""Drive one render to a final state from the current process (terminal and benchmarks).

It takes the same lifecycle steps as the Celery tasks. A worker may be running too: the
conditional updates make a second driver harmless (only one claims the start, and a
duplicate poll applies nothing twice), so the driver never waits on a worker that may
not exist.
"""
import time

from farm import hosts
from farm.backends import TransientBackendError
from renders.lifecycle import starts, transitions
from renders.lifecycle.transitions import Next
from renders.limits import limits_for
from renders.models import Render

MAX_TRANSIENT_BACKOFF = 30.0
# When the step says nothing is due (someone else is starting it, or it just ended).
IDLE_DELAY = 0.2


def render_drive(render_id, on_update=None, sleep=time.sleep):
    backoff = 1.0
    while True:
        render = Render.objects.get(pk=render_id)
        if on_update:
            on_update(render)
        if render.is_final:
            return render
        if render.host_id is not None:
            if not hosts.render_on_this_host(render):
                sleep(IDLE_DELAY)  # another machine's worker renders it: only watch
                continue
            # While it drives a render of this host, this process is the host's heartbeat.
            hosts.host_heartbeat()
        try:
            if render.status == Render.Status.RENDERING:
                running = transitions.render_refresh(render)
                delay = limits_for(render.kind).poll_interval_seconds if running else IDLE_DELAY
            else:
                step = starts.render_start(render_id)
                delay = IDLE_DELAY if step.next is Next.NOTHING else step.delay
        except TransientBackendError:
            backoff = min(backoff * 2, MAX_TRANSIENT_BACKOFF)
            sleep(backoff)
            continue
        backoff = 1.0
        sleep(delay)
