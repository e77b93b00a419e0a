"""Drive one render to a final state from the current process (terminal and benchmarks).

It takes the same lifecycle steps as the Celery tasks. A worker may be running too: the
conditional updates let whichever of the two claims the render drive it, while the other
only watches the row.
"""
import time

from renders import lifecycle
from renders.backends import TransientBackendError
from renders.lifecycle import Next
from renders.models import Render

MAX_TRANSIENT_BACKOFF = 30.0


def render_drive(render_id, on_update=None, sleep=time.sleep):
    step = _attempt(lambda: lifecycle.render_start(render_id))
    backoff = 1.0
    while True:
        render = Render.objects.get(pk=render_id)
        if on_update:
            on_update(render)
        if render.is_final:
            return render
        if step.next is Next.NOTHING:
            sleep(0.5)  # someone else (a worker) drives it: watch the row
            continue
        sleep(step.delay)
        action = lifecycle.render_start if step.next is Next.START_AGAIN else lifecycle.render_poll
        try:
            step = action(render_id)
            backoff = 1.0
        except TransientBackendError:
            backoff = min(backoff * 2, MAX_TRANSIENT_BACKOFF)
            step = lifecycle.Step(step.next, backoff)


def _attempt(call):
    try:
        return call()
    except TransientBackendError:
        return lifecycle.Step(Next.START_AGAIN, 1.0)
