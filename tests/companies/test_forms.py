import datetime as dt

import pytest

from companies.forms import CompanyForm, MouCommitmentForm, MouForm, TenancyForm
from companies.models import Company, MouCommitment
from tests import factories

GOOD_BRN = "220-81-62517"
GOOD_CORPORATE_NUMBER = "110111-0012346"


def company_data(**overrides) -> dict:
    data = {"name_ko": "주식회사 양재에이아이", "brn": GOOD_BRN, "size": Company.Size.STARTUP, "headcount": 5}
    data.update(overrides)
    return data


def error_codes(form, field: str) -> list[str]:
    return [error.code for error in form.errors.as_data().get(field, [])]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["220-81-62517", "2208162517", " 220 81 62517 "])
def test_company_form_saves_brn_as_ten_digits(typed):
    form = CompanyForm(data=company_data(brn=typed))

    assert form.is_valid(), form.errors
    assert form.save().brn == "2208162517"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "code"),
    [("220-81-62518", "brn_checksum"), ("220-81-625", "brn_format"), ("220-81-6251A", "brn_format")],
)
def test_company_form_reports_wrong_brn_on_the_brn_field(typed, code):
    form = CompanyForm(data=company_data(brn=typed))

    assert not form.is_valid()
    assert error_codes(form, "brn") == [code]
    assert form["brn"].value() == typed


@pytest.mark.django_db
def test_company_form_refuses_a_duplicate_brn_typed_with_dashes():
    factories.CompanyFactory(brn="2208162517")

    form = CompanyForm(data=company_data(brn=GOOD_BRN))

    assert not form.is_valid()
    assert error_codes(form, "brn") == ["unique"]
    assert form.errors["brn"] == [str(form.fields["brn"].error_messages["unique"])]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["110111-0012346", "1101110012346"])
def test_company_form_saves_corporate_number_as_thirteen_digits(typed):
    form = CompanyForm(data=company_data(corporate_number=typed))

    assert form.is_valid(), form.errors
    assert form.save().corporate_number == "1101110012346"


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "code"), [("110111-0012345", "corp_checksum"), ("110111-00123", "corp_format")])
def test_company_form_reports_wrong_corporate_number_on_its_field(typed, code):
    form = CompanyForm(data=company_data(corporate_number=typed))

    assert not form.is_valid()
    assert error_codes(form, "corporate_number") == [code]
    assert form["corporate_number"].value() == typed


@pytest.mark.django_db
def test_company_form_shows_stored_numbers_with_dashes_and_sees_no_change():
    company = factories.CompanyFactory(brn="2208162517", corporate_number="1101110012346")

    form = CompanyForm(instance=company)
    assert form["brn"].value() == "220-81-62517"
    assert form["corporate_number"].value() == "110111-0012346"

    bound = CompanyForm(
        instance=company,
        data=company_data(
            name_ko=company.name_ko,
            name_en=company.name_en,
            brn="2208162517",
            corporate_number="110111-0012346",
            size=company.size,
            headcount=company.headcount,
        ),
    )
    assert bound.is_valid(), bound.errors
    assert "brn" not in bound.changed_data
    assert "corporate_number" not in bound.changed_data


@pytest.mark.django_db
def test_mou_form_asks_for_a_company_or_a_counterparty_name():
    zone = factories.ZoneFactory()

    form = MouForm(data={"zone": zone.pk, "title": "협약", "signed_on": "2025-01-10", "status": "signed"})

    assert not form.is_valid()
    assert list(form.errors) == ["counterparty_name"]


@pytest.mark.django_db
def test_mou_form_refuses_an_end_before_signing():
    zone = factories.ZoneFactory()
    data = {
        "zone": zone.pk,
        "counterparty_name": "광주과학기술원",
        "title": "협약",
        "signed_on": "2025-01-10",
        "ends_on": "2024-12-31",
        "status": "signed",
    }

    form = MouForm(data=data)

    assert not form.is_valid()
    assert list(form.errors) == ["ends_on"]


@pytest.mark.django_db
def test_commitment_form_asks_for_the_date_of_the_actual_value():
    mou = factories.MouFactory()
    form = MouCommitmentForm(
        data={"kind": MouCommitment.Kind.JOBS, "promised_value": 10, "actual_value": 4},
        instance=MouCommitment(mou=mou),
    )

    assert not form.is_valid()
    assert list(form.errors) == ["actual_on"]

    form = MouCommitmentForm(
        data={
            "kind": MouCommitment.Kind.JOBS,
            "promised_value": 10,
            "actual_value": 4,
            "actual_on": dt.date(2025, 6, 1),
        },
        instance=MouCommitment(mou=mou),
    )
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_tenancy_form_refuses_an_end_before_moving_in():
    data = {
        "company": factories.CompanyFactory().pk,
        "zone": factories.ZoneFactory().pk,
        "status": "exited",
        "moved_in_on": "2024-03-01",
        "ended_on": "2024-02-28",
    }

    form = TenancyForm(data=data)

    assert not form.is_valid()
    assert list(form.errors) == ["ended_on"]


@pytest.mark.django_db
def test_tenancy_form_refuses_a_second_active_tenancy_but_allows_editing_the_first():
    tenancy = factories.TenancyFactory(status="resident")
    data = {"company": tenancy.company_id, "zone": tenancy.zone_id, "status": "membership"}

    second = TenancyForm(data=data)
    assert not second.is_valid()
    assert [error.code for error in second.non_field_errors().as_data()] == ["tenancy_one_active"]

    assert TenancyForm(data=data, instance=tenancy).is_valid()
    assert TenancyForm(data={**data, "status": "exited"}).is_valid()
