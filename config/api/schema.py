"""OpenAPI: every operation lists every error it can answer, all in the one error shape.

The errors any operation of its kind can give (authentication, a missing object, a body
that is not JSON or too large, ...) are added here from what the view is; the product
rules a view enforces are declared on it with `ErrorResponse(codes...)` in the
`responses` of `extend_schema`. Each error response's description names its stable codes.
"""
from collections import defaultdict

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny

BODY_METHODS = ("POST", "PUT", "PATCH")


class ErrorSerializer(serializers.Serializer):
    """{"code": "<stable_snake_case>", "detail": "<a sentence>", ...}; see config/api/exceptions.py."""

    code = serializers.CharField(help_text="Stable and machine-readable; each response lists its codes.")
    detail = serializers.CharField(help_text="A sentence a person can act on.")
    errors = serializers.DictField(
        child=serializers.JSONField(), required=False, help_text="validation_error: the messages per field."
    )
    retry_after = serializers.IntegerField(required=False, help_text="429: seconds until a retry can work.")
    resets_at = serializers.DateTimeField(required=False, help_text="quota_exceeded: when a slot is free.")
    field = serializers.CharField(required=False, help_text="code_*: the field holding the rejected code.")
    line = serializers.IntegerField(required=False, help_text="code_*: the line of the problem (1-based).")
    column = serializers.IntegerField(required=False, help_text="code_*: the column (1-based).")
    version = serializers.IntegerField(required=False, help_text="movie_changed: the movie's version now.")
    movie = serializers.DictField(
        child=serializers.JSONField(), required=False, help_text="movie_changed: the movie as it is now."
    )


class ErrorResponse(OpenApiResponse):
    """An error status of one operation and the codes it answers with, in the one shape."""

    def __init__(self, *codes, description=""):
        super().__init__(ErrorSerializer, description)
        self.codes = codes


class MontageAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        declared = self.get_response_serializers()
        declared = declared if isinstance(declared, dict) else {}
        errors = self._errors_of_every_such_operation()
        for status, response in declared.items():
            if isinstance(response, ErrorResponse):
                errors[str(status)].extend(response.codes)
        if declared and all(isinstance(response, ErrorResponse) for response in declared.values()):
            responses = self._default_success(direction)  # the view declared its errors only
        else:
            responses = super()._get_response_bodies(direction)
        for status in errors:
            codes = ", ".join(f"`{code}`" for code in dict.fromkeys(errors[status]))
            response = OpenApiResponse(ErrorSerializer, f"An error; `code` is one of: {codes}.")
            responses[status] = self._get_response_for_code(response, status, direction=direction)
        return dict(sorted(responses.items()))

    def _default_success(self, direction):
        """What drf-spectacular documents for an operation without declared responses."""
        if self.method == "DELETE":
            return {"204": {"description": "No response body"}}
        status = "201" if self._is_create_operation() else "200"
        return {status: self._get_response_for_code(self._get_serializer(), status, direction=direction)}

    def _errors_of_every_such_operation(self):
        errors = defaultdict(list)
        if self.view.get_authenticators():
            errors["401"].append("authentication_failed")  # a wrong or revoked token
        if not any(isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            errors["401"].append("not_authenticated")
        uses_session = any(isinstance(auth, SessionAuthentication) for auth in self.view.get_authenticators())
        if uses_session and self.method not in ("GET", "HEAD", "OPTIONS"):
            errors["403"].append("permission_denied")  # a browser session without its CSRF token
        paginated = self.method == "GET" and self._is_list_view() and self._get_paginator()
        if paginated:
            errors["400"].extend(["invalid_page", "invalid_page_size"])
        if "{" in self.path or paginated:
            errors["404"].append("not_found")  # another user's object, or a page past the end
        if self.method in BODY_METHODS and self.get_request_serializer() is not None:
            errors["400"].extend(["validation_error", "malformed_json"])
            errors["413"].append("request_too_large")
            errors["415"].append("unsupported_media_type")
        return errors
