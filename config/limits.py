"""A size limit on every request body, answered before any parser reads it.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE only guards `request.body` and form fields, and DRF's
JSON parser reads the stream directly, so the one reliable place is the declared length:
Django never reads past CONTENT_LENGTH (a body without one reads as empty).
"""
from django.conf import settings
from django.http import HttpResponse, JsonResponse

from config.errors import is_api


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.REQUEST_MAX_BODY_BYTES
        if _declared_length(request) > limit:
            detail = f"The request body is larger than the limit of {limit} bytes."
            if is_api(request):
                return JsonResponse({"code": "request_too_large", "detail": detail}, status=413)
            return HttpResponse(detail, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _declared_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads a malformed length as an empty body too
