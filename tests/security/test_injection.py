"""Text a company types (or an import brings) is data everywhere it shows: escaped in the portal and the
admin, never SQL, literal in the PDF reports, and never a formula in the CSV and XLSX exports."""

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from companies.models import Company, Mou
from core.export_formats import SafeCSV, SafeXLSX, inert_cell
from programs.models import Application, Enrolment
from programs.services.applications import application_start
from tests import factories as f
from tests.programs.test_portal_support import call_with_form, member_of

pytestmark = pytest.mark.django_db

XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
SQL = "'; DROP TABLE companies_company; --"
FORMULAS = ['=HYPERLINK("http://evil","x")', "+cmd", "-1+1", "@SUM(1)"]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


def assert_inert_html(html: str, payload: str) -> None:
    assert payload not in html, f"{payload!r} is in the page unescaped"
    assert escape(payload) in html, f"{payload!r} is not shown at all"


def assert_no_live_markup(html: str) -> None:
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x onerror=alert(1)>" not in html
    assert not re.search(r"<img[^>]+onerror", html)


# --- pages ------------------------------------------------------------------------------------------------


@pytest.fixture
def company():
    return f.CompanyFactory(name_ko=XSS[0], name_en=XSS[1])


@pytest.fixture
def owner(company):
    return member_of(company)


