import io
import zipfile

import pytest
from django.urls import reverse

from tests.exports.movie import timeline_movie
from tests.factories import ClipFactory, MovieFactory

pytestmark = pytest.mark.django_db


def _names(response):
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return archive.namelist()


@pytest.mark.parametrize("kind", ["movie", "clip"])
def test_the_page_has_an_export_button_that_downloads_the_project(web, user, kind):
    target = timeline_movie(user) if kind == "movie" else ClipFactory(owner=user, name="Hello")
    export_url = reverse(f"{kind}s:export", args=[target.pk])

    page = web.get(reverse(f"{kind}s:detail", args=[target.pk])).content.decode()
    response = web.get(export_url)

    assert f'href="{export_url}"' in page and "Download project (.zip)" in page and "unsealed" in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert any(name.endswith("/src/Root.tsx") for name in _names(response))


def test_a_refused_export_goes_back_to_the_page_with_the_reason(web, user):
    movie = MovieFactory(owner=user)

    response = web.get(reverse("movies:export", args=[movie.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("movies:detail", args=[movie.pk])
    assert "This movie cannot be exported: Movie has no valid scenes" in response.content.decode()


def test_another_editors_movie_or_clip_is_a_404(web, other_user):
    assert web.get(reverse("movies:export", args=[MovieFactory(owner=other_user).pk])).status_code == 404
    assert web.get(reverse("clips:export", args=[ClipFactory(owner=other_user).pk])).status_code == 404


def test_signed_out_visitors_are_sent_to_the_login_page(client, user):
    response = client.get(reverse("clips:export", args=[ClipFactory(owner=user).pk]))
    assert response.status_code == 302 and "/login" in response.url
