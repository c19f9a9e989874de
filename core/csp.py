"""The Content Security Policy middleware: django-csp's, with the replacements of settings.CSP_PATH_UPDATES
applied to the paths they name (the API documentation pages; see config/settings/security_headers.py)."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class PathPolicyCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        for prefix, directives in getattr(settings, "CSP_PATH_UPDATES", {}).items():
            if request.path_info.startswith(prefix):
                parts.replace = {**directives, **(parts.replace or {})}
                break
        return parts
