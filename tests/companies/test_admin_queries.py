"""Each companies changelist runs the same number of queries with 1 row as with 30."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from companies.models import MouCommitment
from tests import factories

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 6, 30)


def add_aifields(n: int) -> None:
    for _ in range(n):
        field = factories.AIFieldFactory()
        for company in factories.CompanyFactory.create_batch(2):
            company.ai_fields.add(field)


def add_companies(n: int) -> None:
    fields = factories.AIFieldFactory.create_batch(3)
    for company in factories.CompanyFactory.create_batch(n):
        company.ai_fields.add(*fields)
        factories.CompanyMemberFactory(company=company)


def add_companymembers(n: int) -> None:
    factories.CompanyMemberFactory.create_batch(n, invited_by=factories.UserFactory())


def add_tenancies(n: int) -> None:
    zones = factories.ZoneFactory.create_batch(2)
    for i in range(n):
        factories.TenancyFactory(zone=zones[i % 2], space=f"{i}호")


def add_mous(n: int) -> None:
    for i in range(n):
        mou = (
            factories.MouFactory(company=None, counterparty_name=f"기관 {i}") if i % 3 == 0 else factories.MouFactory()
        )
        factories.MouCommitmentFactory(
            mou=mou, kind=MouCommitment.Kind.JOBS, promised_value=10, actual_value=3, actual_on=DAY
        )
        factories.MouCommitmentFactory(mou=mou, kind=MouCommitment.Kind.INVESTMENT, promised_value=10**9)
        factories.MouCommitmentFactory(mou=mou, kind=MouCommitment.Kind.OFFICE_OPENING, promised_value=1)


def add_moucommitments(n: int) -> None:
    kinds = list(MouCommitment.Kind)
    for i in range(n):
        factories.MouCommitmentFactory(kind=kinds[i % len(kinds)], promised_value=i + 1)


ADDERS = {
    "aifield": add_aifields,
    "company": add_companies,
    "companymember": add_companymembers,
    "tenancy": add_tenancies,
    "mou": add_mous,
    "moucommitment": add_moucommitments,
}


def count_queries(client, path: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows
    return len(queries)


@pytest.mark.parametrize("model", ADDERS)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, model):
    path = reverse(f"admin:companies_{model}_changelist")
    ADDERS[model](1)
    admin_client.get(path)  # warm the per-process caches (content types, ...)

    with_one = count_queries(admin_client, path, 1)
    ADDERS[model](29)
    with_thirty = count_queries(admin_client, path, 30)

    assert with_thirty == with_one


def test_zone_officer_mou_changelist_query_count_does_not_grow_with_rows(client, make_officer):
    zone = factories.ZoneFactory()
    officer = make_officer(zone, "view_mou", "change_mou")
    client.force_login(officer)
    path = reverse("admin:companies_mou_changelist")

    def add(n):
        for mou in factories.MouFactory.create_batch(n, zone=zone):
            factories.MouCommitmentFactory(mou=mou, kind=MouCommitment.Kind.JOBS)

    add(1)
    client.get(path)
    with_one = count_queries(client, path, 1)
    add(29)

    assert count_queries(client, path, 30) == with_one
