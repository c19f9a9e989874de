"""A small rate limiter in the shared cache: fixed windows per scope and per user (or address when signed out).

Rates come from `SECURITY_RATE_LIMITS` at request time, e.g. "10/h", "10/5m" (count / [multiplier] unit)."""

import re
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from core.security.clientip import client_ip

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


def parse_rate(rate: str) -> tuple[int, int]:
    """ "10/5m" -> (10, 300): how many requests in how many seconds."""
    match = RATE.match(rate)
    if match is None:
        raise ValueError(f"Invalid rate {rate!r}; expected e.g. '10/h' or '5/15m'.")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * UNITS[unit]


def client_key(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request) or ''}"


def hit(scope: str, key: str) -> bool:
    """Count one request; False when the scope's limit for `key` is already reached in this window."""
    limit, period = parse_rate(settings.SECURITY_RATE_LIMITS[scope])
    window = int(time.time()) // period
    cache_key = f"security:ratelimit:{scope}:{key}:{window}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        count = 1
    return count <= limit


def rate_limit(scope: str, *, methods: tuple[str, ...] = ("POST",)):
    """Decorate a view: past the scope's limit, answer 429 with an explanation instead of running it."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if request.method in methods and not hit(scope, client_key(request)):
                from core.security.views import too_many_requests

                return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
