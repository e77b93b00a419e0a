"""Serving a finished render: a redirect to the farm's storage, or the local file with
byte-range support so a <video> element can seek (Django's FileResponse ignores Range)."""
import mimetypes
import re

from django.http import FileResponse, HttpResponse, HttpResponseRedirect

from config.api.exceptions import ApplicationError, ConflictError
from farm.backends import get_backend
from renders.models import Render

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def render_download_response(render, range_header=None):
    if render.status != Render.Status.COMPLETE:
        raise ConflictError("render_not_complete", "This render has no video yet: it is not complete.")
    if render.output_expired_at is not None:
        raise ApplicationError(
            "output_expired", "This render's video was deleted under the retention policy.", status_code=410
        )
    location = get_backend(render.backend).output_location(render)
    if location.redirect_url:
        return HttpResponseRedirect(location.redirect_url)
    path = location.file_path
    if path is None or not path.is_file():
        raise ApplicationError("output_missing", "The rendered file is no longer available.", status_code=410)
    return ranged_file_response(path, range_header, filename=f"montage-render-{render.pk}.mp4")


def ranged_file_response(path, range_header, *, filename):
    size = path.stat().st_size
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    byte_range = _parse_range(range_header, size)
    if byte_range == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    handle = path.open("rb")
    if byte_range is None:
        response = FileResponse(handle, content_type=content_type, as_attachment=False, filename=filename)
    else:
        start, end = byte_range
        handle.seek(start)
        response = FileResponse(_limited(handle, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Accept-Ranges"] = "bytes"
    return response


def _parse_range(header, size):
    """One 'bytes=a-b' range -> (start, end) inclusive; anything we do not serve -> None
    (whole file, which RFC 9110 allows), a range past the end -> 'unsatisfiable'."""
    match = _RANGE.match((header or "").strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end


def _limited(handle, remaining, chunk_size=64 * 1024):
    try:
        while remaining > 0:
            chunk = handle.read(min(chunk_size, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()
