import pytest
from rest_framework.test import APIClient

from tests.api_errors import assert_error, assert_validation_error
from tests.factories import MovieFactory

pytestmark = pytest.mark.django_db

LIST_ENDPOINTS = ["/api/generations/", "/api/clips/", "/api/movies/"]


def test_token_endpoint_exchanges_credentials_for_a_working_token(anon_api, user):
    response = anon_api.post(
        "/api/auth/token/", {"username": user.username, "password": "correct-horse-battery"}, format="json"
    )

    assert response.status_code == 200
    assert list(response.json()) == ["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/movies/").status_code == 200


def test_token_endpoint_rejects_a_wrong_password(anon_api, user):
    wrong = {"username": user.username, "password": "nope"}
    response = anon_api.post("/api/auth/token/", wrong, format="json")
    assert_validation_error(response, "non_field_errors")


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
def test_unauthenticated_requests_are_401_with_the_error_shape(anon_api, url):
    response = anon_api.get(url)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_bad_token_is_401(anon_api):
    anon_api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_error(anon_api.get("/api/movies/"), 401, "authentication_failed")


def test_session_login_works_for_the_browser(client, user):
    client.force_login(user)
    assert client.get("/api/movies/").status_code == 200


@pytest.mark.parametrize("url", [*LIST_ENDPOINTS, "/api/auth/token/"])
def test_malformed_json_is_a_400_malformed_json(api, url):
    response = api.post(url, data='{"name": "unterminated', content_type="application/json")
    assert_error(response, 400, "malformed_json")


def test_validation_errors_list_every_field_and_name_the_first_in_detail(api):
    response = api.post("/api/clips/", {"fps": -1}, format="json")
    body = assert_validation_error(response, "name", "code", "duration_in_frames", "fps")
    assert body["detail"].startswith("name: ")
    assert all(isinstance(messages, list) for messages in body["errors"].values())


def test_a_json_list_instead_of_an_object_is_a_validation_error(api, user):
    movie = MovieFactory(owner=user)
    response = api.post(f"/api/movies/{movie.pk}/scenes/", [1, 2], format="json")
    assert_validation_error(response, "non_field_errors")
