"""Settings shared by every environment. Everything that differs comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .security_accounts import *  # noqa: F403
from .security_accounts import (
    ACCOUNT_SECURITY_APPS,
    ACCOUNT_SECURITY_BACKENDS,
    ACCOUNT_SECURITY_LAST_MIDDLEWARE,
    ACCOUNT_SECURITY_MIDDLEWARE,
    TRUSTED_PROXY_COUNT,
)
from .security_headers import *  # noqa: F403
from .security_headers import HEADER_APPS, HEADER_MIDDLEWARE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "import_export",
    "core",
    "zones",
    "companies",
    "programs",
    *HEADER_APPS,
    *ACCOUNT_SECURITY_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    *ACCOUNT_SECURITY_MIDDLEWARE,
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    *HEADER_MIDDLEWARE,
    *ACCOUNT_SECURITY_LAST_MIDDLEWARE,
]

AUTHENTICATION_BACKENDS = [
    *ACCOUNT_SECURITY_BACKENDS,
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Korean first, English second; Seoul time, no daylight saving.
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Third-party front-end assets (Bootstrap) are fetched from the npm registry at setup into var/vendor.
VENDOR_DIR = Path(os.environ.get("DJANGO_VENDOR_DIR", VAR_DIR / "vendor"))
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", VENDOR_DIR)]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))

# Celery: an embedded filesystem broker by default, Redis (or any kombu URL) when configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
    for _sub in ("out", "processed"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Import/export in the admin: CSV and XLSX, all or nothing (one bad row imports nothing).
from import_export.formats import base_formats as _import_formats  # noqa: E402

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_FORMATS = [_import_formats.CSV, _import_formats.XLSX]

# The API (/api/v1/): session or per-user token, scoped rows (core.api), cursor pages, OpenAPI by drf-spectacular.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",  # first, so a missing login is a 401
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ScopedPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filters.ScopedFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's rules, with each client's history in Redis checked and recorded in one round trip.
        "core.api.throttling.AnonRateThrottle",
        "core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "120/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "3000/minute"),
        "open_data": os.environ.get("API_THROTTLE_OPEN_DATA", "60/minute"),
        "token": os.environ.get("API_THROTTLE_TOKEN", "10/minute"),
    },
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AI 특구 API / AI special zones API",
    "DESCRIPTION": (
        "특구·기업·지원사업 기록과 공개 KPI. Zones, companies, programs and open KPI data. "
        "Company users see their companies' records; zone staff their zones'; the open-data endpoints need no login."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",  # operations are grouped by resource (companies, calls, open, ...)
    # One schema name per status list, so that models' "status" fields do not collide.
    "ENUM_NAME_OVERRIDES": {
        "FundStatusEnum": "programs.models.funds.Fund.Status",
        "ComputeAllocationStatusEnum": "programs.models.funds.ComputeAllocation.Status",
        "EnrolmentStatusEnum": "programs.models.training.Enrolment.Status",
        "ExemptionGrantStatusEnum": "zones.models.ExemptionGrant.Status",
        "KpiSnapshotRunStatusEnum": "zones.models.KpiSnapshotRun.Status",
        "ZoneKindEnum": "zones.models.Zone.Kind",
        "SpecialCaseKindEnum": "zones.models.SpecialCase.Kind",
        "ZoneTargetMeasureEnum": "zones.models.ZoneTarget.Measure",
        "KpiPeriodKindEnum": "zones.models.KpiSnapshot.PeriodKind",
        "ExemptionIncidentSeverityEnum": "zones.models.ExemptionIncident.Severity",
        "CompanySizeEnum": "companies.models.Company.Size",
        "TenancyStatusEnum": "companies.models.Tenancy.Status",
        "MouStatusEnum": "companies.models.Mou.Status",
        "MouCommitmentKindEnum": "companies.models.MouCommitment.Kind",
        "SelfReportStatusEnum": "companies.models.SelfReport.Status",
        "ApplicationStatusEnum": "programs.models.calls.Application.Status",
        "ProgramKindEnum": "programs.models.calls.Program.Kind",
    },
}

# Company accounts (django-allauth): email and password, the address confirmed by a link.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[AI 특구] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = os.environ.get("DJANGO_HTTP_PROTOCOL", "http")
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "companies:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Uploaded documents: checked by content, capped in size, stored under MEDIA_ROOT (never under static files)
# and served only through views that check who asks.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@aizone.example.kr")
# SMTP when DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# Sent e-mails stay in the outbox (admin: outgoing e-mails) this many days; failed ones until the office acts.
EMAIL_OUTBOX_RETENTION_DAYS = int(os.environ.get("EMAIL_OUTBOX_RETENTION_DAYS", "180"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # PDF reports: WeasyPrint and fontTools report every layout step and font subset at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Redis when REDIS_URL is set (shared by every web and worker process: task de-duplication, locks);
# process memory otherwise (make run's single worker).
if os.environ.get("REDIS_URL"):
    # Redis down or slow: the web keeps serving (reads miss, writes are dropped and logged), see core/cache.py.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
from .storage import *  # noqa: F403,E402

# DRF's throttles read the client's address themselves: the same trusted proxies (None would trust any header).
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
