"""Login lockout (django-axes): the authentication backend, the username it counts by and the lockout response."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

USERNAME_FIELDS = ("username", "email", "login")


class LockoutBackend(AxesStandaloneBackend):
    """Refuses web logins of a locked-out username and address; `authenticate()` without a request (scripts,
    the test client's `login()`) is no web login and passes to the next backend."""

    def authenticate(self, request: HttpRequest | None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The login name tried: the admin's and the API's `username`, allauth's `email` (or the form's `login`)."""
    sources = [credentials or {}]
    data = getattr(request, "data", None)
    if data is not None and hasattr(data, "get"):
        sources.append(data)
    sources.append(request.POST)
    for source in sources:
        for field in USERNAME_FIELDS:
            value = source.get(field)
            if value:
                return str(value).strip().lower()
    return None


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Too many failed login attempts. Try again in %(minutes)d minutes.") % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "security/lockout.html", {"message": message}, status=429)
