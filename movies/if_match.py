"""A movie's version on the wire: its ETag, and the If-Match header a change is based on."""
import re

from config.api.exceptions import ApplicationError

# The ETag is the version in quotes; a weak one (W/"7") or a bare 7 is accepted too,
# since what matters is which version the client last saw.
_TAG = re.compile(r'^\s*(?:W/)?"?(\d{1,10})"?\s*$')


def movie_etag(version):
    return f'"{version}"'


def expected_version(request):
    """The version named by If-Match, or None when there is none (or "*": any version)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    match = _TAG.match(header)
    if match is None:
        raise ApplicationError(
            "invalid_if_match",
            f'If-Match must be one movie ETag, e.g. "3" (the movie\'s version); got {header[:40]!r}.',
        )
    return int(match.group(1))
