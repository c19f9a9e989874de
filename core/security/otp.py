"""Two-factor authentication for staff (django-otp, TOTP): who needs it, enrolment and verification."""

from io import BytesIO

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "authenticator"


def otp_required_for(user) -> bool:
    """Staff users and superusers must verify a device in the admin (when `OTP_ADMIN_REQUIRED`)."""
    return bool(
        settings.OTP_ADMIN_REQUIRED
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser)
    )


def user_has_confirmed_device(user) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


@transaction.atomic
def totp_device_for_enrolment(*, user) -> TOTPDevice:
    """The user's unconfirmed authenticator (one; created with a new random key when missing)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


@transaction.atomic
def totp_device_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Confirm an enrolment with the first token from the app; the session is then verified with that device."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user, confirmed=False)
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    django_otp.login(request, device)
    return True


def otp_verify(*, request: HttpRequest, token: str) -> bool:
    """Check a token against the user's confirmed devices (throttled by django-otp); verifies the session."""
    for device in django_otp.devices_for_user(request.user, confirmed=True):
        verified = django_otp.verify_token(request.user, device.persistent_id, token)
        if verified is not None:
            django_otp.login(request, verified)
            return True
    return False


def qr_code_svg(data: str) -> str:
    """An inline SVG QR code of `data` (the otpauth:// URI), drawn on the server."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]  # without the XML declaration, to embed in the page
