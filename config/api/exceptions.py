"""One error shape for the whole API: {"code": "<stable_snake_case>", "detail": "...", ...}.

Services raise ApplicationError for rule violations; DRF's own exceptions are mapped here
too, so a client only ever parses one shape.
"""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ApplicationError(Exception):
    """A request that breaks a product rule. `code` is part of the API contract."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, code, detail, *, status_code=None, extra=None, headers=None):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        if status_code is not None:
            self.status_code = status_code
        self.extra = extra or {}
        self.headers = headers or {}


class NotFoundError(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND

    def __init__(self, detail="Not found.", **kwargs):
        super().__init__("not_found", detail, **kwargs)


class ConflictError(ApplicationError):
    status_code = status.HTTP_409_CONFLICT


# DRF's default codes, renamed where the DRF name would mislead a client.
_RENAMED_CODES = {"parse_error": "malformed_json", "invalid": "validation_error"}


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        body = {"code": exc.code, "detail": exc.detail, **exc.extra}
        return Response(body, status=exc.status_code, headers=exc.headers)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "code": "validation_error",
            "detail": first_message(errors),
            "errors": errors,
        }
    else:
        code = _RENAMED_CODES.get(exc.default_code, exc.default_code)
        response.data = {"code": code, "detail": str(exc.detail)}
    return response


def first_message(errors):
    """A sentence a person can act on, e.g. 'trim_start: Ensure this value is ...'."""
    for field, messages in errors.items():
        while isinstance(messages, (list, dict)) and messages:
            messages = next(iter(messages.values())) if isinstance(messages, dict) else messages[0]
        prefix = "" if field == "non_field_errors" else f"{field}: "
        return f"{prefix}{messages}"
    return "Invalid input."
