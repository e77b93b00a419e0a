import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/nothing-here/", "/api/movies/1/scenes/abc/"])
def test_unknown_api_addresses_answer_in_the_api_error_shape(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "No API endpoint at this address."}


@pytest.mark.django_db
def test_unknown_pages_stay_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
