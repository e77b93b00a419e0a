"""What a locked-out login sees (django-axes decides when; see AXES_* in settings).

The two form logins get a page, the API token endpoint its JSON error shape; both say
when to try again and carry Retry-After.
"""
import math

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from config.api.exceptions import ApplicationError


def retry_after_seconds():
    # axes counts the cool-off from the latest failure, and the refused attempt is one.
    return math.ceil(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message(seconds):
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed login attempts. Try again in {minutes} {unit}."


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE for /accounts/login/ and /admin/login/."""
    seconds = retry_after_seconds()
    context = {
        "message": lockout_message(seconds),
        "retry_at": timezone.now() + settings.AXES_COOLOFF_TIME,
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def api_lockout_error():
    seconds = retry_after_seconds()
    return ApplicationError(
        "too_many_login_attempts",
        lockout_message(seconds),
        status_code=429,
        extra={"retry_after": seconds},
        headers={"Retry-After": str(seconds)},
    )


def client_ip(request):
    """AXES_CLIENT_IP_CALLABLE: the client's address, read through TRUSTED_PROXY_COUNT
    proxies that each append to X-Forwarded-For (never a value the client chose)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
