"""KPI reports as files and pages: the PDF, the trend chart, the admin report page and its downloads."""

import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from companies.models import MouCommitment
from tests import factories as f
from zones.models import KpiSnapshot
from zones.reports import kpi_trend, render_kpi_chart_svg, render_kpi_report_pdf

pytestmark = pytest.mark.django_db

Q3 = dt.date(2025, 7, 1)
QUARTER = KpiSnapshot.PeriodKind.QUARTER


@pytest.fixture
def zone():
    zone = f.ZoneFactory(slug="yangjae", name_ko="양재 AI 특구", name_en="Yangjae AI Special Zone")
    f.TenancyFactory(zone=zone, moved_in_on=dt.date(2024, 3, 1))
    f.TenancyFactory(zone=zone, moved_in_on=dt.date(2025, 8, 3))
    mou = f.MouFactory(zone=zone, signed_on=dt.date(2025, 3, 1))
    f.MouCommitmentFactory(mou=mou, promised_value=20, actual_value=12, actual_on=dt.date(2025, 9, 1))
    f.MouCommitmentFactory(
        mou=mou, kind=MouCommitment.Kind.OFFICE_OPENING, promised_value=1, actual_value=1, actual_on=dt.date(2025, 9, 1)
    )
    return zone


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- the PDF and the chart ----------------------------------------------------------------------------------


def test_the_pdf_carries_the_zones_korean_name_and_the_measures(zone):
    content = render_kpi_report_pdf(zone, QUARTER, Q3)
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    assert "양재 AI 특구" in text
    assert "Yangjae AI Special Zone" in text
    assert "입주기업 수" in text and "2025-Q3" in text


def test_the_chart_is_svg_with_the_measures_korean_name(zone):
    svg = render_kpi_chart_svg(zone, ["companies_residents"], 4, last_start=Q3)
    root = ET.fromstring(svg)  # noqa: S314 (our own chart, not untrusted input)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "입주기업 수" in svg
    assert "2025-Q3" in svg and "2024-Q4" in svg


def test_the_trend_reads_snapshots_and_computes_the_other_quarters_live(zone):
    KpiSnapshot.objects.create(
        zone=zone,
        code="companies_residents",
        period_kind=QUARTER,
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2025, 6, 30),
        value=7,
        computed_at=dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
    )
    labels, series = kpi_trend(zone, ["companies_residents"], 4, last_start=Q3)
    assert labels == ["2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"]
    assert series["companies_residents"] == [1.0, 1.0, 7.0, 2.0]


def test_the_command_writes_a_pdf(zone, tmp_path):
    output = tmp_path / "kpi.pdf"
    call_command("kpi_report", zone="yangjae", period="2025-Q3", format="pdf", output=str(output))
    assert output.read_bytes().startswith(b"%PDF")


# --- the admin report page ----------------------------------------------------------------------------------


@pytest.fixture
def officer(db):
    user = f.StaffUserFactory()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="zones", codename="view_zone"))
    return user


@pytest.fixture
def other_zone(db):
    return f.ZoneFactory(slug="gwangju", name_ko="광주 AI 클러스터")


def _report_url(zone, **query) -> str:
    url = reverse("admin:zones_zone_kpi_report", args=[zone.pk])
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else url


def test_the_report_page_renders_for_a_superuser_with_table_chart_and_downloads(zone, admin_client):
    response = admin_client.get(_report_url(zone, period="2025-Q3"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "입주기업 수" in body and "<svg" in body
    for fmt in ("csv", "xlsx", "pdf"):
        assert f"format={fmt}" in body
    assert 'id="kpi-period-input"' in body and 'value="2025-Q3"' in body


def test_the_report_page_renders_for_an_officer_of_the_zone(zone, officer, client):
    f.ZoneStaffFactory(zone=zone, user=officer)
    client.force_login(officer)
    assert client.get(_report_url(zone, period="2025-Q3")).status_code == 200


def test_an_officer_of_another_zone_gets_404(zone, other_zone, officer, client):
    f.ZoneStaffFactory(zone=other_zone, user=officer)
    client.force_login(officer)
    assert client.get(_report_url(zone, period="2025-Q3")).status_code == 404
    download = reverse("admin:zones_zone_kpi_download", args=[zone.pk]) + "?format=csv&period=2025-Q3"
    assert client.get(download).status_code == 404


def test_an_unreadable_period_falls_back_to_the_last_finished_quarter(zone, admin_client):
    assert admin_client.get(_report_url(zone, period="2025-Q9")).status_code == 200


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        ("csv", "text/csv; charset=utf-8", b"\xef\xbb\xbfcode,"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("pdf", "application/pdf", b"%PDF"),
    ],
)
def test_each_download_has_its_content_type_and_filename(zone, admin_client, fmt, content_type, magic):
    url = reverse("admin:zones_zone_kpi_download", args=[zone.pk]) + f"?format={fmt}&period=2025-Q3"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="kpi-yangjae-2025-Q3.{fmt}"'
    assert response.content.startswith(magic)


def test_the_zone_change_page_and_list_link_to_the_report(zone, admin_client):
    report = reverse("admin:zones_zone_kpi_report", args=[zone.pk])
    assert report in admin_client.get(reverse("admin:zones_zone_change", args=[zone.pk])).content.decode()
    assert report in admin_client.get(reverse("admin:zones_zone_changelist")).content.decode()


# --- the snapshot check -------------------------------------------------------------------------------------


def _verify_url(zone, period: str) -> str:
    return reverse("admin:zones_zone_kpi_verify", args=[zone.pk]) + f"?period={period}"


def test_the_check_page_confirms_snapshots_and_flags_one_edited_behind_the_history(zone, officer, client):
    from zones.services_kpi import kpi_snapshot_take

    f.ZoneStaffFactory(zone=zone, user=officer)
    client.force_login(officer)
    kpi_snapshot_take(zone=zone, period_kind=QUARTER, period_start=Q3)
    ok = client.get(_verify_url(zone, "2025-Q3"), HTTP_ACCEPT_LANGUAGE="en")
    assert ok.status_code == 200
    assert "Every frozen figure matches" in ok.content.decode()

    KpiSnapshot.objects.filter(zone=zone, code="companies_residents").update(value=99)
    flagged = client.get(_verify_url(zone, "2025-Q3"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 figure differs from its recomputation." in flagged
    assert flagged.count('class="kpi-mismatch">differs') == 1


def test_the_check_page_is_scoped_to_the_officers_zones(zone, other_zone, officer, client):
    f.ZoneStaffFactory(zone=other_zone, user=officer)
    client.force_login(officer)
    assert client.get(_verify_url(zone, "2025-Q3")).status_code == 404
