"""API tokens: the token endpoint with lockout, and revocation when a password changes.

A stolen or shared token must stop working once its owner changes the password, whatever
the path (the admin's form, `changepassword`, set_password() + save()).
"""
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from accounts.lockout import api_lockout_error
from config.api.schema import ErrorResponse


class TokenView(ObtainAuthToken):
    """`POST /api/auth/token/`; django-axes' backend refuses a locked-out username+IP."""

    @extend_schema(
        responses={
            200: inline_serializer("AuthToken", {"token": serializers.CharField()}),
            429: ErrorResponse("too_many_login_attempts"),
        }
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        # The backend marks the request it refused; the credentials were never checked.
        if not serializer.is_valid() and getattr(request, "axes_locked_out", False):
            raise api_lockout_error()
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts.revoke_tokens_on_password_change")
def revoke_tokens_on_password_change(sender, instance, created, **kwargs):
    # set_password() keeps the raw password in _password until the save that stores it;
    # Django's transparent hash upgrade at login clears it first, so it does not count.
    if not created and instance._password is not None:
        Token.objects.filter(user=instance).delete()
