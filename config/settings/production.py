"""Production: every secret from the environment; refuses to start without them. HTTPS only."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY
from .storage import default_storage_from_env

# Keys that ship in this repository (dev, test, bench settings) are never good enough here.
_KNOWN_INSECURE_MARKERS = ("insecure", "dev-only", "test-only", "bench-only", "change-me", "django-insecure")

if not SECRET_KEY or len(SECRET_KEY) < 40 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of at least 40 characters.")
if any(marker in SECRET_KEY.lower() for marker in _KNOWN_INSECURE_MARKERS):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is a development key; set a random production key.")
if "DATABASE_URL" not in os.environ:
    raise ImproperlyConfigured("DATABASE_URL must be set in production.")

DEBUG = False

# HTTPS: behind a proxy that sets X-Forwarded-Proto; plain HTTP is redirected, cookies never leave HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = os.environ.get("DJANGO_HTTP_PROTOCOL", "https")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STORAGES["default"] = default_storage_from_env(STORAGES["default"])
