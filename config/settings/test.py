"""The test suite: a real PostgreSQL (DATABASE_URL) and Redis (CELERY_BROKER_URL), started by `make test`."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES
from .storage import default_storage_from_env

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "The tests run on PostgreSQL only: set DATABASE_URL=postgres://... (make test does this)."
    )
DATABASES["default"]["CONN_MAX_AGE"] = 0

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = os.environ.get("DJANGO_MEDIA_ROOT", "/tmp/aizone-test-media")  # noqa: S108
STORAGES = {
    "default": default_storage_from_env({"BACKEND": "django.core.files.storage.FileSystemStorage"}),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Static files come from the finders in tests; WhiteNoise serves collected files in production only.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405

# Unit tests run Celery tasks in the caller (eager); tests/core/test_notifications_worker.py turns this off
# and runs a real worker against the Redis broker (CELERY_BROKER_URL) that make test starts.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

# Results in Redis (a database of its own), so tests can wait for a task the real worker ran.
if os.environ.get("REDIS_URL"):
    CELERY_RESULT_BACKEND = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/2"

# Throttling is on in tests with rates no test run reaches; tests/api/test_throttling.py lowers them to see a 429.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        "anon": "100000/minute",
        "user": "100000/minute",
        "open_data": "100000/minute",
        "token": "100000/minute",
    },
}
