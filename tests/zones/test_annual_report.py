"""The annual performance report (성과보고서): its figures, a fixed number of queries, the files, the admin
pages and the command."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from companies.models import MouCommitment, SelfReport, Tenancy
from tests import factories as f
from zones import kpi
from zones.annual_report import annual_report, annual_report_pdf, annual_report_xlsx, display_report
from zones.models import ExemptionGrant, ExemptionUseReport, ZoneTarget

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))
Measure = ZoneTarget.Measure


@pytest.fixture(autouse=True)
def _in_february_2026():
    # The 2025 report is the one due (by 31 March 2026).
    with time_machine.travel(dt.datetime(2026, 2, 10, 10, 0, tzinfo=SEOUL), tick=False):
        yield


def _seoul(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


def _use_report(grant, start, end, uses):
    return ExemptionUseReport.objects.create(
        grant=grant, period_start=start, period_end=end, uses=uses, results="정상 이용", submitted_at=timezone.now()
    )


@pytest.fixture
def zone():
    zone = f.ZoneFactory(slug="yangjae", name_ko="양재 AI 특구", name_en="Yangjae AI Special Zone")
    other = f.ZoneFactory()
    for measure, value in (
        (Measure.COMPANIES_ATTRACTED, 4),
        (Measure.RESIDENT_COMPANIES, 10),
        (Measure.JOBS_CREATED, 40),
        (Measure.SALES_KRW, 1_000_000_000),
    ):
        f.ZoneTargetFactory(zone=zone, year=2025, measure=measure, value=value)
    f.ZoneTargetFactory(zone=zone, year=2024, measure=Measure.SALES_KRW, value=1)  # another year

    # Companies: one resident from before, three new in 2025 (one left in November), none counted outside 2025.
    f.TenancyFactory(zone=zone, moved_in_on=dt.date(2024, 3, 1))
    vision = f.CompanyFactory(name_ko="비전랩", name_en="VisionLab")
    robotics = f.CompanyFactory(name_ko="로보틱스", name_en="Robotics")
    f.TenancyFactory(zone=zone, company=robotics, moved_in_on=dt.date(2025, 6, 15))
    f.TenancyFactory(zone=zone, company=vision, moved_in_on=dt.date(2025, 2, 1))
    f.TenancyFactory(
        zone=zone,
        company=f.CompanyFactory(name_ko="써니팩토리"),
        moved_in_on=dt.date(2025, 9, 1),
        status=Tenancy.Status.EXITED,
        ended_on=dt.date(2025, 11, 30),
    )
    f.TenancyFactory(zone=zone, moved_in_on=dt.date(2026, 1, 10))
    f.TenancyFactory(zone=zone, moved_in_on=dt.date(2025, 5, 1), archived_at=timezone.now())
    f.TenancyFactory(zone=other, moved_in_on=dt.date(2025, 5, 1))

    # MOU jobs and investment: promised and actually delivered.
    mou = f.MouFactory(zone=zone, company=vision, signed_on=dt.date(2025, 3, 1))
    f.MouCommitmentFactory(mou=mou, promised_value=20, actual_value=12, actual_on=dt.date(2025, 9, 1))
    f.MouCommitmentFactory(
        mou=mou,
        kind=MouCommitment.Kind.INVESTMENT,
        promised_value=5_000_000_000,
        actual_value=2_000_000_000,
        actual_on=dt.date(2025, 10, 1),
    )

    earlier = f.MouFactory(zone=zone, company=robotics, signed_on=dt.date(2024, 1, 10))
    f.MouCommitmentFactory(mou=earlier, promised_value=5, actual_value=5, actual_on=dt.date(2024, 6, 1))

    # The fund: one investment in 2025, one before.
    fund = f.FundFactory(zone=zone)
    f.InvestmentFactory(fund=fund, company=vision, amount_krw=1_000_000_000, invested_on=dt.date(2025, 6, 30))
    f.InvestmentFactory(fund=fund, company=robotics, amount_krw=500_000_000, invested_on=dt.date(2024, 5, 1))

    # Self-reports: submitted and locked ones of 2025 count; a draft, a returned one, 2024 and another zone do not.
    f.SelfReportFactory(company=vision, zone=zone, year=2025, quarter=1, revenue_krw=100_000_000, jobs_created=2)
    f.SelfReportFactory(
        company=vision,
        zone=zone,
        year=2025,
        quarter=2,
        status=SelfReport.Status.LOCKED,
        locked_at=timezone.now(),
        revenue_krw=200_000_000,
        jobs_created=3,
        investment_raised_krw=300_000_000,
    )
    f.SelfReportFactory(company=robotics, zone=zone, year=2025, quarter=1, revenue_krw=50_000_000, jobs_created=1)
    f.SelfReportFactory(
        company=robotics, zone=zone, year=2025, quarter=2, status=SelfReport.Status.DRAFT, revenue_krw=999
    )
    f.SelfReportFactory(
        company=robotics, zone=zone, year=2025, quarter=3, status=SelfReport.Status.RETURNED, revenue_krw=999
    )
    f.SelfReportFactory(company=robotics, zone=zone, year=2024, quarter=4, revenue_krw=999)
    f.SelfReportFactory(company=robotics, zone=other, year=2025, quarter=1, revenue_krw=999)

    # Special cases: SC-A used, SC-B unused, an archived one and another zone's left out.
    patent = f.SpecialCaseFactory(zone=zone, code="SC-A", title_ko="특허 우선심사 특례")
    f.SpecialCaseFactory(zone=zone, code="SC-B", law_name_ko="출입국관리법", title_ko="비자 특례")
    archived = f.SpecialCaseFactory(zone=zone, code="SC-Z", archived_at=timezone.now())
    f.ExemptionGrantFactory(special_case=archived, company=vision)
    f.ExemptionGrantFactory(special_case=f.SpecialCaseFactory(zone=other), company=vision)
    active = f.ExemptionGrantFactory(
        special_case=patent, company=vision, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    expired_in_year = f.ExemptionGrantFactory(
        special_case=patent,
        company=robotics,
        status=ExemptionGrant.Status.EXPIRED,
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2025, 6, 30),
    )
    f.ExemptionGrantFactory(  # expired after the year ended: in force on 31 December
        special_case=patent,
        company=robotics,
        status=ExemptionGrant.Status.EXPIRED,
        starts_on=dt.date(2024, 6, 1),
        ends_on=dt.date(2026, 1, 31),
    )
    f.ExemptionGrantFactory(special_case=patent, status=ExemptionGrant.Status.REFUSED, starts_on=dt.date(2025, 3, 1))
    _use_report(active, dt.date(2025, 1, 1), dt.date(2025, 6, 30), 5)
    _use_report(active, dt.date(2025, 7, 1), dt.date(2025, 12, 31), 7)
    _use_report(expired_in_year, dt.date(2024, 7, 1), dt.date(2025, 3, 31), 4)  # overlaps the year
    _use_report(active, dt.date(2026, 1, 1), dt.date(2026, 3, 31), 100)
    for occurred in (
        _seoul(2025, 5, 1, 9, 0),
        _seoul(2025, 12, 31, 23, 30),
        _seoul(2025, 1, 1, 0, 30),  # still 2024 in UTC
        _seoul(2024, 12, 31, 23, 30),  # already 2024-12-31 14:30 UTC, and 2024 in Seoul: left out
    ):
        f.ExemptionIncidentFactory(grant=active, occurred_at=occurred, reported_at=occurred + dt.timedelta(hours=1))
    return zone


# --- the figures --------------------------------------------------------------------------------------------


def test_targets_are_read_against_the_years_kpis_and_the_self_reported_sales(zone):
    report = annual_report(zone, 2025)
    targets = {row["measure"]: row for row in report["targets"]}
    assert set(targets) == {
        Measure.COMPANIES_ATTRACTED,
        Measure.RESIDENT_COMPANIES,
        Measure.JOBS_CREATED,
        Measure.SALES_KRW,
    }
    figures = {measure: (row["target"], row["achieved"], row["percent_of_target"]) for measure, row in targets.items()}
    assert figures[Measure.COMPANIES_ATTRACTED] == (4, 3, 75)
    assert figures[Measure.RESIDENT_COMPANIES] == (10, 3, 30)
    assert figures[Measure.JOBS_CREATED] == (40, 12, 30)
    assert figures[Measure.SALES_KRW] == (1_000_000_000, 350_000_000, 35)
    assert isinstance(targets[Measure.SALES_KRW]["achieved"], int)
    assert targets[Measure.SALES_KRW]["name_ko"] == "특구 기업 매출(원)"
    assert targets[Measure.SALES_KRW]["name_en"] == "Sales of zone companies (KRW)"


def test_a_target_without_a_source_shows_a_dash(zone, monkeypatch):
    f.ZoneTargetFactory(zone=zone, year=2025, measure=Measure.GPU_HOURS, value=5_000)
    code = next(code for code, (measure, _basis) in kpi.TARGET_MEASURES.items() if measure == Measure.GPU_HOURS)
    monkeypatch.delitem(kpi.TARGET_MEASURES, code)
    targets = {row["measure"]: row for row in display_report(annual_report(zone, 2025))["targets"]}
    gpu = targets[Measure.GPU_HOURS]
    assert (gpu["achieved"], gpu["achieved_display"], gpu["percent_of_target_display"]) == (None, "-", "-")


def test_the_special_case_table_counts_grants_uses_and_incidents_of_the_year(zone):
    cases = annual_report(zone, 2025)["special_cases"]
    assert [row["code"] for row in cases] == ["SC-A", "SC-B"]
    figures = [(row["grants_in_force"], row["grants_granted"], row["uses"], row["incidents"]) for row in cases]
    assert figures == [(2, 1, 16, 3), (0, 0, 0, 0)]
    assert annual_report(zone, 2025)["special_case_totals"] == {
        "grants_in_force": 2,
        "grants_granted": 1,
        "uses": 16,
        "incidents": 3,
    }


def test_companies_attracted_are_the_years_move_ins_in_order(zone):
    companies = annual_report(zone, 2025)["companies"]
    assert companies["new_count"] == 3
    assert [row["name_ko"] for row in companies["new_companies"]] == ["비전랩", "로보틱스", "써니팩토리"]
    assert companies["new_companies"][0]["moved_in_on"] == dt.date(2025, 2, 1)
    assert companies["residents_at_year_end"] == 3


def test_jobs_investment_and_sales_in_whole_won(zone):
    report = annual_report(zone, 2025)
    assert report["jobs"] == {"mou_promised": 25, "mou_created": 17, "mou_created_in_year": 12, "self_reported": 6}
    assert report["investment"] == {
        "mou_promised_krw": 5_000_000_000,
        "mou_made_krw": 2_000_000_000,
        "mou_made_in_year_krw": 2_000_000_000,
        "fund_invested_in_year_krw": 1_000_000_000,
        "fund_invested_to_date_krw": 1_500_000_000,
        "self_reported_raised_krw": 300_000_000,
    }
    assert report["sales"] == {"self_reported_revenue_krw": 350_000_000}
    assert report["self_reports"] == {"reports": 3, "companies": 2}
    for value in (*report["investment"].values(), *report["sales"].values()):
        assert type(value) is int


def test_the_year_kpis_are_the_kpi_report_of_the_year(zone):
    rows = annual_report(zone, 2025)["kpis"]
    assert {row["code"]: row for row in rows}["companies_new_residents"]["value"] == 3
    assert [(row["value"], row["percent_of_target"]) for row in rows if row["target"] == 4] == [(3, 75)]


def test_the_query_count_does_not_grow_with_special_cases_or_companies(zone, django_assert_num_queries):
    with CaptureQueriesContext(connection) as first:
        annual_report(zone, 2025)
    for index in range(4):
        case = f.SpecialCaseFactory(zone=zone, code=f"SC-N{index}")
        grant = f.ExemptionGrantFactory(special_case=case)
        _use_report(grant, dt.date(2025, 4, 1), dt.date(2025, 6, 30), 2)
        f.ExemptionIncidentFactory(grant=grant)
        company = f.CompanyFactory()
        f.TenancyFactory(zone=zone, company=company, moved_in_on=dt.date(2025, 4, index + 1))
        f.SelfReportFactory(company=company, zone=zone, year=2025, quarter=1)
    with django_assert_num_queries(len(first.captured_queries)):
        report = annual_report(zone, 2025)
    assert len(report["special_cases"]) == 6
    assert report["companies"]["new_count"] == 7


# --- the files ----------------------------------------------------------------------------------------------


def test_the_workbook_has_a_sheet_per_section_with_the_figures(zone):
    f.TenancyFactory(zone=zone, company=f.CompanyFactory(name_ko="=HYPERLINK(1)"), moved_in_on=dt.date(2025, 12, 1))
    workbook = load_workbook(io.BytesIO(annual_report_xlsx(zone, 2025)))
    assert workbook.sheetnames == [
        "개요 Overview",
        "목표 대비 실적 Targets",
        "KPI",
        "규제특례 Special cases",
        "기업 유치 Companies",
        "일자리·투자·매출 Outcomes",
    ]
    targets = [[cell.value for cell in row] for row in workbook["목표 대비 실적 Targets"].iter_rows()]
    assert targets[0][:2] == ["지표", "지표(영문)"] and targets[1][:2] == ["Measure (Korean)", "Measure (English)"]
    sales = next(row for row in targets if row[1] == "Sales of zone companies (KRW)")
    assert sales[3:] == [1_000_000_000, 350_000_000, 35]
    cases = [[cell.value for cell in row] for row in workbook["규제특례 Special cases"].iter_rows(min_row=3)]
    assert [row[0] for row in cases] == ["SC-A", "SC-B"]
    assert cases[0][4:] == [2, 1, 16, 3]
    companies = [row[0].value for row in workbook["기업 유치 Companies"].iter_rows(min_row=3)]
    assert companies == ["비전랩", "로보틱스", "써니팩토리", "'=HYPERLINK(1)"]
    outcomes = {row[1].value: row[2].value for row in workbook["일자리·투자·매출 Outcomes"].iter_rows(min_row=3)}
    assert outcomes["자체 성과보고 매출액 / Revenue, self-reports"] == 350_000_000
    assert outcomes["펀드 투자 집행액(연간) / Fund invested in the year"] == 1_000_000_000


def test_the_pdf_carries_the_korean_zone_name_and_the_title(zone):
    content = annual_report_pdf(zone, 2025)
    assert content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "양재 AI 특구" in text
    assert "성과보고서" in text
    assert "2025" in text
    assert "비전랩" in text and "SC-A" in text


# --- the admin ----------------------------------------------------------------------------------------------


@pytest.fixture
def officer(db):
    user = f.StaffUserFactory()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="zones", codename="view_zone"))
    return user


def _page(zone, **query) -> str:
    url = reverse("admin:zones_zone_annual_report", args=[zone.pk])
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else url


def _download(zone, **query) -> str:
    url = reverse("admin:zones_zone_annual_download", args=[zone.pk])
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def test_the_zones_officer_sees_the_page_for_last_year_by_default(zone, officer, client):
    f.ZoneStaffFactory(zone=zone, user=officer)
    client.force_login(officer)
    response = client.get(_page(zone))
    assert response.status_code == 200
    assert response.context["year"] == 2025
    body = response.content.decode()
    assert "비전랩" in body and "SC-A" in body and "특구 기업 매출(원)" in body
    assert '<option value="2025" selected>' in body
    assert "year=2025&amp;format=pdf" in body and "year=2025&amp;format=xlsx" in body


def test_the_page_shows_the_year_asked_for(zone, admin_client):
    response = admin_client.get(_page(zone, year=2024))
    assert response.context["year"] == 2024
    assert response.context["companies"]["new_count"] == 1  # the 2024 move-in


@pytest.mark.parametrize("year", ["abc", "1999", "2027", ""])
def test_a_bad_year_warns_and_shows_the_default_year(zone, admin_client, year):
    response = admin_client.get(_page(zone, year=year), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["year"] == 2025
    assert "Unknown year" in response.content.decode()


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("pdf", "application/pdf", b"%PDF"),
    ],
)
def test_the_zones_officer_downloads_the_report(zone, officer, client, fmt, content_type, magic):
    f.ZoneStaffFactory(zone=zone, user=officer)
    client.force_login(officer)
    response = client.get(_download(zone, year=2025, format=fmt))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="annual-report-yangjae-2025.{fmt}"'
    assert response.content.startswith(magic)


@pytest.mark.parametrize("query", [{"year": "abc", "format": "pdf"}, {"year": 2025, "format": "csv"}])
def test_a_bad_download_is_a_404(zone, admin_client, query):
    assert admin_client.get(_download(zone, **query)).status_code == 404


def test_an_officer_of_another_zone_gets_404(zone, officer, client):
    f.ZoneStaffFactory(zone=f.ZoneFactory(), user=officer)
    client.force_login(officer)
    assert client.get(_page(zone)).status_code == 404
    assert client.get(_download(zone, year=2025, format="pdf")).status_code == 404


def test_the_kpi_report_page_links_to_the_annual_report(zone, admin_client):
    kpi_page = admin_client.get(reverse("admin:zones_zone_kpi_report", args=[zone.pk])).content.decode()
    assert reverse("admin:zones_zone_annual_report", args=[zone.pk]) in kpi_page


# --- the command --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("xlsx", b"PK")])
def test_the_command_writes_the_report(zone, tmp_path, fmt, magic):
    output = tmp_path / f"annual.{fmt}"
    call_command("annual_report", zone="yangjae", year="2025", format=fmt, output=str(output))
    assert output.read_bytes().startswith(magic)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"zone": "nowhere", "year": "2025", "format": "pdf"}, 'Unknown zone "nowhere"'),
        ({"zone": "yangjae", "year": "20x5", "format": "pdf"}, 'Unknown year "20x5"'),
        ({"zone": "yangjae", "year": "2027", "format": "pdf"}, 'Unknown year "2027"'),
        ({"zone": "yangjae", "year": "2025", "format": "csv"}, 'Unknown format "csv"'),
    ],
)
def test_the_command_refuses_an_unknown_zone_year_or_format(zone, tmp_path, options, message):
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("annual_report", output=str(tmp_path / "out"), **options)
    assert not (tmp_path / "out").exists()
