"""Import and export of companies and MOUs: all or nothing, every bad row named by number and field."""

import datetime as dt

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from import_export.formats.base_formats import XLSX

from companies.models import Company, Mou, MouCommitment
from companies.resources import CompanyResource, MouResource
from tests import factories
from tests.factories import valid_brn

pytestmark = pytest.mark.django_db

HEADERS = ("brn", "name_ko", "size", "ai_fields", "founded_on", "headcount")


def company_rows(count: int, *, bad_row: int | None = None, dashes: bool = False) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=HEADERS)
    for n in range(1, count + 1):
        brn = valid_brn(10_000 + n)
        if n == bad_row:
            brn = brn[:9] + str((int(brn[9]) + 1) % 10)
        if dashes:
            brn = f"{brn[:3]}-{brn[3:5]}-{brn[5:]}"
        dataset.append((brn, f"주식회사 가져오기{n}", "startup", "vision,language", "2021-03-02", "12"))
    return dataset


@pytest.fixture
def ai_fields():
    return [factories.AIFieldFactory(code="vision"), factories.AIFieldFactory(code="language")]


def test_one_bad_check_digit_in_2000_rows_imports_nothing_and_names_row_1234_and_the_brn(ai_fields):
    dataset = company_rows(2_000, bad_row=1_234)

    # Not a dry run: the commit itself refuses the file.
    result = CompanyResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert [(row.number, sorted(row.field_specific_errors)) for row in result.invalid_rows] == [(1_234, ["brn"])]
    assert "검증번호" in " ".join(result.invalid_rows[0].field_specific_errors["brn"])
    assert Company.objects.count() == 0