@pytest.fixture
def portal(owner):
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def application(portal, owner, company):
    """A draft whose title, summary and first answer were typed through the portal's form."""
    call = call_with_form(zone=f.ZoneFactory())
    application = application_start(call=call, company=company, acting_user=owner)
    client = portal
    edit = reverse("programs:application_edit", args=[application.pk, 0])
    response = client.post(edit, {"title": XSS[0], "summary": XSS[1], "requested_gpu_hours": "10", "action": "save"})
    assert response.status_code == 302
    response = client.post(
        reverse("programs:application_edit", args=[application.pk, 1]),
        {"plan": XSS[1] + " " + SQL, "has_partner": "no", "action": "save"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.title, application.answers["plan"]) == (XSS[0], XSS[1] + " " + SQL)
    return application


def test_the_portal_shows_company_names_and_answers_as_text(portal, application):
    client = portal
    dashboard = client.get(reverse("companies:dashboard")).content.decode()
    assert_inert_html(dashboard, XSS[0])
    assert_no_live_markup(dashboard)
    for url in (
        reverse("programs:application_list"),
        reverse("programs:application_detail", args=[application.pk]),
        reverse("programs:application_edit", args=[application.pk, 0]),
        reverse("programs:application_edit", args=[application.pk, 3]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_no_live_markup(html)
        assert escape(XSS[0]) in html, url
    review = client.get(reverse("programs:application_edit", args=[application.pk, 3])).content.decode()
    assert_inert_html(review, XSS[1] + " " + SQL)


def test_the_admin_shows_company_application_and_mou_text_as_text(admin_client, application, company):
    mou = f.MouFactory(company=company, title=XSS[1], counterparty_name=XSS[0])
    pages = [
        (reverse("admin:companies_company_changelist"), XSS[0]),
        (reverse("admin:companies_company_change", args=[company.pk]), XSS[1]),
        (reverse("admin:programs_application_changelist"), XSS[0]),
        (reverse("admin:programs_application_change", args=[application.pk]), XSS[0]),
        (reverse("admin:companies_mou_changelist"), XSS[1]),
        (reverse("admin:companies_mou_change", args=[mou.pk]), XSS[1]),
    ]
    for url, payload in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_no_live_markup(html)
        assert_inert_html(html, payload)


# --- SQL ----------------------------------------------------------------------------------------------------


def test_sql_in_a_name_or_a_search_is_only_text(admin_client, client):
    company = f.CompanyFactory(name_ko=SQL, name_en=SQL)
    f.MouFactory(company=company, title=SQL)
    before = Company.objects.count()
    for url in (
        reverse("admin:companies_company_changelist"),
        reverse("admin:companies_mou_changelist"),
        reverse("admin:programs_application_changelist"),
    ):
        response = admin_client.get(url, {"q": SQL})
        assert response.status_code == 200, url
    found = admin_client.get(reverse("admin:companies_company_changelist"), {"q": SQL}).content.decode()
    assert escape(SQL) in found
    api = admin_client.get("/api/v1/companies/", {"search": SQL})
    assert api.status_code == 200
    assert [row["name_ko"] for row in api.json()["results"]] == [SQL]
    client.get(reverse("programs:call_list"), {"q": SQL})
    assert "companies_company" in connection.introspection.table_names()
    assert Company.objects.count() == before
    assert Company.objects.get(pk=company.pk).name_ko == SQL


# --- PDF reports --------------------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


def test_the_annual_report_pdf_prints_company_names_literally():
    from zones.annual_report import export_annual_report

    zone = f.ZoneFactory()
    payloads = [*XSS, SQL, FORMULAS[0]]
    for index, payload in enumerate(payloads):
        company = f.CompanyFactory(name_ko=f"회사{index}", name_en=payload)
        f.TenancyFactory(company=company, zone=zone, moved_in_on=dt.date(2025, 3, index + 1))
    text = pdf_text(export_annual_report(zone, 2025, "pdf"))
    for payload in payloads:
        assert re.sub(r"\s+", "", payload) in text, payload


def test_the_kpi_report_pdf_prints_the_zone_name_literally():
    from zones.reports import render_kpi_report_pdf

    zone = f.ZoneFactory(name_en=XSS[1])
    text = pdf_text(render_kpi_report_pdf(zone, "quarter", dt.date(2025, 7, 1)))
    assert re.sub(r"\s+", "", XSS[1]) in text


# --- spreadsheets -------------------------------------------------------------------------------------------


def is_live(text: str) -> bool:
    """Text a spreadsheet would evaluate: a formula prefix with something after it, not a plain number."""
    return len(text) > 1 and text.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(text)


def assert_csv_inert(data: bytes, expected: list[str]) -> None:
    text = data.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    live = [cell for cell in cells if is_live(cell)]
    assert live == [], live
    for payload in expected:
        assert "'" + payload in cells, payload


def assert_xlsx_inert(data: bytes, expected: list[str]) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    values = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not is_live(cell.value), (sheet.title, cell.coordinate, cell.value)
                    values.append(cell.value)
    for payload in expected:
        assert "'" + payload in values, payload


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+cmd", "'+cmd"),
        ("-1+1", "'-1+1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1+1", "'\t=1+1"),
        ("-3", "-3"),
        ("+82", "+82"),
        ("주식회사 에이", "주식회사 에이"),
        (12, 12),
        (None, None),
    ],
)
def test_inert_cell(value, written):
    assert inert_cell(value) == written


def test_the_admin_exports_through_the_safe_formats():
    from companies.admin import CompanyAdmin, MouAdmin
    from programs.admin.training import EnrolmentAdmin

    for model_admin in (
        CompanyAdmin(Company, admin.site),
        MouAdmin(Mou, admin.site),
        EnrolmentAdmin(Enrolment, admin.site),
    ):
        assert model_admin.get_export_formats() == [SafeCSV, SafeXLSX]


def export(admin_client, url: str, resource_class, file_format: int) -> bytes:
    data = {"format": str(file_format), "resource": "0"}
    prefix = resource_class.__name__.lower()
    for field in resource_class().get_export_order():
        data[f"{prefix}_{field}"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;"), response.content[:500]
    return response.content


@pytest.fixture
def formula_rows():
    zone = f.ZoneFactory()
    companies = [f.CompanyFactory(name_ko=payload, name_en=payload) for payload in FORMULAS]
    for company, payload in zip(companies, FORMULAS, strict=True):
        f.MouFactory(zone=zone, company=company, title=payload, counterparty_name=payload)
    program = f.TrainingProgramFactory(zone=zone)
    for payload in FORMULAS:
        cohort = f.CohortFactory(training_program=program, name=payload)
        f.EnrolmentFactory(cohort=cohort)
    return zone


@pytest.mark.parametrize(("file_format", "check"), [(0, assert_csv_inert), (1, assert_xlsx_inert)], ids=["csv", "xlsx"])
def test_company_mou_and_enrolment_exports_hold_no_formula(admin_client, formula_rows, file_format, check):
    from companies.resources import CompanyResource, MouResource
    from programs.resources import EnrolmentResource

    for url, resource in (
        (reverse("admin:companies_company_export"), CompanyResource),
        (reverse("admin:companies_mou_export"), MouResource),
        (reverse("admin:programs_enrolment_export"), EnrolmentResource),
    ):
        check(export(admin_client, url, resource, file_format), FORMULAS)


def test_the_annual_report_xlsx_holds_no_formula():
    from zones.annual_report import export_annual_report

    zone = f.ZoneFactory()
    for index, payload in enumerate(FORMULAS):
        company = f.CompanyFactory(name_ko=payload, name_en=payload)
        f.TenancyFactory(company=company, zone=zone, moved_in_on=dt.date(2025, 4, index + 1))
    assert_xlsx_inert(export_annual_report(zone, 2025, "xlsx"), FORMULAS)


def test_the_kpi_report_exports_hold_no_formula():
    from zones.reports import export_kpi_report

    zone = f.ZoneFactory(name_ko=FORMULAS[0], name_en=FORMULAS[1])
    start = dt.date(2025, 7, 1)
    csv_data = export_kpi_report(zone, "quarter", start, "csv")
    assert_csv_inert(csv_data, [])
    assert_xlsx_inert(export_kpi_report(zone, "quarter", start, "xlsx"), [])


def test_an_application_title_is_stored_as_typed(application):
    assert Application.objects.filter(title=XSS[0]).count() == 1
