"""Counts and times every call Montage makes to a render farm, whichever backend it is.

get_backend() hands out backends wrapped in this proxy, so no call site needs to know.
"""
import time

from config import metrics
from farm.backends.base import FatalBackendError, TransientBackendError

# The backend methods that talk to the farm (the rest are settings checks and attributes).
FARM_OPERATIONS = frozenset({"start", "progress", "cancel", "delete_output"})


class MeteredBackend:
    def __init__(self, backend):
        self.wrapped = backend

    def __getattr__(self, name):
        attribute = getattr(self.wrapped, name)
        if name not in FARM_OPERATIONS:
            return attribute

        def metered(*args, **kwargs):
            began = time.perf_counter()
            outcome = "error"
            try:
                result = attribute(*args, **kwargs)
                outcome = "ok"
                return result
            except TransientBackendError:
                outcome = "transient_error"
                raise
            except FatalBackendError:
                outcome = "fatal_error"
                raise
            finally:
                backend = self.wrapped.name
                metrics.farm_calls.labels(backend=backend, operation=name, outcome=outcome).inc()
                metrics.farm_call_duration.labels(backend=backend, operation=name).observe(
                    time.perf_counter() - began
                )

        return metered
