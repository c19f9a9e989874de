"""Benchmarks (`make bench`): production-like (DEBUG off, no debug toolbar of any kind), against the throwaway
PostgreSQL and Redis that scripts/bench.sh starts, with throttling out of the way of the load generators."""

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK

SECRET_KEY = "bench-only-key-not-secret-0123456789abcdefghij"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # logins are not what is measured
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {key: "1000000/minute" for key in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]},
}
# The project's URLs plus the bare comparison views of bench.api_lists under /bench/.
ROOT_URLCONF = "bench.urls"
