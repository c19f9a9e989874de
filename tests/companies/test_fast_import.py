"""The bulk CSV import of new companies (manage.py import_companies): all or nothing, bad rows named."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from companies.imports import COLUMNS, import_companies_csv
from companies.models import Company
from tests import factories
from tests.factories import valid_brn

pytestmark = pytest.mark.django_db


def csv_lines(count: int, *, bad_row: int | None = None, rows: dict[int, dict] | None = None) -> list[str]:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for n in range(1, count + 1):
        brn = valid_brn(20_000 + n)
        if n == bad_row:
            brn = brn[:9] + str((int(brn[9]) + 1) % 10)
        row = {name: "" for name in COLUMNS}
        row.update(
            brn=f"{brn[:3]}-{brn[3:5]}-{brn[5:]}",
            name_ko=f"주식회사 대량{n}",
            size="startup",
            ai_fields="vision,language",
            founded_on="2021-03-02",
            headcount="12",
            email=f"contact{n}@example.kr",
        )
        writer.writerow({**row, **(rows or {}).get(n, {})})
    return out.getvalue().splitlines(keepends=True)


@pytest.fixture
def ai_fields():
    return [factories.AIFieldFactory(code="vision"), factories.AIFieldFactory(code="language")]


def test_a_valid_file_imports_every_row_with_its_ai_fields_and_creation_history(ai_fields):
    user = factories.UserFactory()
    report = import_companies_csv(csv_lines(30), acting_user=user, batch_rows=7)

    assert report.ok and report.rows == 30 and report.imported == 30
    assert Company.objects.count() == 30
    company = Company.objects.get(brn=valid_brn(20_001))
    assert (company.name_ko, company.size, company.headcount, str(company.founded_on)) == (
        "주식회사 대량1",
        "startup",
        12,
        "2021-03-02",
    )
    assert sorted(company.ai_fields.values_list("code", flat=True)) == ["language", "vision"]
    created = company.history.get()
    assert (created.history_type, created.history_user, created.brn) == ("+", user, company.brn)
    assert sorted(f.aifield.code for f in created.ai_fields.all()) == ["language", "vision"]
    # The sequence moved past the copied ids: the next company saves normally.
    last = max(Company.objects.values_list("pk", flat=True))
    assert factories.CompanyFactory().pk > last


def test_one_wrong_check_digit_imports_nothing_and_names_the_row_and_field(ai_fields):
    report = import_companies_csv(csv_lines(40, bad_row=23), batch_rows=10)

    assert not report.ok and report.imported == 0
    assert [(e.row, e.field) for e in report.errors] == [(23, "brn")]
    assert "검증번호" in report.errors[0].message and "check digit" in report.errors[0].message
    assert Company.objects.count() == 0


def test_a_duplicate_in_the_file_imports_nothing_and_names_both_rows(ai_fields):
    lines = csv_lines(12, rows={9: {"brn": valid_brn(20_002)}})
    report = import_companies_csv(lines, batch_rows=5)

    assert [(e.row, e.field) for e in report.errors] == [(9, "brn")]
    assert "2행" in report.errors[0].message
    assert Company.objects.count() == 0


def test_a_number_already_registered_imports_nothing(ai_fields):
    factories.CompanyFactory(brn=valid_brn(20_005))
    report = import_companies_csv(csv_lines(8))

    assert [(e.row, e.field) for e in report.errors] == [(5, "brn")]
    assert "이미 등록된" in report.errors[0].message
    assert Company.objects.count() == 1


def test_every_field_is_checked_like_the_model(ai_fields):
    lines = csv_lines(
        6,
        rows={
            1: {"size": "huge"},
            2: {"name_ko": ""},
            3: {"email": "not-an-email", "postcode": "12"},
            4: {"ai_fields": "vision,robots"},
            5: {"headcount": "-3", "founded_on": "2021-13-01"},
            6: {"name_en": "x" * 201},
        },
    )
    report = import_companies_csv(lines)

    assert sorted((e.row, e.field) for e in report.errors) == [
        (1, "size"),
        (2, "name_ko"),
        (3, "email"),
        (3, "postcode"),
        (4, "ai_fields"),
        (5, "founded_on"),
        (5, "headcount"),
        (6, "name_en"),
    ]
    assert Company.objects.count() == 0


def test_an_unknown_column_is_refused(ai_fields):
    lines = ["brn,name_ko,size,colour\n", f"{valid_brn(1)},이름,startup,red\n"]
    report = import_companies_csv(lines)
    assert [(e.row, e.field) for e in report.errors] == [(0, "header")]


def test_the_dry_run_checks_everything_and_writes_nothing(ai_fields, tmp_path):
    path = tmp_path / "companies.csv"
    path.write_text("".join(csv_lines(20)), encoding="utf-8-sig")
    out = io.StringIO()

    call_command("import_companies", str(path), "--dry-run", stdout=out)
    assert "20" in out.getvalue() and Company.objects.count() == 0

    call_command("import_companies", str(path), stdout=io.StringIO())
    assert Company.objects.count() == 20
    assert Company.history.count() == 20

    with pytest.raises(CommandError):  # the same file again: every number is taken now
        call_command("import_companies", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Company.objects.count() == 20
