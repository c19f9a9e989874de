"""Settings of the processes the fault tests start (Celery workers, web servers): the test settings, with real
Celery delivery (not eager), e-mails written to files every process can count, and values the test passes in
the environment (FAULTS_*)."""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A message held by a killed worker comes back within seconds (production: an hour).
    "visibility_timeout": int(os.environ.get("FAULTS_VISIBILITY_TIMEOUT", "5")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
}

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ.get("FAULTS_EMAIL_DIR", "/tmp/aizone-faults-mail")  # noqa: S108

# Persistent connections checked before use, as in production: a restarted database must not break them.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("FAULTS_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
