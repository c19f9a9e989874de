"""Screening and review services: assignment, conflicts of interest, submission, screening records."""

import pytest
from django.utils import translation

from core.exceptions import ApplicationError
from programs.models import Application, Review, ReviewScore, Screening
from programs.services.reviews import (
    application_screen,
    review_assign,
    review_declare_conflict,
    review_submit,
    reviews_assign_for_call,
)
from tests import factories as f
from tests.programs.builders import criteria_for
from zones.models import ZoneStaff

Status = Application.Status


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def call(zone_a):
    return f.CallFactory(program=f.ProgramFactory(zone=zone_a))


@pytest.fixture
def criteria(call):
    return criteria_for(call)


@pytest.fixture
def application(call):
    return f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW)


def make_reviewer(zone, **kwargs):
    return f.ZoneStaffFactory(zone=zone, role=ZoneStaff.Role.REVIEWER, **kwargs).user


@pytest.fixture
def reviewer(zone_a):
    return make_reviewer(zone_a)


@pytest.fixture
def review(application, reviewer, officer):
    return review_assign(application=application, reviewer=reviewer, acting_user=officer)


# --- assignment ------------------------------------------------------------------------


def test_office_assigns_a_zone_reviewer(application, reviewer, officer):
    review = review_assign(application=application, reviewer=reviewer, acting_user=officer)
    assert review.reviewer == reviewer and review.submitted_at is None
    assert review.history.first().history_user == officer


def test_officer_cannot_be_assigned_as_reviewer(application, officer):
    with pytest.raises(ApplicationError, match="not an active reviewer"):
        review_assign(application=application, reviewer=officer, acting_user=officer)


def test_reviewer_of_another_zone_is_refused(application, zone_b, officer):
    with pytest.raises(ApplicationError, match="not an active reviewer"):
        review_assign(application=application, reviewer=make_reviewer(zone_b), acting_user=officer)


def test_inactive_reviewer_is_refused(application, zone_a, officer):
    with pytest.raises(ApplicationError, match="not an active reviewer"):
        review_assign(application=application, reviewer=make_reviewer(zone_a, is_active=False), acting_user=officer)


def test_reviewer_is_not_assigned_twice(review, reviewer, officer):
    with pytest.raises(ApplicationError, match="already assigned"):
        review_assign(application=review.application, reviewer=reviewer, acting_user=officer)
    assert Review.objects.filter(application=review.application).count() == 1


def test_reviewer_acting_for_the_company_is_refused(application, reviewer, officer):
    f.CompanyMemberFactory(company=application.company, user=reviewer)
    with pytest.raises(ApplicationError, match="conflict of interest"):
        review_assign(application=application, reviewer=reviewer, acting_user=officer)


def test_only_the_zone_office_assigns(application, reviewer, zone_b):
    other_officer = f.ZoneStaffFactory(zone=zone_b).user
    with pytest.raises(ApplicationError, match="zone office"):
        review_assign(application=application, reviewer=reviewer, acting_user=other_officer)
    with pytest.raises(ApplicationError, match="zone office"):
        review_assign(application=application, reviewer=reviewer, acting_user=reviewer)


def test_assignment_needs_an_application_under_review(call, reviewer, officer):
    application = f.ApplicationFactory(call=call, status=Status.SCREENING)
    with pytest.raises(ApplicationError, match="under review"):
        review_assign(application=application, reviewer=reviewer, acting_user=officer)


