"""API views that belong to no app: the per-user token."""

from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle


class TokenView(ObtainAuthToken):
    """POST username and password, get the user's token (revoked by deleting it in the admin); throttled."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
