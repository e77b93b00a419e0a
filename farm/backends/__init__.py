from django.conf import settings

from farm.backends.base import (
    BackendError,
    BackendNotConfigured,
    CancelOutcome,
    FatalBackendError,
    OutputLocation,
    RenderBackend,
    RenderProgress,
    StartedRender,
    StartUnconfirmed,
    TransientBackendError,
)
from farm.backends.metered import MeteredBackend

__all__ = [
    "BackendError",
    "BackendNotConfigured",
    "CancelOutcome",
    "FatalBackendError",
    "OutputLocation",
    "RenderBackend",
    "RenderProgress",
    "StartedRender",
    "StartUnconfirmed",
    "TransientBackendError",
    "get_backend",
]


def get_backend(name=None) -> RenderBackend:
    """The backend a render runs on (`render.backend`), or the configured one for new renders,
    with its farm calls counted and timed (farm/backends/metered.py)."""
    name = name or settings.RENDER_BACKEND
    if name == "local":
        from farm.backends.local import LocalBackend

        return MeteredBackend(LocalBackend())
    if name == "lambda":
        from farm.backends.lambda_ import LambdaBackend

        return MeteredBackend(LambdaBackend())
    raise BackendNotConfigured(f"Unknown render backend {name!r}.")
