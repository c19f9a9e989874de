"""Rate limits: sign-up, login and password reset (allauth), application submission (ours), the public API (DRF)."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.throttling import ScopedRateThrottle

from core.security.ratelimit import parse_rate
from tests import factories as f
from tests.programs.test_portal_support import member_of

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MESSAGE = "Too many requests. Please wait a few minutes and try again."


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def allauth_limit(settings):
    def limit(action: str, rate: str) -> None:
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, action: rate}

    return limit


def test_sign_up_is_limited_per_address(client, allauth_limit):
    allauth_limit("signup", "2/m/ip")
    url = reverse("account_signup")
    for n in range(2):
        data = {"email": f"new{n}@example.kr", "password1": "Str0ng-pass-9", "password2": "Str0ng-pass-9"}
        assert client.post(url, data, **EN).status_code == 302

    response = client.post(url, {"email": "new9@example.kr", "password1": "x", "password2": "x"}, **EN)

    assert response.status_code == 429
    assert MESSAGE in response.content.decode()


def test_login_is_limited_per_address(client, allauth_limit):
    allauth_limit("login", "2/m/ip")
    url = reverse("account_login")
    for _ in range(2):
        client.post(url, {"login": "someone@example.kr", "password": "wrong"}, **EN)

    response = client.post(url, {"login": "someone@example.kr", "password": "wrong"}, **EN)

    assert response.status_code == 429
    assert MESSAGE in response.content.decode()


def test_password_reset_requests_are_limited(client, allauth_limit):
    allauth_limit("reset_password", "2/m/ip")
    url = reverse("account_reset_password")
    for _ in range(2):
        assert client.post(url, {"email": "someone@example.kr"}, **EN).status_code == 302

    response = client.post(url, {"email": "someone@example.kr"}, **EN)

    assert response.status_code == 429


def test_application_submissions_are_limited_per_user(client, settings):
    settings.SECURITY_RATE_LIMITS = {**settings.SECURITY_RATE_LIMITS, "application_submit": "2/h"}
    user = member_of()
    client.force_login(user)
    url = reverse("programs:application_submit", args=[999_999])  # nobody's: answers 404 while allowed
    for _ in range(2):
        assert client.post(url, **EN).status_code == 404

    response = client.post(url, **EN)

    assert response.status_code == 429
    assert MESSAGE in response.content.decode()
    client.force_login(member_of())
    assert client.post(url, **EN).status_code == 404  # another user has a count of their own


def test_the_public_api_is_throttled(client, monkeypatch):
    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "open_data": "2/minute"}
    )
    f.ZoneFactory()
    assert client.get("/api/v1/open/zones/").status_code == 200
    assert client.get("/api/v1/open/zones/").status_code == 200

    assert client.get("/api/v1/open/zones/").status_code == 429


@pytest.mark.parametrize(("rate", "expected"), [("10/h", (10, 3600)), ("10/5m", (10, 300)), ("3/s", (3, 1))])
def test_rates_are_read_as_count_per_period(rate, expected):
    assert parse_rate(rate) == expected
