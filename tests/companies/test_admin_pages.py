"""Every companies admin page renders, searches and filters; the company form through the admin."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from companies.models import Company, CompanyMember, MouCommitment
from tests import factories

pytestmark = pytest.mark.django_db


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:companies_{model}_{view}", args=args)


def make_aifield():
    field = factories.AIFieldFactory(code="vision", name_ko="비전", name_en="Vision")
    factories.CompanyFactory().ai_fields.add(field)
    return field, "Vision", ""


def make_company():
    field = factories.AIFieldFactory()
    company = factories.CompanyFactory(name_ko="주식회사 양재비전", name_en="Yangjae Vision")
    company.ai_fields.add(field)
    return company, "양재비전", f"size__exact=startup&ai_fields__id__exact={field.pk}&founded_on__year=2021"


def make_companymember():
    member = factories.CompanyMemberFactory(user__username="kim-ceo", invited_by=factories.UserFactory())
    return member, "kim-ceo", "role__exact=owner&is_active__exact=1"


def make_tenancy():
    tenancy = factories.TenancyFactory(building="서울AI허브", space="501호")
    return tenancy, "AI허브", f"status__exact=resident&zone={tenancy.zone_id}&moved_in_on__year=2024"


def make_mou():
    mou = factories.MouFactory(title="데이터센터 투자 협약")
    factories.MouCommitmentFactory(mou=mou, kind=MouCommitment.Kind.JOBS, promised_value=30)
    return mou, "데이터센터", f"status__exact=signed&zone={mou.zone_id}&signed_on__year=2023"


def make_moucommitment():
    commitment = factories.MouCommitmentFactory(
        kind=MouCommitment.Kind.INVESTMENT, promised_value=5_000_000_000, description="본사 이전 투자"
    )
    query = f"kind__exact=investment&delivery=pending&zone={commitment.mou.zone_id}"
    return commitment, "본사 이전", query


MAKERS = {
    "aifield": make_aifield,
    "company": make_company,
    "companymember": make_companymember,
    "tenancy": make_tenancy,
    "mou": make_mou,
    "moucommitment": make_moucommitment,
}


@pytest.mark.parametrize("model", MAKERS)
def test_changelist_with_search_and_filter_finds_the_row(admin_client, model):
    obj, term, filters = MAKERS[model]()
    factories.MouFactory(title="다른 협약")  # a row that must not match

    response = admin_client.get(f"{url(model, 'changelist')}?{urlencode({'q': term})}&{filters}")

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [obj]


@pytest.mark.parametrize("model", MAKERS)
def test_add_and_change_pages_render(admin_client, model):
    obj = MAKERS[model]()[0]

    assert admin_client.get(url(model, "add")).status_code == 200
    assert admin_client.get(url(model, "change", obj.pk)).status_code == 200
    assert admin_client.get(url(model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize("term", ["220-81-62517", "2208162517", "220-81", "양재", "Yangjae"])
def test_company_search_by_brn_with_or_without_dashes_and_by_name(admin_client, term):
    company = factories.CompanyFactory(brn="2208162517", name_ko="주식회사 양재에이아이", name_en="Yangjae AI")
    factories.CompanyFactory(name_ko="주식회사 광주데이터", name_en="Gwangju Data")

    response = admin_client.get(url("company", "changelist"), {"q": term})

    assert list(response.context["cl"].result_list) == [company]


def test_company_list_shows_brn_with_dashes_and_fields(admin_client):
    company = factories.CompanyFactory(brn="2208162517")
    company.ai_fields.add(factories.AIFieldFactory(name_ko="자연어처리"), factories.AIFieldFactory(name_ko="비전"))

    response = admin_client.get(url("company", "changelist"))

    assert "220-81-62517" in response.content.decode()
    assert "비전, 자연어처리" in response.content.decode()


@pytest.mark.parametrize("model", ["tenancy", "mou", "companymember"])
def test_zone_records_are_found_by_their_company_brn_typed_with_dashes(admin_client, model):
    company = factories.CompanyFactory(brn="2208162517")
    if model == "tenancy":
        obj = factories.TenancyFactory(company=company)
        factories.TenancyFactory()
    elif model == "mou":
        obj = factories.MouFactory(company=company)
        factories.MouFactory()
    else:
        obj = factories.CompanyMemberFactory(company=company)
        factories.CompanyMemberFactory()

    response = admin_client.get(url(model, "changelist"), {"q": "220-81-62517"})

    assert list(response.context["cl"].result_list) == [obj]


# --- the company form through the admin -------------------------------------


def company_post(client, path: str, **fields) -> dict:
    """The admin form's POST: the given fields plus the management data of every inline on the page."""
    page = client.get(path)
    data = {"name_ko": "주식회사 양재에이아이", "size": Company.Size.STARTUP, "headcount": "5", "postcode": "06742"}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management.initial.get(name, "")
    data.update(fields)
    return data


