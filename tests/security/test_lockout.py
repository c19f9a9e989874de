"""Login lockout (django-axes): 5 failures for one username from one address lock that pair for 15 minutes, in
the admin, the portal and the API token endpoint; other addresses and the time after the cool-off are not locked."""

import datetime as dt

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db
START = dt.datetime(2025, 9, 1, 9, 0, tzinfo=dt.UTC)
PASSWORD = "pass-word-123"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ELSEWHERE = {"REMOTE_ADDR": "10.20.30.40"}


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()  # allauth's rate limits live in the cache
    yield
    cache.clear()


def admin_login(client, password, **extra):
    return client.post(reverse("admin:login"), {"username": "officer", "password": password}, **EN, **extra)


def test_the_admin_login_locks_after_five_failures_until_the_cool_off_ends(client):
    f.StaffUserFactory(username="officer")
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(4):
            assert admin_login(client, "wrong").status_code == 200
        fifth = admin_login(client, "wrong")
        assert fifth.status_code == 429

        locked = admin_login(client, PASSWORD)
        assert locked.status_code == 429
        assert "Too many failed login attempts" in locked.content.decode()

        traveller.shift(dt.timedelta(minutes=14))
        assert admin_login(client, PASSWORD).status_code == 429  # still locked, not extended by that try

        traveller.shift(dt.timedelta(minutes=2))
        assert admin_login(client, PASSWORD).status_code == 302


def test_a_lock_holds_only_for_that_address(client):
    f.StaffUserFactory(username="officer")
    for _ in range(5):
        admin_login(client, "wrong")
    assert admin_login(client, PASSWORD).status_code == 429

    assert admin_login(client, PASSWORD, **ELSEWHERE).status_code == 302


def test_a_success_before_the_limit_resets_the_count(client):
    f.StaffUserFactory(username="officer")
    for _ in range(4):
        admin_login(client, "wrong")
    assert admin_login(client, PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        assert admin_login(client, "wrong").status_code == 200


def test_the_username_is_counted_whatever_its_case(client):
    f.StaffUserFactory(username="officer")
    for name in ("officer", "OFFICER", "Officer", "oFFicer", "officeR"):
        client.post(reverse("admin:login"), {"username": name, "password": "wrong"})

    assert admin_login(client, PASSWORD).status_code == 429


def test_the_portal_login_locks_after_five_failures(client):
    user = f.UserFactory(username="ceo", email="ceo@visionlab.kr")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    url = reverse("account_login")
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            client.post(url, {"login": "ceo@visionlab.kr", "password": "wrong"}, **EN)

        locked = client.post(url, {"login": "ceo@visionlab.kr", "password": PASSWORD}, **EN)
        assert locked.status_code == 429
        assert "Too many failed login attempts" in locked.content.decode()

        traveller.shift(dt.timedelta(minutes=16))
        cache.clear()
        assert client.post(url, {"login": "ceo@visionlab.kr", "password": PASSWORD}, **EN).status_code == 302


def test_the_api_token_endpoint_locks_after_five_failures(client):
    f.UserFactory(username="robot")
    url = reverse("api:token")
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(4):
            assert client.post(url, {"username": "robot", "password": "wrong"}).status_code == 400
        client.post(url, {"username": "robot", "password": "wrong"})

        locked = client.post(url, {"username": "robot", "password": PASSWORD}, **EN)
        assert locked.status_code == 429
        assert "Too many failed login attempts" in locked.json()["detail"]
        assert "token" not in locked.json()

        traveller.shift(dt.timedelta(minutes=16))
        response = client.post(url, {"username": "robot", "password": PASSWORD})
        assert response.status_code == 200
        assert response.json()["token"]
