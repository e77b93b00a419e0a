import io
import zipfile

import pytest
from django.urls import reverse

from tests.exports.movie import timeline_movie
from tests.factories import ClipFactory, MovieFactory

pytestmark = pytest.mark.django_db


def _export(admin_client, model, *rows, follow=False):
    return admin_client.post(
        reverse(f"admin:{model}_changelist"),
        {"action": "export_project", "_selected_action": [row.pk for row in rows]},
        follow=follow,
    )


@pytest.mark.parametrize("model", ["movies_movie", "clips_clip"])
def test_staff_export_any_users_movie_or_clip(admin_client, user, model):
    row = timeline_movie(user) if model == "movies_movie" else ClipFactory(owner=user, name="Hello")

    response = _export(admin_client, model, row)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert any(name.endswith("/package-lock.json") for name in archive.namelist())


def test_one_at_a_time(admin_client, user):
    two = ClipFactory.create_batch(2, owner=user)

    response = _export(admin_client, "clips_clip", *two, follow=True)

    assert response["Content-Type"].startswith("text/html")
    assert "Select exactly one clip to export." in response.content.decode()


def test_a_refusal_is_shown_as_a_message(admin_client, user):
    movie = MovieFactory(owner=user, name="Empty")

    response = _export(admin_client, "movies_movie", movie, follow=True)

    assert "Empty cannot be exported: Movie has no valid scenes" in response.content.decode()
