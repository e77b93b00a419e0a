"""An export as an HTTP download, the same for the API, the pages and the admin."""
from django.http import HttpResponse
from django.utils.http import content_disposition_header


def archive_response(archive):
    return HttpResponse(
        archive.content,
        content_type="application/zip",
        headers={"Content-Disposition": content_disposition_header(True, archive.filename)},
    )