@pytest.mark.parametrize("typed", ["220-81-62517", "2208162517"])
def test_admin_adds_a_company_with_brn_typed_with_or_without_dashes(admin_client, typed):
    path = url("company", "add")

    response = admin_client.post(path, company_post(admin_client, path, brn=typed, corporate_number="110111-0012346"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    company = Company.objects.get()
    assert (company.brn, company.corporate_number) == ("2208162517", "1101110012346")


@pytest.mark.parametrize(
    ("field", "typed", "code"),
    [
        ("brn", "220-81-62518", "brn_checksum"),
        ("brn", "220-81-625", "brn_format"),
        ("corporate_number", "110111-0012345", "corp_checksum"),
        ("corporate_number", "110111-00123", "corp_format"),
    ],
)
def test_admin_reports_a_wrong_number_on_its_field_and_keeps_what_was_typed(admin_client, field, typed, code):
    path = url("company", "add")
    data = company_post(admin_client, path, brn="220-81-62517")
    data[field] = typed

    response = admin_client.post(path, data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert list(errors) == [field]
    assert [error.code for error in errors[field]] == [code]
    html = response.content.decode()
    assert f'value="{typed}"' in html
    with translation.override("en"):
        assert escape(str(errors[field][0].message)) in html
    assert not Company.objects.exists()


def test_admin_refuses_a_duplicate_brn_clearly(admin_client):
    factories.CompanyFactory(brn="2208162517", name_ko="주식회사 먼저")
    path = url("company", "add")

    response = admin_client.post(path, company_post(admin_client, path, brn="220-81-62517"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert [error.code for error in errors["brn"]] == ["unique"]
    assert "already registered" in response.content.decode()
    assert Company.objects.count() == 1


def test_admin_change_page_shows_and_keeps_the_brn(admin_client):
    company = factories.CompanyFactory(brn="2208162517", name_ko="주식회사 양재에이아이")
    path = url("company", "change", company.pk)

    page = admin_client.get(path)
    assert 'value="220-81-62517"' in page.content.decode()

    response = admin_client.post(path, company_post(admin_client, path, brn="220-81-62517", headcount="40"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    company.refresh_from_db()
    assert (company.brn, company.headcount) == ("2208162517", 40)


def test_mou_admin_saves_commitments_inline(admin_client):
    mou = factories.MouFactory()
    path = url("mou", "change", mou.pk)
    page = admin_client.get(path)
    data = {
        "zone": mou.zone_id,
        "company": mou.company_id,
        "title": mou.title,
        "signed_on": "2023-05-10",
        "status": "in_progress",
    }
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management.initial.get(name, "")
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-kind": "jobs",
            f"{prefix}-0-promised_value": "30",
            f"{prefix}-0-due_on": "2025-12-31",
            f"{prefix}-0-actual_value": "12",
            f"{prefix}-0-actual_on": "2025-06-30",
        }
    )

    response = admin_client.post(path, data)

    assert response.status_code == 302
    commitment = mou.commitments.get()
    assert (commitment.promised_value, commitment.actual_value, commitment.actual_on) == (
        30,
        12,
        dt.date(2025, 6, 30),
    )


def test_mou_list_shows_promised_against_delivered(admin_client):
    mou = factories.MouFactory(title="광주 AI 집적단지 협약")
    day = dt.date(2025, 6, 30)
    factories.MouCommitmentFactory(mou=mou, kind="jobs", promised_value=30, actual_value=12, actual_on=day)
    factories.MouCommitmentFactory(mou=mou, kind="investment", promised_value=5_000_000_000)

    response = admin_client.get(url("mou", "changelist"), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert "30 / 12" in html
    assert "KRW 5,000,000,000 / KRW 0" in html


def test_member_inline_lists_company_people_read_mostly(admin_client):
    member = factories.CompanyMemberFactory(user__username="lee-cto", role=CompanyMember.Role.MEMBER)

    response = admin_client.get(url("company", "change", member.company_id))

    assert "lee-cto" in response.content.decode()


def test_admin_refuses_a_second_active_tenancy_with_the_constraints_message(admin_client):
    tenancy = factories.TenancyFactory()
    data = {"company": tenancy.company_id, "zone": tenancy.zone_id, "status": "applicant"}

    response = admin_client.post(url("tenancy", "add"), data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "already has an active tenancy in this zone" in response.content.decode()


def test_ai_field_list_counts_active_companies_only(admin_client):
    field = factories.AIFieldFactory()
    active, archived = factories.CompanyFactory.create_batch(2)
    active.ai_fields.add(field)
    archived.ai_fields.add(field)
    Company.objects.filter(pk=archived.pk).update(archived_at=timezone.now())

    response = admin_client.get(url("aifield", "changelist"))

    assert [row.company_count for row in response.context["cl"].result_list] == [1]
