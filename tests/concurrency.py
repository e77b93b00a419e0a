"""Test code run on several threads at once (each closes its own database connections)."""
import threading


def run_at_once(*calls):
    """Run each call on a thread of its own, all of them started before any is waited for."""
    threads = [threading.Thread(target=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
