"""Django-level 404 and 500 answers: the API's error shape under /api/, pages elsewhere.

DRF's exception handler only sees errors raised inside its views; an address that
matches no route, or a crash outside a view, comes here.
"""
from django.http import JsonResponse
from django.views import defaults


def is_api(request):
    return request.path.startswith("/api/")


def bad_request(request, exception):
    """Django's own 400s (too many form fields, a suspicious request) under /api/ too."""
    if is_api(request):
        return JsonResponse({"code": "bad_request", "detail": "The request could not be read."}, status=400)
    return defaults.bad_request(request, exception)


def page_not_found(request, exception):
    if is_api(request):
        return JsonResponse({"code": "not_found", "detail": "No API endpoint at this address."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        detail = "Something went wrong on our side. The error has been logged; try again later."
        return JsonResponse({"code": "server_error", "detail": detail}, status=500)
    return defaults.server_error(request)
