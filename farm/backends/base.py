"""The small interface every render farm implements, so the tasks never know which one runs.

Every call is asynchronous in shape: `start` returns once the farm has accepted the work,
`progress` is asked repeatedly until it reports `done` or a fatal error.
"""
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path


# The render failed before its first frame because of the code itself (compile error,
# no default export, a throw while the module is evaluated): it would fail the same way
# again, so it is neither charged nor offered a retry. remotion/src/compile.ts prefixes
# every such error with CODE_ERROR_MARKER, which both farms pass through in the message.
CODE_ERROR = "code_error"
CODE_ERROR_MARKER = "Code error: "
RENDER_FAILED = "render_failed"


def failure_code(message, frames_rendered):
    """`code_error` for the code's own failure before any frame, else `render_failed`."""
    if CODE_ERROR_MARKER in (message or "") and not frames_rendered:
        return CODE_ERROR
    return RENDER_FAILED


# The Remotion env variable that tells the page which hosts besides its bundle it may load
# images, fonts and media from (RENDER_ASSET_HOSTS); read by remotion/src/seal.ts.
ASSET_HOSTS_VARIABLE = "MONTAGE_ASSET_HOSTS"


@dataclass(frozen=True)
class Snapshot:
    """What a render draws: the composition, its input props and the output geometry
    (taken at request time by renders/requests/snapshots.py; a still adds its frame)."""

    composition_id: str
    input_props: dict
    width: int
    height: int
    fps: int
    duration_in_frames: int


class BackendError(Exception):
    """Base class; never raised directly."""


class TransientBackendError(BackendError):
    """Throttling, a network blip, a 5xx: nothing was lost and the same call may be made again.

    Raised by `start` only when the farm certainly did not begin a render.
    """


class FatalBackendError(BackendError):
    """The farm refused or failed the work; retrying the same call will not help."""

    def __init__(self, message, *, code=RENDER_FAILED):
        super().__init__(message)
        self.message = message
        self.code = code


class StartUnconfirmed(BackendError):
    """The start request went out but its answer was lost: the farm may be rendering it.

    Not retried (that could start it twice) and not failed (it may be running, paid for):
    the render waits until the farm's webhook or a lookup (`find_started`) settles it.
    """


class BackendNotConfigured(FatalBackendError):
    """Settings needed by the backend are missing: new requests are refused up front, and a
    render already accepted when the settings went missing fails with this code."""

    def __init__(self, message):
        super().__init__(message, code="render_service_not_configured")


@dataclass(frozen=True)
class StartedRender:
    farm_render_id: str
    farm_bucket: str = ""


@dataclass(frozen=True)
class RenderProgress:
    fraction: float  # 0.0 .. 1.0 of the whole render
    done: bool = False
    fatal_error: str | None = None  # set when the render cannot finish
    error_code: str = RENDER_FAILED  # the Render.error_code for fatal_error
    output_bucket: str = ""
    output_key: str = ""
    output_size: int | None = None
    estimated_cost: Decimal | None = None
    cost_currency: str = ""
    invocations: int = 0  # billed function invocations it took to find this out
    # With fatal_error: the end of the renderer's own output (its log: Node's stderr and
    # stdout, stacks included), for staff; at most RENDERER_OUTPUT_MAX characters.
    renderer_output: str = ""


RENDERER_OUTPUT_MAX = 16 * 1024


@dataclass(frozen=True)
class OutputLocation:
    """Where a finished render can be fetched: a URL to redirect to, or a local file."""

    redirect_url: str | None = None
    file_path: Path | None = None


@dataclass(frozen=True)
class CancelOutcome:
    stopped: bool  # False: the farm cannot stop the work, we only stop tracking it
    message: str = ""


class RenderBackend:
    name = ""
    # True when renders run on our own render hosts (farm/hosts.py), each with its
    # slots, rather than on a farm that decides its own capacity.
    runs_on_hosts = False
    # After a start whose answer was lost, how long the farm may still be working on it
    # (and report it) before `find_started` can tell for sure.
    start_settle_seconds = 0

    def find_started(self, render) -> StartedRender | None:
        """The farm's render for `render`'s lost start attempt, or None once sure there is
        none; any leftover work that cannot be adopted is stopped."""
        raise NotImplementedError

    def check_configured(self):
        """Raise BackendNotConfigured when settings are missing."""

    def check_ready(self):
        """For /readyz: raise BackendNotConfigured when this host cannot serve renders now."""
        self.check_configured()

    def start(self, render) -> StartedRender:
        raise NotImplementedError

    def progress(self, render) -> RenderProgress:
        raise NotImplementedError

    def cancel(self, render) -> CancelOutcome:
        raise NotImplementedError

    def output_location(self, render) -> OutputLocation:
        raise NotImplementedError

    def delete_output(self, render) -> None:
        """Remove everything the render left on the farm's storage (output, work files).

        Called after the render's row is gone or marked expired, with a Render carrying
        only its ids and output fields. Must be safe to repeat (nothing left: no error);
        raises TransientBackendError when trying again later may succeed.
        """
        raise NotImplementedError

    def output_size(self, render) -> int | None:
        """Size of a finished render's output, when its completion did not say."""
        raise NotImplementedError

    def progress_from_webhook(self, render, payload) -> RenderProgress:
        """A finished render as the farm's success webhook (renders.lifecycle.webhook_payload.WebhookBody) describes it."""
        raise NotImplementedError
