"""Training cohorts with trainees (fictional people: minimum fields, consent, retention) and their outcomes."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from core.demo.common import AS_OF, add_years, at, demo_random, ensure_many, person_name, upsert
from programs.models import Cohort, Enrolment, Trainee, TrainingProgram

CONSENT_PURPOSE = (
    "교육 운영, 수료 관리 및 취업 성과 추적 (수집 항목: 성명, 이메일, 출생연도 / 보유기간: 과정 종료 후 3년 / "
    "동의를 거부할 수 있음) · Training administration, completion and employment follow-up "
    "(name, e-mail, birth year; kept 3 years after the course; consent may be refused)"
)
RETENTION_YEARS = 3
JOB_TITLES = [
    "AI 엔지니어",
    "머신러닝 엔지니어",
    "데이터 엔지니어",
    "MLOps 엔지니어",
    "AI 서비스 기획자",
    "데이터 분석가",
]


@dataclass(frozen=True)
class CohortPlan:
    code: str  # stable part of the trainees' e-mail addresses (their natural key)
    name: str
    starts_on: dt.date
    ends_on: dt.date
    capacity: int
    employed: int = 0
    completed: int = 0
    dropped: int = 0
    enrolled: int = 0
    applied: int = 0


def build_cohort(
    program: TrainingProgram,
    plan: CohortPlan,
    *,
    employers: Sequence,
    salt: int,
    outside_employer: str = "",
) -> Cohort:
    """One cohort and its enrolments. The employed are hired, in turn, by `employers`.

    When `outside_employer` is given, the last employed trainee went to that employer, which is not a
    registered company (the enrolment keeps only its name).
    """
    cohort = upsert(
        Cohort,
        {"training_program": program, "name": plan.name},
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        capacity=plan.capacity,
    )
    statuses = (
        [Enrolment.Status.EMPLOYED] * plan.employed
        + [Enrolment.Status.COMPLETED] * plan.completed
        + [Enrolment.Status.DROPPED] * plan.dropped
        + [Enrolment.Status.ENROLLED] * plan.enrolled
        + [Enrolment.Status.APPLIED] * plan.applied
    )
    rng = demo_random(f"cohort:{program.code}:{plan.code}")
    trainees = []
    for n in range(len(statuses)):
        applied_on = plan.starts_on - dt.timedelta(days=21 + n % 10)
        trainees.append(
            Trainee(
                full_name=person_name(n, salt=salt),
                email=f"trainee.{program.code}.{plan.code}.{n + 1:03d}@example.com",
                birth_year=1994 + rng.randrange(11),
                consent_given_at=at(applied_on, 10 + n % 8, (n * 7) % 60),
                consent_purpose=CONSENT_PURPOSE,
                retention_until=add_years(plan.ends_on, RETENTION_YEARS),
            )
        )
    stored_trainees = ensure_many(Trainee, trainees, ("email",), email__in=[t.email for t in trainees])

    enrolments = []
    employed_seen = 0
    for n, (trainee, status) in enumerate(zip(stored_trainees.values(), statuses, strict=True)):
        row = Enrolment(cohort=cohort, trainee=trainee, status=status)
        if status != Enrolment.Status.APPLIED:
            row.enrolled_on = plan.starts_on
        if status in (Enrolment.Status.COMPLETED, Enrolment.Status.EMPLOYED):
            row.completed_on = plan.ends_on
        if status == Enrolment.Status.DROPPED:
            row.dropped_on = plan.starts_on + dt.timedelta(days=20 + rng.randrange(60))
        if status == Enrolment.Status.EMPLOYED:
            hired_on = plan.ends_on + dt.timedelta(days=14 + rng.randrange(90))
            row.employed_on = min(hired_on, AS_OF)
            row.job_title = JOB_TITLES[n % len(JOB_TITLES)]
            if outside_employer and employed_seen == plan.employed - 1:
                row.employer_name = outside_employer
            else:
                row.employed_by = employers[employed_seen % len(employers)]
            employed_seen += 1
        enrolments.append(row)
    ensure_many(Enrolment, enrolments, ("cohort_id", "trainee_id"), cohort=cohort)
    return cohort
