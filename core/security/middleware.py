"""Session lifetimes and the admin's second factor, right after Django's AuthenticationMiddleware."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

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
    one first); only logging out and the two-factor pages themselves are reachable before that.

    The API with that session (signed in through the portal's login, say) is refused the same way, with a 403
    in JSON; a staff API token is itself issued only with the device's code (core.api.views.TokenView), and the
    open data and the token endpoint stay reachable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if settings.OTP_ADMIN_REQUIRED:
            path = request.path_info
            if self._guarded(path):
                user = request.user
                if otp_required_for(user) and not user.is_verified():
                    name = "security:otp_verify" if user_has_confirmed_device(user) else "security:otp_setup"
                    query = urlencode({"next": request.get_full_path()})
                    return HttpResponseRedirect(f"{reverse(name)}?{query}")
            elif self._api_guarded(path):
                user = request.user  # the session's user; token requests are authenticated later, by DRF
                if otp_required_for(user) and not user.is_verified():
                    message = _("Verify your authenticator in the admin first, or use an API token.")
                    return JsonResponse({"detail": message}, status=403)
        return self.get_response(request)

    @staticmethod
    def _api_guarded(path: str) -> bool:
        api_root = reverse("api:api-root")
        if not path.startswith(api_root):
            return False
        return not path.startswith((reverse("api:token"), api_root + "open/"))

    @staticmethod
    def _guarded(path: str) -> bool:
        admin_root = reverse("admin:index")
        if not path.startswith(admin_root):
            return False
        exempt = (reverse("admin:logout"), reverse("security:otp_verify"), reverse("security:otp_setup"))
        return not path.startswith(exempt)
