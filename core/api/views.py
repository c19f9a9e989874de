"""API views that belong to no app: the per-user token, and the server error page of API requests."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import server_error
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle


class TokenView(ObtainAuthToken):
    """POST username and password, get the user's token (revoked by deleting it in the admin); throttled."""

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
