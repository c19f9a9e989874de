"""Session lifetimes and the admin's second factor, right after Django's AuthenticationMiddleware."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from core.security.otp import otp_required_for, user_has_confirmed_device
from core.security.sessions import session_expired


class SessionTimeoutMiddleware:
    """Logs out a session idle for longer than its limit (staff: `SESSION_IDLE_TIMEOUT_STAFF`) or older than
    `SESSION_ABSOLUTE_TIMEOUT`; the request goes on anonymously (the page then asks for a login)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if hasattr(request, "session") and session_expired(
            request,
            idle_staff=settings.SESSION_IDLE_TIMEOUT_STAFF,
            idle=settings.SESSION_IDLE_TIMEOUT,
            absolute=settings.SESSION_ABSOLUTE_TIMEOUT,
        ):
            logout(request)
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """In the admin, a staff user whose session has not verified a device is sent to verify one (or to enrol
    one first); only logging out and the two-factor pages themselves are reachable before that."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if settings.OTP_ADMIN_REQUIRED and self._guarded(request.path_info):
            user = request.user
            if otp_required_for(user) and not user.is_verified():
                name = "security:otp_verify" if user_has_confirmed_device(user) else "security:otp_setup"
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse(name)}?{query}")
        return self.get_response(request)

    @staticmethod
    def _guarded(path: str) -> bool:
        admin_root = reverse("admin:index")
        if not path.startswith(admin_root):
            return False
        exempt = (reverse("admin:logout"), reverse("security:otp_verify"), reverse("security:otp_setup"))
        return not path.startswith(exempt)
