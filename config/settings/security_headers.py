"""Response headers and the Content Security Policy (django-csp): included by base.py.

`HEADER_APPS` and `HEADER_MIDDLEWARE` are added to INSTALLED_APPS and to the end of MIDDLEWARE."""

HEADER_APPS: list[str] = []
HEADER_MIDDLEWARE: list[str] = []
