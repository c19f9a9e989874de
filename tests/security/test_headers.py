"""Every page carries the Content Security Policy and Django's security headers; the nonce in the header is the
one on the page's own inline <style> elements; no page has an inline event handler or an inline script
without the nonce."""

import base64
import hashlib
import re

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

EXPECTED = {
    "default-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response, *, opener_policy: str = "same-origin") -> dict[str, list[str]]:
    directives = policy(response)
    for name, values in EXPECTED.items():
        assert set(directives[name]) == values, (name, directives[name])
    scripts = directives["script-src"]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "'self'" in scripts
    assert "'unsafe-inline'" not in directives["style-src"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == opener_policy
    return directives


def assert_inline_code_carries_the_nonce(response, directives) -> None:
    html = response.content.decode()
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html).group(0)
    nonces = [value for value in directives["script-src"] if value.startswith("'nonce-")]
    for attributes in INLINE_SCRIPT.findall(html):
        if 'type="application/json"' in attributes:
            continue  # data, never run
        assert nonces and f'nonce="{nonces[0][7:-1]}"' in attributes, attributes
    style_nonces = [value for value in directives["style-src"] if value.startswith("'nonce-")]
    for match in re.finditer(r"<style([^>]*)>(.*?)</style>", html, re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(match.group(2).encode()).digest()).decode()
        if f"'sha256-{digest}'" in directives["style-src"]:
            continue  # a fixed stylesheet allowed by its hash (matplotlib's, in the SVG charts)
        assert style_nonces and f'nonce="{style_nonces[0][7:-1]}"' in match.group(1), match.group(0)


@pytest.fixture
def officer_client(client):
    superuser = f.SuperUserFactory(username="csp-admin")
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("name", ["home", "programs:call_list", "account_login", "account_signup", "admin:login"])
def test_public_pages_carry_the_strict_policy(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_inline_code_carries_the_nonce(response, assert_strict(response))


def test_the_home_page_style_carries_a_fresh_nonce(client):
    first, second = client.get(reverse("home")), client.get(reverse("home"))
    nonce = [v for v in policy(first)["style-src"] if v.startswith("'nonce-")][0][7:-1]
    assert f'<style nonce="{nonce}">' in first.content.decode()
    assert nonce not in second["Content-Security-Policy"]


def test_the_language_switch_has_no_inline_handler(client):
    html = client.get(reverse("home")).content.decode()
    assert 'id="lang-select" name="language"' in html and "data-autosubmit" in html
    assert "js/autosubmit.js" in html


def test_a_redirect_and_a_404_carry_the_policy_too(client):
    redirect = client.get(reverse("programs:application_list"))
    assert redirect.status_code == 302
    assert "frame-ancestors 'none'" in redirect["Content-Security-Policy"]
    missing = client.get("/portal/no-such-page/")
    assert missing.status_code == 404
    assert "default-src 'self'" in missing["Content-Security-Policy"]


def test_admin_pages_carry_the_strict_policy(officer_client):
    zone = f.ZoneFactory()
    for url in (
        reverse("admin:index"),
        reverse("admin:companies_company_changelist"),
        reverse("admin:zones_zone_change", args=[zone.pk]),
    ):
        response = officer_client.get(url)
        assert response.status_code == 200, url
        assert_inline_code_carries_the_nonce(response, assert_strict(response))


def test_swagger_ui_runs_its_start_up_script_by_nonce_only(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    # drf-spectacular opens the opener policy for Swagger UI's OAuth2 pop-up; the CSP stays strict.
    directives = assert_strict(response, opener_policy="unsafe-none")
    assert_inline_code_carries_the_nonce(response, directives)


def test_redoc_gets_inline_styles_and_blob_workers_but_no_inline_scripts(client):
    response = client.get(reverse("api-redoc"))
    assert response.status_code == 200
    directives = policy(response)
    assert "'unsafe-inline'" in directives["style-src"]
    assert directives["worker-src"] == ["'self'", "blob:"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert set(directives["frame-ancestors"]) == {"'none'"}
    html = response.content.decode()
    assert "fonts.googleapis.com" not in html


def test_other_api_paths_keep_the_strict_policy(client):
    response = client.get("/api/v1/open/zones/")
    assert "'unsafe-inline'" not in policy(response)["style-src"]