def test_a_good_file_imports_every_row_with_its_ai_fields(ai_fields):
    result = CompanyResource().import_data(company_rows(50), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Company.objects.count() == 50
    company = Company.objects.get(brn=valid_brn(10_001))
    assert sorted(company.ai_fields.values_list("code", flat=True)) == ["language", "vision"]


def test_dashes_are_accepted_and_a_reimport_updates_instead_of_duplicating(ai_fields):
    CompanyResource().import_data(company_rows(3, dashes=True), dry_run=False)
    assert sorted(Company.objects.values_list("brn", flat=True)) == sorted(valid_brn(10_000 + n) for n in (1, 2, 3))
    again = tablib.Dataset(headers=HEADERS)
    for n in (1, 2, 3):
        again.append((valid_brn(10_000 + n), "바뀐 이름" if n == 1 else f"바뀐 이름 {n}", "startup", "vision", "", ""))
    result = CompanyResource().import_data(again, dry_run=False)
    assert not result.has_validation_errors()
    assert Company.objects.count() == 3
    assert Company.objects.get(brn=valid_brn(10_001)).name_ko == "바뀐 이름"


def test_an_unknown_ai_field_code_is_a_field_error_of_its_row(ai_fields):
    dataset = company_rows(3)
    dataset[1] = (valid_brn(10_002), "주식회사 둘", "startup", "vision,robots", "", "")
    result = CompanyResource().import_data(dataset, dry_run=True)
    assert [(row.number, list(row.field_specific_errors)) for row in result.invalid_rows] == [(2, ["ai_fields"])]
    assert "robots" in result.invalid_rows[0].field_specific_errors["ai_fields"][0]


def test_export_writes_brn_with_dashes(ai_fields):
    company = factories.CompanyFactory()
    company.ai_fields.set(ai_fields)
    exported = CompanyResource().export()
    row = dict(zip(exported.headers, exported[0], strict=True))
    assert row["brn"] == company.brn_display
    assert sorted(row["ai_fields"].split(",")) == ["language", "vision"]


def test_the_admin_dry_run_lists_the_bad_row_by_line_and_field_and_imports_nothing(admin_client, ai_fields):
    dataset = company_rows(30, bad_row=17)
    upload = SimpleUploadedFile("companies.csv", dataset.export("csv").encode("utf-8"), content_type="text/csv")
    response = admin_client.post(
        "/admin/companies/company/import/", {"format": 0, "resource": 0, "import_file": upload}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "17" in content and "검증번호" in content
    assert 'name="import_file_name"' not in content  # no confirm form while a row is bad
    assert Company.objects.count() == 0


# --- MOUs ----------------------------------------------------------------------------------------------------------


def test_mous_round_trip_through_xlsx_and_the_promise_columns_update_commitments():
    zone = factories.ZoneFactory(slug="yangjae")
    company = factories.CompanyFactory()
    mou = factories.MouFactory(zone=zone, company=company, title="투자유치 협약", ends_on=dt.date(2027, 12, 31))
    factories.MouCommitmentFactory(mou=mou, kind=MouCommitment.Kind.JOBS, promised_value=30)

    exported = MouResource().export()
    row = dict(zip(exported.headers, exported[0], strict=True))
    assert (row["zone"], row["company_brn"], row["jobs_promised"]) == ("yangjae", company.brn_display, 30)
    xlsx = XLSX().export_data(exported)

    dataset = XLSX().create_dataset(xlsx)
    dataset.append(("", "yangjae", company.brn_display, "", "신규 협약", "2026-01-05", "", "", "", "10", "5000000000"))
    jobs_column = dataset.headers.index("jobs_promised")
    first = list(dataset[0])
    first[jobs_column] = 45
    dataset[0] = tuple(first)

    result = MouResource().import_data(dataset, dry_run=False)
    assert not result.has_errors(), [str(e.error) for _n, errors in result.row_errors() for e in errors]
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    assert Mou.objects.count() == 2
    assert mou.commitments.get(kind=MouCommitment.Kind.JOBS).promised_value == 45
    new = Mou.objects.get(title="신규 협약")
    assert new.company == company and new.status == Mou.Status.SIGNED
    assert dict(new.commitments.values_list("kind", "promised_value")) == {"jobs": 10, "investment": 5_000_000_000}


def test_a_mou_row_with_an_unknown_zone_or_company_imports_nothing():
    zone = factories.ZoneFactory(slug="gwangju")
    dataset = tablib.Dataset(headers=("zone", "company_brn", "title", "signed_on"))
    dataset.append((zone.slug, "", "기관 협약", "2025-01-02"))  # no company, no counterparty: a model error
    dataset.append(("nowhere", "", "없는 특구", "2025-01-02"))
    dataset.append((zone.slug, "123-45-67891", "없는 회사", "2025-01-02"))
    result = MouResource().import_data(dataset, dry_run=False)
    assert [row.number for row in result.invalid_rows] == [1, 2, 3]
    assert "zone" in result.invalid_rows[1].field_specific_errors
    assert "company" in result.invalid_rows[2].field_specific_errors
    assert Mou.objects.count() == 0


@pytest.mark.parametrize("url", ["/admin/companies/company/", "/admin/companies/mou/", "/admin/programs/enrolment/"])
def test_the_admin_lists_offer_import_and_export(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    assert f"href='{url}import/'" in response.content.decode()
    assert admin_client.get(f"{url}import/").status_code == 200
    assert admin_client.get(f"{url}export/").status_code == 200


def test_the_admin_confirms_a_good_file_and_then_imports_it(admin_client, ai_fields):
    upload = SimpleUploadedFile("companies.csv", company_rows(5).export("csv").encode("utf-8"), content_type="text/csv")
    response = admin_client.post(
        "/admin/companies/company/import/", {"format": 0, "resource": 0, "import_file": upload}
    )
    assert response.status_code == 200
    assert Company.objects.count() == 0  # the dry run imported nothing
    confirm = response.context["confirm_form"]
    response = admin_client.post(
        "/admin/companies/company/process_import/", {name: confirm[name].value() for name in confirm.fields}
    )
    assert response.status_code == 302
    assert Company.objects.count() == 5
