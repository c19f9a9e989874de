"""/api/v1/open/: the public's zones and published KPI figures, no login, read-only, throttled on their own scope."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from rest_framework.throttling import ScopedRateThrottle

from tests import factories as f
from zones.models import Zone

pytestmark = pytest.mark.django_db

# 2026-04-01 00:30 in Seoul, still 31 March in UTC: the quarter that ended on 31 March is published.
SEOUL_MORNING = dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC)


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["slug"] for row in response.json()["results"])


@time_machine.travel(SEOUL_MORNING)
def test_anyone_lists_the_active_zones_with_special_cases_in_force_and_residents(world, as_user):
    f.SpecialCaseFactory(zone=world.zone_a)
    f.SpecialCaseFactory(zone=world.zone_a, valid_until=dt.date(2026, 3, 31))  # lapsed in Seoul
    f.SpecialCaseFactory(zone=world.zone_a, archived_at=timezone.now())
    f.TenancyFactory(zone=world.zone_a, company=world.company_a)
    f.TenancyFactory(zone=world.zone_a, company=world.company_b)
    f.ZoneFactory(slug="zone-gone", archived_at=timezone.now())
    response = as_user(None).get("/api/v1/open/zones/")
    assert slugs(response) == ["zone-a", "zone-b"]
    row = next(row for row in response.json()["results"] if row["slug"] == "zone-a")
    assert row == {
        "slug": "zone-a",
        "name_ko": "가 특구",
        "name_en": "Zone A",
        "kind": world.zone_a.kind,
        "region": world.zone_a.region,
        "designated_on": world.zone_a.designated_on.isoformat(),
        "ends_on": world.zone_a.ends_on.isoformat(),
        "area_m2": world.zone_a.area_m2,
        "special_cases_in_force": 1,
        "resident_companies": 2,
    }
    assert as_user(None).get("/api/v1/open/zones/zone-a/").json()["slug"] == "zone-a"
    assert as_user(None).get("/api/v1/open/zones/zone-gone/").status_code == 404


def test_open_zones_filter_by_kind_and_search_by_name(world, as_user):
    Zone.objects.filter(pk=world.zone_b.pk).update(kind=Zone.Kind.AI_CLUSTER)
    client = as_user(None)
    assert slugs(client.get("/api/v1/open/zones/?kind=ai_cluster")) == ["zone-b"]
    assert slugs(client.get("/api/v1/open/zones/?search=Zone A")) == ["zone-a"]
    assert client.get("/api/v1/open/zones/?kind=nonsense").status_code == 400


@time_machine.travel(SEOUL_MORNING)
def test_published_kpi_figures_are_the_ended_periods_of_active_zones(world, as_user):
    ended = f.KpiSnapshotFactory(
        zone=world.zone_a,
        code="companies_residents",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        value=12,
    )
    f.KpiSnapshotFactory(  # April has not ended
        zone=world.zone_a,
        code="companies_residents",
        period_kind="month",
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 4, 30),
    )
    archived_zone = f.ZoneFactory(archived_at=timezone.now())
    f.KpiSnapshotFactory(zone=archived_zone, code="companies_residents")
    f.KpiSnapshotFactory(zone=world.zone_b, code="no_longer_in_the_catalogue")
    response = as_user(None).get("/api/v1/open/kpi/")
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "zone": "zone-a",
            "code": "companies_residents",
            "name_ko": "입주기업 수",
            "name_en": "Resident companies",
            "unit": "count",
            "period_kind": "quarter",
            "period_start": "2026-01-01",
            "period_end": ended.period_end.isoformat(),
            "value": "12.0000",
        }
    ]


@time_machine.travel(SEOUL_MORNING)
def test_published_kpi_figures_filter_by_zone_slug_code_kind_and_year(world, as_user):
    f.KpiSnapshotFactory(zone=world.zone_a, code="companies_residents")
    f.KpiSnapshotFactory(zone=world.zone_a, code="companies_graduates")
    f.KpiSnapshotFactory(
        zone=world.zone_b,
        code="companies_residents",
        period_kind="year",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    client = as_user(None)

    def rows(query: str) -> list[tuple[str, str]]:
        response = client.get(f"/api/v1/open/kpi/?{query}")
        assert response.status_code == 200, response.content
        return sorted((row["zone"], row["code"]) for row in response.json()["results"])

    assert rows("zone=zone-b") == [("zone-b", "companies_residents")]
    assert rows("code=companies_graduates") == [("zone-a", "companies_graduates")]
    assert rows("period_kind=year") == [("zone-b", "companies_residents")]
    assert rows("year=2025") == [("zone-a", "companies_graduates"), ("zone-a", "companies_residents")]
    assert rows("period_start_before=2024-12-31") == [("zone-b", "companies_residents")]
    assert client.get("/api/v1/open/kpi/?year=99999").status_code == 400
    assert client.get("/api/v1/open/kpi/?period_kind=decade").status_code == 400


def test_open_data_tells_nothing_about_people_or_single_companies(world, as_user):
    f.TenancyFactory(zone=world.zone_a, company=world.company_a)
    f.KpiSnapshotFactory(zone=world.zone_a, code="companies_residents", computed_by=world.officer_a)
    body = (
        as_user(None).get("/api/v1/open/zones/").content.decode()
        + as_user(None).get("/api/v1/open/kpi/").content.decode()
    )
    for private in ("가 기업", world.company_a.brn, "officer-a", "computed_by", "budget_krw", '"id"'):
        assert private not in body


@pytest.mark.parametrize("url", ["/api/v1/open/zones/", "/api/v1/open/kpi/", "/api/v1/open/zones/zone-a/"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_open_data_cannot_be_written(world, as_user, url, method):
    assert getattr(as_user(None), method)(url, {}).status_code in (401, 403, 405)
    assert getattr(as_user(world.superuser), method)(url, {}).status_code in (403, 405)


@pytest.fixture
def open_data_rate_of_two(monkeypatch):
    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "open_data": "2/minute"}
    )
    cache.clear()
    yield
    cache.clear()


def test_the_third_open_data_request_in_a_minute_is_throttled(world, as_user, open_data_rate_of_two):
    client = as_user(None)
    assert client.get("/api/v1/open/zones/").status_code == 200
    assert client.get("/api/v1/open/kpi/").status_code == 200
    assert client.get("/api/v1/open/zones/").status_code == 429


def test_the_open_data_throttle_leaves_the_other_endpoints_alone(world, as_user, open_data_rate_of_two):
    client = as_user(world.stranger)
    for _ in range(3):
        assert client.get("/api/v1/zones/").status_code == 200


@time_machine.travel(SEOUL_MORNING)
@pytest.mark.parametrize("url", ["/api/v1/open/zones/", "/api/v1/open/kpi/"])
def test_open_data_lists_run_the_same_queries_for_1_and_20_rows(world, as_user, count_queries, url):
    client = as_user(None)
    f.KpiSnapshotFactory(zone=world.zone_a, code="companies_residents")
    count_queries(client, url)  # warm the per-process caches
    one = count_queries(client, url)
    for index in range(19):
        zone = f.ZoneFactory()
        f.SpecialCaseFactory(zone=zone)
        f.TenancyFactory(zone=zone)
        f.KpiSnapshotFactory(zone=zone, code="companies_residents" if index % 2 else "companies_graduates")
    assert count_queries(client, url) == one
