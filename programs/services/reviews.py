"""Screening and review: the office screens applications and assigns reviewers; reviewers score the rubric.

Rules decided here:
- screening is recorded apart from the review, while the application is in screening; the status move
  (screening -> under review / rejected) belongs to the workflow's decision services, not to this one;
- a reviewer is an active zone staff member with the reviewer role in the call's zone, assigned once per
  application, never to an application of a company they act for (CompanyMember);
- a reviewer who declares a conflict of interest no longer scores the review, and the review no longer
  counts (see ReviewQuerySet.counted); declaring one after submitting still takes the review out of the count;
- a review is submitted once, with every criterion of the call's rubric scored within 0..maximum; then it
  is locked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import CompanyMember
from core.exceptions import ApplicationError
from programs.models import Application, Call, Review, ReviewScore, Screening
from zones.models import ZoneStaff

OFFICE_ROLES = (ZoneStaff.Role.ADMINISTRATOR, ZoneStaff.Role.OFFICER)


def _ensure_office(zone_id: int, user: AbstractBaseUser) -> None:
    if user.is_superuser:
        return
    if not ZoneStaff.objects.filter(user=user, zone_id=zone_id, is_active=True, role__in=OFFICE_ROLES).exists():
        raise ApplicationError(_("Only the zone office of this call can do this."))


def _is_zone_reviewer(user: AbstractBaseUser, zone_id: int) -> bool:
    return (
        user.is_active
        and ZoneStaff.objects.filter(user=user, zone_id=zone_id, is_active=True, role=ZoneStaff.Role.REVIEWER).exists()
    )


def _acts_for_company(user: AbstractBaseUser, company_id: int) -> bool:
    return CompanyMember.objects.filter(user=user, company_id=company_id).exists()


def _lock_review(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("application__call__program", "reviewer")
        .get(pk=review.pk)
    )


# --- screening -----------------------------------------------------------------------


@transaction.atomic
def application_screen(
    *, application: Application, eligible: bool, reason: str = "", acting_user: AbstractBaseUser
) -> Screening:
    """Record whether the application is eligible (with the reason when it is not). Screening again while
    the application is still in screening replaces the result; the history keeps the earlier one."""
    locked = Application.objects.select_for_update(of=("self",)).select_related("call__program").get(pk=application.pk)
    _ensure_office(locked.call.program.zone_id, acting_user)
    if locked.status != Application.Status.SCREENING:
        raise ApplicationError(_("Only an application in screening can be screened."))
    reason = (reason or "").strip()
    if not eligible and not reason:
        raise ApplicationError(_("Give the reason why the application is not eligible."), field="reason")
    screening = Screening.objects.filter(application=locked).first() or Screening(application=locked)
    screening.eligible = eligible
    screening.reason = reason
    screening.screened_by = acting_user
    screening.screened_at = timezone.now()
    screening._history_user = acting_user
    screening.full_clean()
    screening.save()
    return screening


# --- assignment ----------------------------------------------------------------------


@transaction.atomic
def review_assign(*, application: Application, reviewer: AbstractBaseUser, acting_user: AbstractBaseUser) -> Review:
    """Assign `reviewer` to score `application`."""
    locked = Application.objects.select_for_update(of=("self",)).select_related("call__program").get(pk=application.pk)
    zone_id = locked.call.program.zone_id
    _ensure_office(zone_id, acting_user)
    if locked.status != Application.Status.UNDER_REVIEW:
        raise ApplicationError(_("Reviewers are assigned to applications under review."))
    if not _is_zone_reviewer(reviewer, zone_id):
        raise ApplicationError(_("%(user)s is not an active reviewer of this zone.") % {"user": reviewer})
    if Review.objects.filter(application=locked, reviewer=reviewer).exists():
        raise ApplicationError(_("%(user)s is already assigned to this application.") % {"user": reviewer})
    if _acts_for_company(reviewer, locked.company_id):
        raise ApplicationError(
            _("%(user)s acts for the applicant company: a conflict of interest.") % {"user": reviewer}
        )
    review = Review(application=locked, reviewer=reviewer)
    review._history_user = acting_user
    review.full_clean()
    review.save()
    return review


@dataclass
class AssignmentResult:
    created: list[Review] = field(default_factory=list)
    already_assigned: int = 0  # includes the reviews whose reviewer declared a conflict of interest
    conflicts_skipped: int = 0  # the reviewer acts for the applicant company


@transaction.atomic
def reviews_assign_for_call(
    *, call: Call, reviewers: Iterable[AbstractBaseUser], acting_user: AbstractBaseUser
) -> AssignmentResult:
    """Assign each reviewer to every application of the call under review, skipping the pairs already
    assigned (a declared conflict of interest stays declared) and the companies a reviewer acts for."""
    call = Call.objects.select_related("program").get(pk=call.pk)
    zone_id = call.program.zone_id
    _ensure_office(zone_id, acting_user)
    reviewers = list(reviewers)
    for reviewer in reviewers:
        if not _is_zone_reviewer(reviewer, zone_id):
            raise ApplicationError(_("%(user)s is not an active reviewer of this zone.") % {"user": reviewer})
    applications = list(
        Application.objects.active()
        .select_for_update(of=("self",))
        .filter(call=call, status=Application.Status.UNDER_REVIEW)
        .order_by("pk")
    )
    reviewer_ids = [reviewer.pk for reviewer in reviewers]
    application_ids = [application.pk for application in applications]
    assigned = set(
        Review.objects.filter(application_id__in=application_ids, reviewer_id__in=reviewer_ids).values_list(
            "application_id", "reviewer_id"
        )
    )
    members = set(
        CompanyMember.objects.filter(
            user_id__in=reviewer_ids, company_id__in={application.company_id for application in applications}
        ).values_list("company_id", "user_id")
    )
    result = AssignmentResult()
    for application in applications:
        for reviewer in reviewers:
            if (application.pk, reviewer.pk) in assigned:
                result.already_assigned += 1
                continue
            if (application.company_id, reviewer.pk) in members:
                result.conflicts_skipped += 1
                continue
            review = Review(application=application, reviewer=reviewer)
            review._history_user = acting_user
            review.full_clean()
            review.save()
            result.created.append(review)
    return result


# --- the reviewer's side ---------------------------------------------------------------


@transaction.atomic
def review_declare_conflict(*, review: Review, acting_user: AbstractBaseUser, reason: str) -> Review:
    """The assigned reviewer declares a conflict of interest: the review stops counting and cannot be scored."""
    locked = _lock_review(review)
    if locked.reviewer_id != acting_user.pk:
        raise ApplicationError(_("Only the assigned reviewer can declare a conflict of interest."))
    if locked.conflict_of_interest:
        raise ApplicationError(_("A conflict of interest is already declared for this review."))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say what the conflict of interest is."), field="reason")
    locked.conflict_of_interest = True
    locked.conflict_reason = reason
    locked._history_user = acting_user
    locked._change_reason = "conflict of interest"
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def review_submit(
    *, review: Review, scores: Mapping[int, int], comment: str = "", acting_user: AbstractBaseUser
) -> Review:
    """Score every criterion of the call's rubric and submit; the review is locked from then on."""
    locked = _lock_review(review)
    if locked.reviewer_id != acting_user.pk:
        raise ApplicationError(_("Only the assigned reviewer can score this review."))
    if locked.conflict_of_interest:
        raise ApplicationError(_("A conflict of interest is declared: this review cannot be scored."))
    if locked.submitted_at is not None:
        raise ApplicationError(_("This review is already submitted."))
    if locked.application.status != Application.Status.UNDER_REVIEW:
        raise ApplicationError(_("Only an application under review can be scored."))
    criteria = {criterion.pk: criterion for criterion in locked.application.call.criteria.all()}
    if not criteria:
        raise ApplicationError(_("The call has no rubric to score yet."))
    scores = {int(key): value for key, value in scores.items()}
    unknown = set(scores) - set(criteria)
    if unknown:
        raise ApplicationError(_("A score is given for a criterion that is not in this call's rubric."))
    missing = [criteria[pk] for pk in criteria if scores.get(pk) is None]
    if missing:
        raise ApplicationError(
            _("Score every criterion; missing: %(names)s.") % {"names": ", ".join(c.name_ko for c in missing)}
        )
    for pk, score in scores.items():
        criterion = criteria[pk]
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= criterion.max_score:
            raise ApplicationError(
                _("The score of %(name)s must be a whole number from 0 to %(max)d.")
                % {"name": criterion.name_ko, "max": criterion.max_score}
            )
    existing = {score.criterion_id: score for score in locked.scores.all()}
    for pk, value in scores.items():
        row = existing.get(pk) or ReviewScore(review=locked, criterion=criteria[pk])
        row.score = value
        row._history_user = acting_user
        row.full_clean()
        row.save()
    locked.comment = comment or ""
    locked.submitted_at = timezone.now()
    locked._history_user = acting_user
    locked._change_reason = "submitted"
    locked.full_clean()
    locked.save()
    return locked
