"""Assertions on the API's one error shape: {"code": ..., "detail": ..., ...}."""


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["detail"], str) and body["detail"], body
    return body


def assert_validation_error(response, *fields):
    """A 400 naming exactly these fields under "errors"."""
    body = assert_error(response, 400, "validation_error")
    assert sorted(body["errors"]) == sorted(fields), body
    return body
