"""Upper bounds for the frame counts and frame rates a client may send.

The models only insist on positive values. These ceilings keep every number a request can
produce, fps normalisation included (frames x fps), inside PostgreSQL's 32-bit integer
columns, so an absurd value is a 400 with a message instead of a database error.
"""
FPS_MAX = 120
FRAMES_MAX = 1_000_000  # a little over 9 hours at 30 fps

FPS = {"min_value": 1, "max_value": FPS_MAX}
FRAME_COUNT = {"min_value": 1, "max_value": FRAMES_MAX}
# A frame of something (a poster's): its own length is checked by the service.
FRAME_INDEX = {"min_value": 0, "max_value": FRAMES_MAX - 1, "allow_null": True}

# Code is stored as sent: DRF strips surrounding whitespace from strings by default.
VERBATIM_CODE = {"code": {"trim_whitespace": False}, "raw_code": {"trim_whitespace": False}}

# Primary keys are 64-bit (BigAutoField); a larger number cannot name a row.
ID_MAX = 2**63 - 1


def parse_id(raw):
    """An id from a query string, or None. ASCII digits only: str.isdigit() also accepts
    '²' and other digits int() cannot read."""
    if not (raw.isascii() and raw.isdigit()):
        return None
    number = int(raw)
    return number if 0 < number <= ID_MAX else None