def test_bulk_assignment_respects_conflicts(call, zone_a, officer):
    first, second = make_reviewer(zone_a), make_reviewer(zone_a)
    plain = f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW)
    members_company = f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW)
    f.CompanyMemberFactory(company=members_company.company, user=second)
    declared = f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW)
    f.ReviewFactory(application=declared, reviewer=first, conflict_of_interest=True, conflict_reason="자문")
    f.ApplicationFactory(call=call, status=Status.SCREENING)  # not under review: left alone
    f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW, archived_at=plain.created_at)  # archived

    result = reviews_assign_for_call(call=call, reviewers=[first, second], acting_user=officer)

    pairs = set(Review.objects.filter(application__call=call).values_list("application_id", "reviewer_id"))
    assert pairs == {
        (plain.pk, first.pk),
        (plain.pk, second.pk),
        (members_company.pk, first.pk),
        (declared.pk, first.pk),  # the declared conflict, kept as it was
        (declared.pk, second.pk),
    }
    assert len(result.created) == 4
    assert result.conflicts_skipped == 1 and result.already_assigned == 1
    assert Review.objects.get(application=declared, reviewer=first).conflict_of_interest

    again = reviews_assign_for_call(call=call, reviewers=[first, second], acting_user=officer)
    assert again.created == [] and again.already_assigned == 5 and again.conflicts_skipped == 1


def test_bulk_assignment_refuses_a_non_reviewer(call, officer):
    f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW)
    with pytest.raises(ApplicationError, match="not an active reviewer"):
        reviews_assign_for_call(call=call, reviewers=[officer], acting_user=officer)
    assert not Review.objects.exists()


# --- conflict of interest ------------------------------------------------------------------


def test_conflict_blocks_scoring(review, reviewer, criteria):
    review_declare_conflict(review=review, acting_user=reviewer, reason="신청기업 자문 이력")
    review.refresh_from_db()
    assert review.conflict_of_interest and review.conflict_reason == "신청기업 자문 이력"
    with pytest.raises(ApplicationError, match="conflict of interest"):
        review_submit(review=review, scores={c.pk: 50 for c in criteria}, acting_user=reviewer)
    assert not ReviewScore.objects.filter(review=review).exists()


def test_conflict_excludes_the_review_from_the_average(application, review, reviewer, criteria, zone_a, officer):
    other = review_assign(application=application, reviewer=make_reviewer(zone_a), acting_user=officer)
    review_submit(review=other, scores={criteria[0].pk: 50, criteria[1].pk: 50}, acting_user=other.reviewer)
    review_submit(review=review, scores={criteria[0].pk: 100, criteria[1].pk: 100}, acting_user=reviewer)
    scored = Application.objects.with_review_score().get(pk=application.pk)
    assert scored.average_score == pytest.approx(75.0) and scored.review_count == 2

    review_declare_conflict(review=review, acting_user=reviewer, reason="뒤늦게 알게 된 이해관계")
    scored = Application.objects.with_review_score().get(pk=application.pk)
    assert scored.average_score == pytest.approx(50.0) and scored.review_count == 1


def test_only_the_assigned_reviewer_declares_a_conflict(review, officer, reviewer):
    with pytest.raises(ApplicationError, match="assigned reviewer"):
        review_declare_conflict(review=review, acting_user=officer, reason="x")
    with pytest.raises(ApplicationError, match="Say what"):
        review_declare_conflict(review=review, acting_user=reviewer, reason="  ")
    review_declare_conflict(review=review, acting_user=reviewer, reason="x")
    with pytest.raises(ApplicationError, match="already declared"):
        review_declare_conflict(review=review, acting_user=reviewer, reason="x")


# --- submission ----------------------------------------------------------------------------


def test_reviewer_submits_every_criterion(review, reviewer, criteria):
    submitted = review_submit(
        review=review, scores={criteria[0].pk: 80, criteria[1].pk: 70}, comment="우수", acting_user=reviewer
    )
    assert submitted.submitted_at is not None and submitted.comment == "우수"
    assert dict(review.scores.values_list("criterion_id", "score")) == {criteria[0].pk: 80, criteria[1].pk: 70}
    assert Review.objects.with_score().get(pk=review.pk).weighted_score == pytest.approx(76.0)


