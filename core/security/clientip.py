"""The client's address, the same for the login lockout, the rate limits, the throttles and the audit log.

Behind reverse proxies, `DJANGO_TRUSTED_PROXY_COUNT` says how many of them are ours: the address is then read
from X-Forwarded-For that many entries from the right (the one our outermost proxy saw), never from entries a
client could have written itself. With no trusted proxy (the default) X-Forwarded-For is ignored. allauth's
adapter does the reading (`ALLAUTH_TRUSTED_PROXY_COUNT`, `ALLAUTH_TRUSTED_CLIENT_IP_HEADER`); a request whose
header has fewer entries than there are proxies reached us past them, and its peer address is used.
"""

from ipaddress import ip_address

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest


def _clean(value: str | None) -> str | None:
    try:
        return str(ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, or None when the request carries none that parses."""
    try:
        return _clean(get_adapter(request).get_client_ip(request))
    except (ImproperlyConfigured, PermissionDenied):
        return _clean((getattr(request, "META", None) or {}).get("REMOTE_ADDR"))
