import datetime as dt

import pytest

from companies.models import Mou, MouCommitment
from companies.selectors import mou_list, tenancy_list
from core.validators import registration_number_digits
from tests import factories

JOBS = MouCommitment.Kind.JOBS
INVESTMENT = MouCommitment.Kind.INVESTMENT
OFFICE = MouCommitment.Kind.OFFICE_OPENING
DAY = dt.date(2025, 6, 30)


@pytest.mark.parametrize(
    ("term", "digits"),
    [
        ("220-81-62517", "2208162517"),
        ("2208162517", "2208162517"),
        (" 220-81 ", "22081"),
        ("110111-0012346", "1101110012346"),
        ("22", None),
        ("AI 220", None),
        ("에이아이", None),
        ("", None),
    ],
)
def test_registration_number_digits(term, digits):
    assert registration_number_digits(term) == digits


@pytest.mark.django_db
def test_mou_figures_sum_promised_and_delivered_per_kind():
    mou = factories.MouFactory()
    factories.MouCommitmentFactory(mou=mou, kind=JOBS, promised_value=10, actual_value=4, actual_on=DAY)
    factories.MouCommitmentFactory(mou=mou, kind=JOBS, promised_value=5)
    factories.MouCommitmentFactory(
        mou=mou, kind=INVESTMENT, promised_value=5_000_000_000, actual_value=1_200_000_000, actual_on=DAY
    )
    factories.MouCommitmentFactory(mou=mou, kind=OFFICE, promised_value=1, actual_value=1, actual_on=DAY)
    factories.MouCommitmentFactory(
        mou=mou, kind=MouCommitment.Kind.OTHER, promised_value=99, actual_value=99, actual_on=DAY
    )
    bare = factories.MouFactory()

    rows = {row.pk: row for row in Mou.objects.for_admin_list()}

    figures = rows[mou.pk]
    assert (figures.jobs_promised, figures.jobs_actual) == (15, 4)
    assert (figures.investment_promised_krw, figures.investment_actual_krw) == (5_000_000_000, 1_200_000_000)
    assert (figures.offices_promised, figures.offices_opened) == (1, 1)
    empty = rows[bare.pk]
    assert (empty.jobs_promised, empty.jobs_actual, empty.investment_promised_krw, empty.offices_promised) == (
        0,
        0,
        0,
        0,
    )


@pytest.mark.django_db
def test_office_promised_but_not_opened_counts_as_not_opened():
    mou = factories.MouFactory()
    factories.MouCommitmentFactory(mou=mou, kind=OFFICE, promised_value=1)

    figures = Mou.objects.for_admin_list().get(pk=mou.pk)

    assert (figures.offices_promised, figures.offices_opened) == (1, 0)


@pytest.mark.django_db
def test_tenancy_and_mou_lists_keep_to_the_officers_zones(make_officer):
    company = factories.CompanyFactory()
    zone_a, zone_b = factories.ZoneFactory(), factories.ZoneFactory()
    tenancy_a = factories.TenancyFactory(company=company, zone=zone_a)
    factories.TenancyFactory(company=company, zone=zone_b)
    mou_a = factories.MouFactory(company=company, zone=zone_a)
    factories.MouFactory(company=company, zone=zone_b)
    officer = make_officer(zone_a, "view_company")

    assert list(tenancy_list(user=officer, company=company)) == [tenancy_a]
    assert list(mou_list(user=officer, company=company)) == [mou_a]
