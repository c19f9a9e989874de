"""The figures the admin lists show are computed right in the database."""

import datetime as dt

import pytest
from django.utils import timezone

from programs.models import Application, Call, Cohort, Enrolment, Fund, Review, TrainingProgram
from tests import factories as f
from tests.programs.builders import EMPLOYED_ON, criteria_for, scored_review

pytestmark = pytest.mark.django_db
EOK = 10**8


def test_competition_ratio_of_six_applications_for_two_awards_is_three():
    call = f.CallFactory()
    f.ApplicationFactory.create_batch(4, call=call)
    f.ApplicationFactory.create_batch(2, call=call, status=Application.Status.APPROVED)

    listed = Call.objects.for_admin_list().get(pk=call.pk)

    assert (listed.application_count, listed.award_count) == (6, 2)
    assert listed.competition_ratio == 3.0


def test_competition_counts_applications_received_and_every_awarded_status():
    call = f.CallFactory()
    for status in Application.AWARDED_STATUSES:
        f.ApplicationFactory(call=call, status=status)
    f.ApplicationFactory(call=call, status=Application.Status.REJECTED)
    f.ApplicationFactory(call=call, status=Application.Status.WITHDRAWN)  # withdrawn after submission: received
    f.ApplicationFactory(call=call, status=Application.Status.DRAFT, submitted_at=None)  # never received
    f.ApplicationFactory(call=call, archived_at=timezone.now())  # archived: left out

    listed = Call.objects.with_competition().get(pk=call.pk)

    assert (listed.application_count, listed.award_count) == (6, 4)
    assert listed.competition_ratio == 1.5


def test_competition_ratio_is_empty_before_any_award():
    call = f.CallFactory()
    f.ApplicationFactory(call=call)

    listed = Call.objects.with_competition().get(pk=call.pk)

    assert (listed.application_count, listed.award_count, listed.competition_ratio) == (1, 0, None)


def test_call_window_states():
    now = timezone.now()
    day = dt.timedelta(days=1)
    open_call = f.CallFactory(opens_at=now - day, closes_at=now + day)
    upcoming = f.CallFactory(opens_at=now + day, closes_at=now + 2 * day)
    closed = f.CallFactory(opens_at=now - 2 * day, closes_at=now - day)
    unpublished = f.CallFactory(is_published=False)

    assert list(Call.objects.open()) == [open_call]
    assert list(Call.objects.upcoming()) == [upcoming]
    assert list(Call.objects.closed()) == [closed]
    assert list(Call.objects.unpublished()) == [unpublished]


def test_average_review_score_is_weighted_and_counts_only_submitted_reviews_without_conflict():
    application = f.ApplicationFactory()
    criteria = criteria_for(application.call, weights=(60, 40))
    scored_review(application, criteria, (80, 70))  # 48 + 28 = 76
    scored_review(application, criteria, (90, 60))  # 54 + 24 = 78
    scored_review(application, criteria, (0, 0), submitted=False)
    scored_review(application, criteria, (0, 0), conflict_of_interest=True)

    listed = Application.objects.for_admin_list().get(pk=application.pk)

    assert listed.average_score == pytest.approx(77.0)
    assert listed.review_count == 2


def test_scores_are_scaled_to_each_criterion_maximum():
    application = f.ApplicationFactory()
    technical = f.RubricCriterionFactory(call=application.call, weight=50, max_score=10, pass_score=None)
    business = f.RubricCriterionFactory(call=application.call, weight=50, max_score=100, pass_score=None)
    review = scored_review(application, (technical, business), (8, 60))  # 80 and 60 of 100

    assert Review.objects.with_score().get(pk=review.pk).weighted_score == pytest.approx(70.0)
    assert Application.objects.with_review_score().get(pk=application.pk).average_score == pytest.approx(70.0)


def test_application_without_reviews_has_no_score():
    application = f.ApplicationFactory()

    listed = Application.objects.for_admin_list().get(pk=application.pk)

    assert (listed.average_score, listed.review_count) == (None, 0)


def test_fund_totals_remaining_is_size_minus_invested():
    fund = f.FundFactory(size_krw=5_000 * EOK)
    f.FundCommitmentFactory(fund=fund, amount_krw=1_000 * EOK)
    f.FundCommitmentFactory(fund=fund, amount_krw=500 * EOK)
    company = f.CompanyFactory()
    f.InvestmentFactory(fund=fund, company=company, amount_krw=10 * EOK)
    f.InvestmentFactory(fund=fund, company=company, amount_krw=5 * EOK)
    f.InvestmentFactory(fund=fund, amount_krw=3 * EOK)
    f.InvestmentFactory(fund=fund, amount_krw=100 * EOK, archived_at=timezone.now())
    f.InvestmentFactory(amount_krw=7 * EOK)  # another fund's

    listed = Fund.objects.with_totals().get(pk=fund.pk)

    assert listed.committed_krw == 1_500 * EOK
    assert listed.invested_krw == 18 * EOK
    assert listed.remaining_krw == fund.size_krw - listed.invested_krw == 4_982 * EOK
    assert listed.investee_count == 2


def test_fund_without_money_moved_has_zero_totals():
    fund = f.FundFactory(size_krw=100 * EOK)

    listed = Fund.objects.with_totals().get(pk=fund.pk)

    assert (listed.committed_krw, listed.invested_krw, listed.remaining_krw, listed.investee_count) == (
        0,
        0,
        100 * EOK,
        0,
    )


def test_cohort_counts_enrolled_completed_and_employed():
    cohort = f.CohortFactory(capacity=40)
    Status = Enrolment.Status
    f.EnrolmentFactory(cohort=cohort, status=Status.APPLIED, enrolled_on=None)
    f.EnrolmentFactory.create_batch(2, cohort=cohort, status=Status.ENROLLED)
    f.EnrolmentFactory(cohort=cohort, status=Status.COMPLETED, completed_on=dt.date(2025, 8, 29))
    f.EnrolmentFactory(cohort=cohort, status=Status.DROPPED, dropped_on=dt.date(2025, 4, 1))
    employed = {"status": Status.EMPLOYED, "employer_name": "주식회사 채용", "employed_on": EMPLOYED_ON}
    f.EnrolmentFactory.create_batch(2, cohort=cohort, **employed)
    f.EnrolmentFactory(cohort=cohort, archived_at=timezone.now(), **employed)

    listed = Cohort.objects.for_admin_list().get(pk=cohort.pk)

    assert (listed.enrolled_count, listed.completed_count, listed.employed_count) == (5, 3, 2)


def test_training_program_counts_its_active_cohorts_and_enrolled_trainees():
    program = f.TrainingProgramFactory()
    first, second = f.CohortFactory.create_batch(2, training_program=program)
    f.CohortFactory(training_program=program, archived_at=timezone.now())
    f.EnrolmentFactory.create_batch(3, cohort=first)
    f.EnrolmentFactory(cohort=second)
    f.EnrolmentFactory(cohort=second, status=Enrolment.Status.DROPPED)

    listed = TrainingProgram.objects.for_admin_list().get(pk=program.pk)

    assert (listed.cohort_count, listed.enrolled_count) == (2, 4)
