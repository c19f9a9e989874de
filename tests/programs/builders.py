"""Rows of every programs model with their related rows present, as a zone office would have them."""

import datetime as dt

from django.utils import timezone

from programs.models import Application, Enrolment
from tests import factories as f

EMPLOYED_ON = dt.date(2025, 9, 1)


def criteria_for(call, weights=(60, 40)):
    return [f.RubricCriterionFactory(call=call, order=i, weight=weight) for i, weight in enumerate(weights)]


def scored_review(application, criteria, scores, *, submitted=True, **kwargs):
    review = f.ReviewFactory(application=application, submitted_at=timezone.now() if submitted else None, **kwargs)
    for criterion, score in zip(criteria, scores, strict=True):
        f.ReviewScoreFactory(review=review, criterion=criterion, score=score)
    return review


def build_application(zone=None, **kwargs):
    call = f.CallFactory(program=f.ProgramFactory(zone=zone or f.ZoneFactory()))
    criteria = criteria_for(call)
    application = f.ApplicationFactory(call=call, **kwargs)
    scored_review(application, criteria, (80, 70))
    scored_review(application, criteria, (90, 60))
    return application


def build_program(zone=None):
    return build_application(zone).call.program


def build_call(zone=None):
    application = build_application(zone)
    f.ApplicationFactory(call=application.call, status=Application.Status.APPROVED)
    return application.call


def build_criterion(zone=None):
    return build_application(zone).call.criteria.first()


def build_review(zone=None):
    return build_application(zone).reviews.first()


def build_review_score(zone=None):
    return build_review(zone).scores.first()


def build_fund(zone=None):
    fund = f.FundFactory(zone=zone or f.ZoneFactory())
    f.FundCommitmentFactory(fund=fund)
    company = f.CompanyFactory()
    f.InvestmentFactory(fund=fund, company=company)
    f.InvestmentFactory(fund=fund, company=company, amount_krw=500_000_000)
    return fund


def build_fund_commitment(zone=None):
    return build_fund(zone).commitments.first()


def build_investment(zone=None):
    return build_fund(zone).investments.first()


def build_compute_allocation(zone=None):
    application = f.ApplicationFactory(call=f.CallFactory(program=f.ProgramFactory(zone=zone or f.ZoneFactory())))
    return f.ComputeAllocationFactory(
        zone=application.call.program.zone, company=application.company, application=application
    )


def build_cohort(zone=None):
    cohort = f.CohortFactory(training_program=f.TrainingProgramFactory(zone=zone or f.ZoneFactory()))
    f.EnrolmentFactory(cohort=cohort)
    f.EnrolmentFactory(
        cohort=cohort,
        status=Enrolment.Status.EMPLOYED,
        completed_on=dt.date(2025, 8, 29),
        employed_by=f.CompanyFactory(),
        employed_on=EMPLOYED_ON,
    )
    return cohort


def build_training_program(zone=None):
    return build_cohort(zone).training_program


def build_enrolment(zone=None):
    return build_cohort(zone).enrolments.get(status=Enrolment.Status.EMPLOYED)


def build_trainee(zone=None):
    return build_enrolment(zone).trainee


def build_form_question(zone=None):
    call = f.CallFactory(program=f.ProgramFactory(zone=zone or f.ZoneFactory()))
    section = f.FormSectionFactory(call=call)
    condition = f.FormQuestionFactory(section=section, kind="yes_no")
    return f.FormQuestionFactory(section=section, show_if_question=condition, show_if_values=["yes"])


def build_form_section(zone=None):
    return build_form_question(zone).section
