"""The admin index's zone dashboard and the zones side-by-side comparison."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from companies.models import MouCommitment
from tests import factories as f
from zones.models import ZoneIndicator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_the_third_quarter():
    # The dashboard shows the last finished quarter: 2025-Q3.
    with time_machine.travel("2025-10-02 06:00 +0900", tick=False):
        yield


@pytest.fixture
def yangjae():
    zone = f.ZoneFactory(slug="yangjae", name_ko="양재 AI 특구", name_en="Yangjae AI Special Zone")
    for _index in range(3):
        f.TenancyFactory(zone=zone, moved_in_on=dt.date(2024, 3, 1))
    f.ZoneIndicatorFactory(zone=zone, year=2025, indicator=ZoneIndicator.Indicator.AI_PATENTS, value=123)
    return zone


@pytest.fixture
def gwangju():
    zone = f.ZoneFactory(
        slug="gwangju", name_ko="광주 AI 클러스터", name_en="Gwangju AI Cluster", designated_on=dt.date(2024, 12, 1)
    )
    for _index in range(7):
        f.TenancyFactory(zone=zone, moved_in_on=dt.date(2024, 3, 1))
    f.ZoneIndicatorFactory(zone=zone, year=2025, indicator=ZoneIndicator.Indicator.AI_PATENTS, value=456)
    return zone


@pytest.fixture
def officer(db):
    user = f.StaffUserFactory()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="zones", codename="view_zone"))
    return user


def _card(body: str, slug: str) -> str:
    start = body.index(f'data-zone="{slug}"')
    return body[start : body.index("</section>", start)]


def _compare_url(period: str = "2025-Q3") -> str:
    return reverse("admin:zones_zone_compare") + f"?period={period}"


def test_the_superusers_index_shows_every_zone_with_its_residents(yangjae, gwangju, admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "양재 AI 특구" in body and "광주 AI 클러스터" in body
    assert 'class="kpi-residents">3<' in _card(body, "yangjae")
    assert 'class="kpi-residents">7<' in _card(body, "gwangju")
    assert "<svg" in _card(body, "yangjae")
    assert reverse("admin:zones_zone_kpi_report", args=[yangjae.pk]) in body
    assert reverse("admin:zones_zone_compare") in body
    assert 'id="content-main"' in body  # the app list is still there, below


def test_an_officers_index_shows_only_their_zone(yangjae, gwangju, officer, client):
    f.ZoneStaffFactory(zone=gwangju, user=officer)
    client.force_login(officer)
    body = client.get(reverse("admin:index")).content.decode()
    assert "광주 AI 클러스터" in body
    assert "양재 AI 특구" not in body


def test_the_comparison_shows_both_zones_side_by_side_for_a_superuser(yangjae, gwangju, admin_client):
    response = admin_client.get(_compare_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "양재 AI 특구" in body and "광주 AI 클러스터" in body
    residents = body[body.index('data-code="companies_residents"') :]
    residents = residents[: residents.index("</tr>")]
    assert "입주기업 수" in residents and "Resident companies" in residents
    assert residents.index(">3<") < residents.index(">7<")  # yangjae was designated first
    patents = body[body.index('data-indicator="ai_patents"') :]
    patents = patents[: patents.index("</tr>")]
    assert ">123<" in patents and ">456<" in patents
    for pillar in ("인재", "혁신", "활용"):  # talent, innovation, adoption
        assert pillar in body


def test_the_comparison_shows_an_officer_only_their_zone(yangjae, gwangju, officer, client):
    f.ZoneStaffFactory(zone=yangjae, user=officer)
    client.force_login(officer)
    response = client.get(_compare_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "양재 AI 특구" in body
    assert "광주 AI 클러스터" not in body
    assert ">456<" not in body


def test_the_zone_list_links_to_the_comparison(yangjae, admin_client):
    body = admin_client.get(reverse("admin:zones_zone_changelist")).content.decode()
    assert reverse("admin:zones_zone_compare") in body


def _index_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("admin:index")).status_code == 200
    return len(captured)


def _add_mous(zone, count: int) -> None:
    for _index in range(count):
        mou = f.MouFactory(zone=zone, signed_on=dt.date(2025, 3, 1))
        f.MouCommitmentFactory(mou=mou, promised_value=20, actual_value=12, actual_on=dt.date(2025, 9, 1))
        f.MouCommitmentFactory(
            mou=mou,
            kind=MouCommitment.Kind.OFFICE_OPENING,
            promised_value=1,
            actual_value=1,
            actual_on=dt.date(2025, 9, 1),
        )


def test_the_index_query_count_does_not_grow_with_the_mous(yangjae, gwangju, admin_client):
    _add_mous(yangjae, 5)
    _add_mous(gwangju, 5)
    few = _index_queries(admin_client)
    _add_mous(yangjae, 35)
    _add_mous(gwangju, 35)
    assert _index_queries(admin_client) == few
