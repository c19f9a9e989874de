"""The client's address behind reverse proxies: X-Forwarded-For counts only as far as the proxies are ours
(`DJANGO_TRUSTED_PROXY_COUNT`), for the login lockout, our rate limits, the API throttles and the audit log."""

import copy

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.throttling import ScopedRateThrottle

from core.security.clientip import client_ip
from core.security.ratelimit import client_key
from tests import factories as f

pytestmark = pytest.mark.django_db
PASSWORD = "pass-word-123"
PROXY = {"REMOTE_ADDR": "10.0.0.2"}  # every request reaches the web server from the proxy


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def behind_one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    rest = copy.deepcopy(settings.REST_FRAMEWORK)
    rest["NUM_PROXIES"] = 1
    settings.REST_FRAMEWORK = rest


def admin_login(client, password, forwarded_for=None):
    extra = dict(PROXY)
    if forwarded_for:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(reverse("admin:login"), {"username": "officer", "password": password}, **extra)


def test_without_trusted_proxies_a_forged_header_does_not_escape_the_lockout(client):
    f.StaffUserFactory(username="officer")
    for index in range(5):
        admin_login(client, "wrong", forwarded_for=f"198.51.100.{index}")

    assert admin_login(client, PASSWORD, forwarded_for="198.51.100.99").status_code == 429


def test_behind_a_proxy_one_client_locked_out_leaves_the_others_in(client, behind_one_proxy):
    f.StaffUserFactory(username="officer")
    for _ in range(5):
        admin_login(client, "wrong", forwarded_for="203.0.113.5")

    assert admin_login(client, PASSWORD, forwarded_for="203.0.113.5").status_code == 429
    # Another client behind the same proxy is not locked out with it.
    assert admin_login(client, PASSWORD, forwarded_for="198.51.100.7").status_code == 302


def test_behind_a_proxy_a_client_cannot_choose_its_address(client, behind_one_proxy):
    f.StaffUserFactory(username="officer")
    for index in range(5):
        # The client writes its own left entries; the proxy appends the address it saw.
        admin_login(client, "wrong", forwarded_for=f"192.0.2.{index}, 203.0.113.5")

    assert admin_login(client, PASSWORD, forwarded_for="192.0.2.200, 203.0.113.5").status_code == 429


def test_the_address_read_for_rate_limits_and_the_audit_log(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5")
    assert client_ip(request) == "10.0.0.2"  # no trusted proxy: the peer

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.5"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "192.0.2.1"
    # Fewer entries than proxies: the request came past them; its peer is the client.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.2"

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert client_key(request) == "ip:203.0.113.5"
    # An entry that is no address: the peer (the proxy) stands in for it, the request is not let off.
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")
    assert client_ip(garbage) == "10.0.0.2"


def test_a_forged_header_does_not_escape_the_open_data_throttle(client, monkeypatch):
    rates = {**ScopedRateThrottle.THROTTLE_RATES, "open_data": "3/minute"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    url = "/api/v1/open/zones/"
    answers = [client.get(url, HTTP_X_FORWARDED_FOR=f"198.51.100.{index}").status_code for index in range(4)]

    assert answers == [200, 200, 200, 429]
