"""Response headers and the Content Security Policy (django-csp): included by base.py.

`HEADER_APPS` and `HEADER_MIDDLEWARE` are added to INSTALLED_APPS and to the end of MIDDLEWARE.

The policy: everything from our own origin; scripts only from our static files or with the response's nonce
(`<script nonce="{{ request.csp_nonce }}">`); no inline event handlers; `<style>` elements with the nonce
(or, for the KPI charts matplotlib draws as inline SVG, the hash of its one fixed stylesheet). Inline
`style="..."` attributes are allowed (`style-src-attr 'unsafe-inline'`): Django's admin widgets,
django-import-export, django-simple-history and django-allauth write them into their own templates, and an
attribute can style but never run code. No page may be framed (frame-ancestors 'none') and forms post only to
us. The API documentation pages (Swagger UI, ReDoc) get the few extra allowances their bundles need, on their
own paths only (`CSP_PATH_UPDATES`, applied by core.csp.PathPolicyCSPMiddleware).
"""

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

from core.export_formats import SafeCSV, SafeXLSX

HEADER_APPS: list[str] = ["csp"]
HEADER_MIDDLEWARE: list[str] = ["core.csp.PathPolicyCSPMiddleware"]

# The <style> element matplotlib writes into every SVG chart (zones.reports.render_kpi_chart_svg).
MATPLOTLIB_SVG_STYLE_HASH = "'sha256-2Iqu4MW0P4n79bqVmTDfLWhO8TS7MxwRJn7HVNDr7EQ='"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE, MATPLOTLIB_SVG_STYLE_HASH],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Per path prefix, directives that replace the ones above (request.path_info starts with the key).
# ReDoc's bundle injects <style> elements at run time (styled-components, no nonce) and parses the schema in
# a worker started from a blob: URL; Swagger UI's inline start-up script carries the nonce (templates/
# drf_spectacular/) and needs nothing more than its own static files and data: images.
CSP_PATH_UPDATES: dict[str, dict[str, list[str]]] = {
    "/api/redoc/": {
        "style-src": [SELF, UNSAFE_INLINE],
        "worker-src": [SELF, "blob:"],
    },
}

# Django's own headers, stated rather than left to defaults.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Spreadsheet exports of the admin (django-import-export): text that a spreadsheet would run as a formula
# (= + - @, tab, carriage return) is written with a leading apostrophe (core.export_formats).
EXPORT_FORMATS = [SafeCSV, SafeXLSX]
