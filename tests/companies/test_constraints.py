import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from companies.models import MouCommitment, Tenancy
from tests import factories

pytestmark = pytest.mark.django_db


def test_second_active_tenancy_for_the_same_company_and_zone_is_refused():
    tenancy = factories.TenancyFactory(status=Tenancy.Status.RESIDENT)

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.TenancyFactory(company=tenancy.company, zone=tenancy.zone, status=Tenancy.Status.MEMBERSHIP)


def test_exited_tenancy_and_a_new_resident_one_may_coexist():
    old = factories.TenancyFactory(status=Tenancy.Status.EXITED, ended_on=dt.date(2024, 12, 31))

    new = factories.TenancyFactory(company=old.company, zone=old.zone, status=Tenancy.Status.RESIDENT)

    assert Tenancy.objects.filter(company=old.company, zone=old.zone).count() == 2
    assert new.pk


def test_archived_active_tenancy_does_not_block_a_new_one():
    old = factories.TenancyFactory(status=Tenancy.Status.RESIDENT, archived_at=timezone.now())

    factories.TenancyFactory(company=old.company, zone=old.zone, status=Tenancy.Status.RESIDENT)


def test_same_company_may_be_resident_in_two_zones():
    tenancy = factories.TenancyFactory(status=Tenancy.Status.RESIDENT)

    factories.TenancyFactory(company=tenancy.company, status=Tenancy.Status.RESIDENT)


def test_mou_without_company_and_counterparty_name_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.MouFactory(company=None, counterparty_name="")


def test_mou_with_only_a_counterparty_name_is_allowed():
    mou = factories.MouFactory(company=None, counterparty_name="광주과학기술원")

    assert mou.party_name == "광주과학기술원"


def test_mou_ending_before_it_was_signed_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.MouFactory(signed_on=dt.date(2025, 5, 1), ends_on=dt.date(2025, 4, 30))


def test_commitment_with_actual_value_but_no_date_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.MouCommitmentFactory(actual_value=4, actual_on=None)


def test_commitment_with_negative_promised_value_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.MouCommitmentFactory(promised_value=-1)


def test_commitment_with_negative_actual_value_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.MouCommitmentFactory(actual_value=-1, actual_on=dt.date(2025, 1, 1))


def test_company_brn_must_be_ten_digits_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.CompanyFactory(brn="220-81-625")


def test_commitment_with_actual_value_and_date_is_allowed():
    commitment = factories.MouCommitmentFactory(
        kind=MouCommitment.Kind.JOBS, promised_value=10, actual_value=12, actual_on=dt.date(2025, 6, 30)
    )

    assert commitment.is_delivered
