"""The database refuses what the programs models forbid, whatever code writes the rows."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from programs.models import Application, Enrolment
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_call_closing_before_it_opens_is_refused():
    now = timezone.now()
    with pytest.raises(IntegrityError, match="call_closes_after_opening"), transaction.atomic():
        f.CallFactory(opens_at=now, closes_at=now - dt.timedelta(days=1))


def test_call_closing_the_moment_it_opens_is_refused():
    now = timezone.now()
    with pytest.raises(IntegrityError, match="call_closes_after_opening"), transaction.atomic():
        f.CallFactory(opens_at=now, closes_at=now)


def test_negative_program_budget_is_refused():
    with pytest.raises(IntegrityError, match="program_budget_nonnegative"), transaction.atomic():
        f.ProgramFactory(budget_krw=-1)


def test_negative_call_budget_is_refused():
    with pytest.raises(IntegrityError, match="call_budget_nonnegative"), transaction.atomic():
        f.CallFactory(budget_krw=-1)


def test_second_live_application_of_a_company_to_the_same_call_is_refused():
    first = f.ApplicationFactory()
    with pytest.raises(IntegrityError, match="application_one_per_company_per_call"), transaction.atomic():
        f.ApplicationFactory(call=first.call, company=first.company, status=Application.Status.DRAFT)


def test_company_may_apply_again_after_withdrawing():
    first = f.ApplicationFactory(status=Application.Status.WITHDRAWN)
    again = f.ApplicationFactory(call=first.call, company=first.company)
    assert again.pk


def test_employed_enrolment_without_employer_is_refused():
    with pytest.raises(IntegrityError, match="enrolment_employed_has_employer"), transaction.atomic():
        f.EnrolmentFactory(status=Enrolment.Status.EMPLOYED, employed_on=dt.date(2025, 9, 1))


def test_employed_enrolment_without_hiring_date_is_refused():
    with pytest.raises(IntegrityError, match="enrolment_employed_has_employer"), transaction.atomic():
        f.EnrolmentFactory(status=Enrolment.Status.EMPLOYED, employer_name="주식회사 비등록")


def test_employed_enrolment_with_unregistered_employer_is_accepted():
    enrolment = f.EnrolmentFactory(
        status=Enrolment.Status.EMPLOYED, employer_name="주식회사 비등록", employed_on=dt.date(2025, 9, 1)
    )
    assert enrolment.pk


def test_investment_of_zero_is_refused():
    with pytest.raises(IntegrityError, match="investment_amount_positive"), transaction.atomic():
        f.InvestmentFactory(amount_krw=0)


def test_second_review_by_the_same_reviewer_is_refused():
    review = f.ReviewFactory()
    with pytest.raises(IntegrityError, match="review_one_per_reviewer"), transaction.atomic():
        f.ReviewFactory(application=review.application, reviewer=review.reviewer)
