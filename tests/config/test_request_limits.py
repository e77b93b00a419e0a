"""Hostile requests get a 4xx in the API's error shape, never a 500."""
import pytest
from django.test import override_settings

from tests.api_errors import assert_error, assert_validation_error
from tests.factories import ClipFactory

LIMIT = 64 * 1024


@pytest.fixture
def small_limit(settings):
    settings.REQUEST_MAX_BODY_BYTES = LIMIT


def test_json_nested_100k_deep_is_a_400_not_a_crash(api, settings):
    body = "[" * 100_000 + "]" * 100_000
    assert len(body) < settings.REQUEST_MAX_BODY_BYTES  # the default limit lets it through
    response = api.generic("POST", "/api/movies/", body, content_type="application/json")
    body = assert_error(response, 400, "malformed_json")
    assert "nested too deeply" in body["detail"]


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/json", '{"name": "' + "x" * LIMIT + '"}'),
        ("application/x-www-form-urlencoded", "name=" + "x" * LIMIT),
        (
            "multipart/form-data; boundary=BOUNDARY",
            '--BOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\n'
            + "x" * LIMIT + "\r\n--BOUNDARY--\r\n",
        ),
    ],
)
def test_bodies_over_the_limit_are_413_in_the_error_shape(api, small_limit, content_type, body):
    response = api.generic("POST", "/api/movies/", body, content_type=content_type)
    body = assert_error(response, 413, "request_too_large")
    assert str(LIMIT) in body["detail"]


def test_a_body_under_the_limit_is_read(api, small_limit):
    name = "x" * 200
    response = api.post("/api/movies/", {"name": name}, format="json")
    assert response.status_code == 201, response.content


def test_pages_get_a_plain_413(client, small_limit):
    response = client.post("/accounts/login/", {"username": "u", "password": "p" * LIMIT})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10)
def test_django_refusing_a_form_is_a_json_400_under_the_api(anon_api):
    fields = "&".join(f"f{i}=1" for i in range(20))
    response = anon_api.generic(
        "POST", "/api/auth/token/", fields, content_type="application/x-www-form-urlencoded"
    )
    assert_error(response, 400, "bad_request")


@pytest.mark.parametrize("field", ["clip", "movie", "generation"])
@pytest.mark.parametrize("value", [str(10**33), "%C2%B2", "\u0663", "-1", "0", "1e3"])
def test_render_filters_refuse_ids_that_cannot_name_a_row(api, field, value):
    assert_error(api.get(f"/api/renders/?{field}={value}"), 400, "invalid_filter")


def test_the_largest_64_bit_id_is_a_valid_filter_that_matches_nothing(api):
    response = api.get(f"/api/renders/?clip={2**63 - 1}")
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize(
    "query, code",
    [
        ("page=false", "invalid_page"),
        ("page=0", "invalid_page"),
        ("page_size=null", "invalid_page_size"),
        ("page_size=101", "invalid_page_size"),
    ],
)
def test_malformed_paging_is_a_400_not_ignored(api, query, code):
    assert_error(api.get(f"/api/clips/?{query}"), 400, code)


@pytest.mark.parametrize(
    "body, field",
    [({"name": 7}, "name"), ({"name": "M", "fps": "30"}, "fps"), ({"name": "M", "fps": True}, "fps")],
)
def test_json_values_of_the_wrong_type_are_refused_not_converted(api, body, field):
    assert_validation_error(api.post("/api/movies/", body, format="json"), field)


def test_an_empty_usage_date_is_refused(api):
    assert_error(api.get("/api/renders/usage/?to="), 400, "invalid_date")


def test_an_empty_form_value_is_refused_not_skipped(api, user):
    """Forms carry only strings; an empty one is no number (DRF skipped it in a PATCH)."""
    clip = ClipFactory(owner=user)
    assert_validation_error(api.patch(f"/api/clips/{clip.pk}/", {"fps": ""}, format="multipart"), "fps")
