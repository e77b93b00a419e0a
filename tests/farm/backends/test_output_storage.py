"""Local outputs in an S3-compatible bucket (moto over real HTTP), with a real tiny render."""
import urllib.request

import pytest
from botocore.exceptions import ClientError

from farm.backends import TransientBackendError
from farm.backends.local import _Paths
from renders.models import Render
from renders.outputs.downloads import render_download_response
from tests.factories import SIMPLE_CODE
from tests.local_render import clip_render, start, wait_until

pytestmark = pytest.mark.django_db


def test_a_finished_render_is_uploaded_before_it_counts_as_done(local_backend, storage_bucket, settings):
    settings.RENDER_STORAGE_BUCKET = "not-created-yet"
    render = start(local_backend, clip_render(SIMPLE_CODE, frames=5))
    output = _Paths(render).output

    # The MP4 is there but the bucket is not: the poll is retried, the file kept.
    with pytest.raises(TransientBackendError, match="Could not upload the output to bucket not-created-yet"):
        wait_until(local_backend, render, lambda progress: False)
    assert output.is_file()

    settings.RENDER_STORAGE_BUCKET = storage_bucket.name
    progress = local_backend.progress(render)
    assert progress.done
    assert (progress.output_bucket, progress.output_key) == (storage_bucket.name, f"renders/{render.pk}.mp4")
    assert not output.exists(), "the local copy goes once the bucket has it"
    stored = storage_bucket.s3.get_object(Bucket=storage_bucket.name, Key=progress.output_key)
    assert (stored["ContentLength"], stored["ContentType"]) == (progress.output_size, "video/mp4")

    # A poll repeated after the upload (the row not yet updated) finds it in the bucket.
    assert local_backend.progress(render) == progress


def test_a_stored_output_downloads_as_a_fresh_presigned_redirect(local_backend, storage_bucket):
    render = start(local_backend, clip_render(SIMPLE_CODE, frames=5))
    progress = wait_until(local_backend, render, lambda progress: False)
    Render.objects.filter(pk=render.pk).update(
        status="complete", output_bucket=progress.output_bucket, output_key=progress.output_key
    )
    render.refresh_from_db()

    response = render_download_response(render)

    assert response.status_code == 302 and "X-Amz-Signature=" in response["Location"]
    with urllib.request.urlopen(response["Location"]) as reply:
        assert reply.read()[4:8] == b"ftyp"
        assert reply.headers["Content-Disposition"] == f'attachment; filename="montage-render-{render.pk}.mp4"'


def test_an_output_gone_from_the_bucket_is_a_clear_failure(local_backend, storage_bucket):
    render = start(local_backend, clip_render(SIMPLE_CODE, frames=5))
    progress = wait_until(local_backend, render, lambda progress: False)
    storage_bucket.s3.delete_object(Bucket=storage_bucket.name, Key=progress.output_key)
    with pytest.raises(ClientError):
        storage_bucket.s3.head_object(Bucket=storage_bucket.name, Key=progress.output_key)

    assert local_backend.progress(render).fatal_error == "The render finished but its MP4 is missing."


def test_deleting_a_stored_output_removes_it_from_the_bucket_and_may_be_repeated(local_backend, storage_bucket):
    render = start(local_backend, clip_render(SIMPLE_CODE, frames=5))
    progress = wait_until(local_backend, render, lambda progress: False)
    render.output_bucket, render.output_key = progress.output_bucket, progress.output_key

    local_backend.delete_output(render)
    local_backend.delete_output(render)

    listed = storage_bucket.s3.list_objects_v2(Bucket=storage_bucket.name)
    assert listed["KeyCount"] == 0
