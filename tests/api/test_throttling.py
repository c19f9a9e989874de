"""The API's rate limits (core.api.throttling) against the real Redis of `make test`: DRF's rule (at most N requests
in any window, refused requests not counted, DRF's Retry-After), held across workers at once."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from core.api.throttling import AnonRateThrottle, UserRateThrottle

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 5, 4, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def user_rate(monkeypatch):
    """user_rate("3/minute"): the signed-in users' rate for this test, with an empty history."""
    assert isinstance(caches["default"], RedisCache), "make test runs the API against Redis"

    def set_rate(rate: str) -> None:
        monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": rate})

    cache.clear()
    yield set_rate
    cache.clear()


def test_a_user_over_the_rate_is_refused_until_the_window_has_passed(world, as_user, user_rate):
    user_rate("3/minute")
    officer, other = as_user(world.officer_a), as_user(world.officer_b)
    with time_machine.travel(NOON, tick=False) as traveller:
        for _ in range(3):
            assert officer.get("/api/v1/zones/").status_code == 200
            traveller.shift(10)
        refused = officer.get("/api/v1/zones/")
        assert refused.status_code == 429
        # DRF's advice: the oldest request leaves the window 60 - 30 seconds from now, one request is then free.
        assert refused["Retry-After"] == "30"
        assert other.get("/api/v1/zones/").status_code == 200  # each user has their own limit
        traveller.shift(30)
        assert officer.get("/api/v1/zones/").status_code == 200
        assert officer.get("/api/v1/zones/").status_code == 429


def test_a_refused_request_does_not_count_against_the_next_window(world, as_user, user_rate):
    user_rate("1/minute")
    officer = as_user(world.officer_a)
    with time_machine.travel(NOON, tick=False) as traveller:
        assert officer.get("/api/v1/zones/").status_code == 200
        traveller.shift(59)
        assert officer.get("/api/v1/zones/").status_code == 429
        traveller.shift(2)
        assert officer.get("/api/v1/zones/").status_code == 200


def test_the_public_is_limited_per_address_on_open_data(world, as_user, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {**AnonRateThrottle.THROTTLE_RATES, "anon": "2/minute"})
    cache.clear()
    public = as_user(None)
    with time_machine.travel(NOON, tick=False):
        assert [public.get("/api/v1/open/zones/").status_code for _ in range(3)] == [200, 200, 429]
    cache.clear()


def test_workers_checking_at_the_same_moment_let_through_no_more_than_the_rate(user_rate):
    """Twelve threads (each with its own Redis connection, as gunicorn's workers have) ask 120 times at once."""
    user_rate("25/minute")
    request = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=987654), META={})

    def ask(_) -> bool:
        return UserRateThrottle().allow_request(request, view=None)

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(ask, range(120)))
    assert answers.count(True) == 25
