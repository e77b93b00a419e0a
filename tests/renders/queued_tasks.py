"""What code under test queued on the in-memory broker (tests/conftest.py), read through
kombu's own API, so a test can count or run the queued starts itself."""
from config.celery import app


def drain(queue="celery"):
    """Take every queued message off `queue`: [(task name, args), ...] in order."""
    taken = []
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        while (message := channel.basic_get(queue, no_ack=True)) is not None:
            args, _kwargs, _embed = message.decode()
            taken.append((message.headers["task"], list(args)))
    return taken


def run_queued_starts():
    """Run each queued start_render as a worker would; returns the render ids started."""
    from renders.lifecycle import starts

    started = []
    for task, args in drain():
        if task == "renders.tasks.start_render":
            starts.render_start(*args)
            started.append(args[0])
    return started
