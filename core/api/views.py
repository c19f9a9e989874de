"""API views that belong to no app: the per-user token, and the server error page of API requests."""

import django_otp
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import server_error
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from core.security.otp import otp_required_for


class TwoFactorAuthTokenSerializer(AuthTokenSerializer):
    """Username and password; for staff (who need a second factor in the admin) also a code of their device."""

    otp_token = serializers.CharField(
        label=gettext_lazy("OTP code"),
        required=False,
        allow_blank=True,
        max_length=16,
        write_only=True,
        help_text=gettext_lazy("Staff only: the 6-digit code of the authenticator enrolled in the admin."),
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = attrs["user"]
        if not otp_required_for(user):
            return attrs
        token = (attrs.get("otp_token") or "").strip()
        devices = list(django_otp.devices_for_user(user, confirmed=True))
        if not devices:
            raise serializers.ValidationError(
                {"otp_token": _("Enrol an authenticator in the admin first: staff tokens need a second factor.")}
            )
        if not token:
            raise serializers.ValidationError({"otp_token": _("Enter the code of your authenticator.")})
        # django-otp throttles each device: after a wrong code the next one waits longer.
        if not any(django_otp.verify_token(user, device.persistent_id, token) for device in devices):
            raise serializers.ValidationError({"otp_token": _("The code is wrong or has expired.")})
        return attrs


class TokenView(ObtainAuthToken):
    """POST username and password (and, for staff, the authenticator's code), get the user's token; revoked by
    deleting it in the admin; throttled, and counted by the login lockout."""

    serializer_class = TwoFactorAuthTokenSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"


def server_error_json_for_api(request, *args, **kwargs):
    """A 500 for an API client is JSON like every other API answer (a database outage, say); pages get HTML."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("The server could not complete the request. Nothing was saved; please try again.")},
            status=500,
        )
    return server_error(request, *args, **kwargs)
