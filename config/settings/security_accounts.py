"""Accounts: two-factor authentication, login lockout, session lifetimes and rate limits; included by base.py.

`ACCOUNT_SECURITY_APPS` are added to INSTALLED_APPS, `ACCOUNT_SECURITY_MIDDLEWARE` right after Django's
AuthenticationMiddleware, `ACCOUNT_SECURITY_LAST_MIDDLEWARE` at the very end (django-axes wants to be last),
and `ACCOUNT_SECURITY_BACKENDS` before the authentication backends."""

ACCOUNT_SECURITY_APPS: list[str] = []
ACCOUNT_SECURITY_MIDDLEWARE: list[str] = []
ACCOUNT_SECURITY_LAST_MIDDLEWARE: list[str] = []
ACCOUNT_SECURITY_BACKENDS: list[str] = []