def test_submit_refuses_a_missing_criterion(review, reviewer, criteria):
    with pytest.raises(ApplicationError, match="Score every criterion"):
        review_submit(review=review, scores={criteria[0].pk: 80}, acting_user=reviewer)
    assert not review.scores.exists()


@pytest.mark.parametrize("score", [-1, 101, 50.5, True])
def test_submit_refuses_a_score_out_of_range(review, reviewer, criteria, score):
    with pytest.raises(ApplicationError, match="whole number from 0 to 100"):
        review_submit(review=review, scores={criteria[0].pk: score, criteria[1].pk: 50}, acting_user=reviewer)
    review.refresh_from_db()
    assert review.submitted_at is None


def test_submit_refuses_another_calls_criterion(review, reviewer, criteria):
    foreign = f.RubricCriterionFactory()
    with pytest.raises(ApplicationError, match="not in this call"):
        review_submit(review=review, scores={criteria[0].pk: 1, criteria[1].pk: 1, foreign.pk: 1}, acting_user=reviewer)


def test_submit_refuses_anyone_but_the_assigned_reviewer(review, criteria, officer, zone_a):
    for user in (officer, make_reviewer(zone_a)):
        with pytest.raises(ApplicationError, match="assigned reviewer"):
            review_submit(review=review, scores={c.pk: 50 for c in criteria}, acting_user=user)


def test_submitted_review_is_locked(review, reviewer, criteria):
    review_submit(review=review, scores={c.pk: 50 for c in criteria}, acting_user=reviewer)
    with pytest.raises(ApplicationError, match="already submitted"):
        review_submit(review=review, scores={c.pk: 90 for c in criteria}, acting_user=reviewer)
    assert set(review.scores.values_list("score", flat=True)) == {50}


def test_submit_needs_a_rubric(review, reviewer):
    with pytest.raises(ApplicationError, match="no rubric"):
        review_submit(review=review, scores={}, acting_user=reviewer)


# --- screening -----------------------------------------------------------------------------


@pytest.fixture
def in_screening(call):
    return f.ApplicationFactory(call=call, status=Status.SCREENING)


def test_screening_records_eligibility_apart_from_the_status(in_screening, officer):
    screening = application_screen(application=in_screening, eligible=True, acting_user=officer)
    assert screening.eligible and screening.screened_by == officer and screening.screened_at is not None
    in_screening.refresh_from_db()
    assert in_screening.status == Status.SCREENING  # the decision services move it


def test_not_eligible_needs_a_reason(in_screening, officer):
    with pytest.raises(ApplicationError, match="reason"):
        application_screen(application=in_screening, eligible=False, reason=" ", acting_user=officer)
    screening = application_screen(
        application=in_screening, eligible=False, reason="사업자등록 2년 미만", acting_user=officer
    )
    assert not screening.eligible and screening.reason == "사업자등록 2년 미만"


def test_screening_again_keeps_one_record_and_its_history(in_screening, officer):
    application_screen(application=in_screening, eligible=False, reason="서류 미비", acting_user=officer)
    application_screen(application=in_screening, eligible=True, acting_user=officer)
    screening = Screening.objects.get(application=in_screening)
    assert screening.eligible and screening.reason == ""
    assert screening.history.count() == 2


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.UNDER_REVIEW, Status.REJECTED])
def test_screening_only_in_screening(call, officer, status):
    application = f.ApplicationFactory(call=call, status=status)
    with pytest.raises(ApplicationError, match="in screening"):
        application_screen(application=application, eligible=True, acting_user=officer)


def test_only_the_zone_office_screens(in_screening, reviewer):
    with pytest.raises(ApplicationError, match="zone office"):
        application_screen(application=in_screening, eligible=True, acting_user=reviewer)


def test_database_refuses_an_ineligible_screening_without_reason(in_screening, officer):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        Screening.objects.create(
            application=in_screening, eligible=False, reason="", screened_by=officer, screened_at=timezone.now()
        )
