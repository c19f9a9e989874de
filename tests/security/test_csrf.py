"""CSRF: every form of the project refuses a POST without the token; only token-authenticated API views are
exempt, and the API still refuses a session-authenticated POST without it."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern
from rest_framework.views import APIView

from tests import factories as f

pytestmark = pytest.mark.django_db
SAMPLE = {
    "int": "1",
    "slug": "sample",
    "str": "sample",
    "path": "sample",
    "uuid": "12345678-1234-5678-1234-567812345678",
}


def walk(patterns, prefix: str = ""):
    """(url, callback) for every pattern, its converters filled with sample values."""
    for entry in patterns:
        route = prefix + _route(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.callback


def _route(pattern) -> str:
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "sample"), text)
    # Regex routes (the admin's, allauth's, DRF's): each named group gets a sample value it matches.
    text = re.sub(r"\((?:\?P<\w+>)?([^()]*)\)", lambda m: _sample_for(m.group(1)), text)
    return text.lstrip("^").rstrip("$").replace("/?", "/").replace("\\", "")


def _sample_for(group: str) -> str:
    candidates = ("1", "sample", "sample-key:1", group.split("|")[0])
    return next((value for value in candidates if re.fullmatch(group, value)), "1")


def is_api_view(callback) -> bool:
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


ROUTES = sorted({(f"/{url}", callback) for url, callback in walk(get_resolver().url_patterns)}, key=lambda r: r[0])
FORMS = [url for url, callback in ROUTES if not getattr(callback, "csrf_exempt", False)]


def test_only_api_views_are_csrf_exempt():
    exempt = [url for url, callback in ROUTES if getattr(callback, "csrf_exempt", False) and not is_api_view(callback)]

    assert exempt == []


@pytest.mark.parametrize("url", FORMS)
def test_a_post_without_the_csrf_token_is_refused(url):
    assert resolve(url).func is dict(ROUTES)[url], f"the sample {url} does not reach its own view"
    client = Client(enforce_csrf_checks=True)
    client.force_login(f.SuperUserFactory(username="csrf-admin"))

    response = client.post(url, {"anything": "1"})

    assert response.status_code == 403, url


@pytest.mark.parametrize("url", ["/admin/login/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_anonymous_login_and_sign_up_forms_need_the_token(url):
    response = Client(enforce_csrf_checks=True).post(url, {"username": "x", "password": "y"})

    assert response.status_code == 403


def test_the_api_refuses_a_session_authenticated_post_without_the_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(f.SuperUserFactory(username="csrf-admin"))

    response = client.post("/api/v1/zones/", {"code": "x"}, content_type="application/json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
