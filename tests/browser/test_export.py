"""An editor exports a movie from its page in a real browser: the button downloads the zip."""
import zipfile

import pytest

from tests.browser.conftest import log_in, shoot
from tests.exports.movie import timeline_movie

pytestmark = pytest.mark.browser


def test_the_movie_page_downloads_its_remotion_project(live_server, open_page, editor, tmp_path):
    movie = timeline_movie(editor)
    page = open_page()
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/movies/{movie.pk}/")
    shoot(page, "20-movie-detail-export")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download project (.zip)").click()

    download = download_info.value
    assert download.suggested_filename == "launch-the-movie-remotion.zip"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert "launch-the-movie/src/Movie.tsx" in archive.namelist()
