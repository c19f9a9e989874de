"""Where uploaded documents live: an S3-compatible bucket when DJANGO_S3_BUCKET is set, MEDIA_ROOT otherwise.

Objects stay private: no ACL is sent (the bucket's policy applies), URLs are signed and expire, and an
upload never replaces an existing object. Documents are served only through views that check who asks.
"""

import os

__all__ = ["STORAGES", "S3_STORAGE_BACKEND", "default_storage_from_env", "s3_storage_options"]

S3_STORAGE_BACKEND = "storages.backends.s3.S3Storage"


def s3_storage_options(
    *,
    bucket_name: str,
    endpoint_url: str | None = None,
    region_name: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
) -> dict:
    """The options of a private S3 storage; credentials left out fall back to boto3's own lookup."""
    options: dict = {
        "bucket_name": bucket_name,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "private, no-store"},
    }
    if endpoint_url:
        options["endpoint_url"] = endpoint_url
    if region_name:
        options["region_name"] = region_name
    if access_key:
        options["access_key"] = access_key
    if secret_key:
        options["secret_key"] = secret_key
    return options


def default_storage_from_env(fallback: dict, environ: os._Environ | dict | None = None) -> dict:
    """The `STORAGES["default"]` entry: S3 when DJANGO_S3_BUCKET is set, else `fallback` unchanged."""
    env = os.environ if environ is None else environ
    bucket = env.get("DJANGO_S3_BUCKET", "").strip()
    if not bucket:
        return fallback
    return {
        "BACKEND": S3_STORAGE_BACKEND,
        "OPTIONS": s3_storage_options(
            bucket_name=bucket,
            endpoint_url=env.get("DJANGO_S3_ENDPOINT_URL") or None,
            region_name=env.get("DJANGO_S3_REGION") or None,
            access_key=env.get("AWS_ACCESS_KEY_ID") or None,
            secret_key=env.get("AWS_SECRET_ACCESS_KEY") or None,
        ),
    }


# Django's own defaults, with "default" moved to S3 by the environment. Settings modules that redefine
# STORAGES (test, production) apply default_storage_from_env to their own "default" entry.
STORAGES = {
    "default": default_storage_from_env({"BACKEND": "django.core.files.storage.FileSystemStorage"}),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
