"""Training programs, cohorts, trainees (one per enrolment) and enrolments through to employment."""

import datetime as dt
import math

from companies.models import Company
from core.scale.common import (
    AS_OF_DAY,
    COHORTS_PER_TRAINING_PROGRAM,
    CohortRef,
    Context,
    add_years,
    day,
    day_number,
    full_name,
    moment,
    office_hours,
    picker,
)
from programs.models import Cohort, Enrolment, Trainee, TrainingProgram

TRACKS = [
    (TrainingProgram.Track.AI_ACADEMY, "AI 아카데미", "AI academy"),
    (TrainingProgram.Track.YOUTH_ACADEMY, "청년 AI 아카데미", "Youth AI academy"),
    (TrainingProgram.Track.CAMPUS_TOWN, "캠퍼스타운 AI 과정", "Campus town AI course"),
]
COHORT_DAYS = 180
JOB_TITLES = ["AI 엔지니어", "데이터 분석가", "MLOps 엔지니어", "데이터 엔지니어", "AI 서비스 기획자"]

TRAINING_PROGRAM_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "zone_id",
    "code",
    "name_ko",
    "name_en",
    "track",
    "annual_capacity",
    "operator",
    "description",
)


def training_program_rows(ctx: Context):
    programs = ctx.sizes.zones * len(TRACKS)
    capacity = math.ceil(ctx.sizes.enrolments / programs / COHORTS_PER_TRAINING_PROGRAM)
    index = 0
    for zone in ctx.zones:
        created = moment(day_number(zone.designated_on) + 30)
        for track, name_ko, name_en in TRACKS:
            yield (
                ctx.id_of(TrainingProgram, index),
                created,
                created,
                zone.id,
                f"scale-{track}",
                name_ko,
                name_en,
                track,
                capacity,
                "규모시험 교육운영기관",
                "",
            )
            index += 1


COHORT_COLUMNS = ("id", "created_at", "updated_at", "training_program_id", "name", "starts_on", "ends_on", "capacity")


def cohort_rows(ctx: Context):
    """One cohort a year per program from 2019 (the last ones still running on the "as of" date)."""
    cohorts = ctx.sizes.zones * len(TRACKS) * COHORTS_PER_TRAINING_PROGRAM
    capacity = math.ceil(ctx.sizes.enrolments / cohorts)
    index = 0
    for p, zone in enumerate(z for z in ctx.zones for _ in TRACKS):
        for n in range(COHORTS_PER_TRAINING_PROGRAM):
            year = 2019 + n
            starts_on = dt.date(year, 3 + p % 3, 1)
            ends_on = starts_on + dt.timedelta(days=COHORT_DAYS)
            cohort_id = ctx.id_of(Cohort, index)
            ctx.cohorts.append(CohortRef(id=cohort_id, zone_index=zone.index, starts_on=starts_on, ends_on=ends_on))
            created = moment(day_number(starts_on) - 60)
            yield (
                cohort_id,
                created,
                created,
                ctx.id_of(TrainingProgram, p),
                f"{year}년 {n + 1}기",
                starts_on,
                ends_on,
                capacity,
            )
            index += 1


TRAINEE_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "full_name",
    "email",
    "phone",
    "birth_year",
    "consent_given_at",
    "consent_purpose",
    "retention_until",
)


def _consent_day(cohort: CohortRef, j: int) -> int:
    """Trainees of a cohort consent over the six weeks before it starts."""
    return day_number(cohort.starts_on) - 1 - j * 7_919 % 42


def trainee_rows(ctx: Context):
    """The j-th trainee is the person of the j-th enrolment (cohorts dealt in turn)."""
    rng = ctx.random("trainee")
    r = rng.random
    cohorts = ctx.cohorts
    for j in range(ctx.sizes.enrolments):
        cohort = cohorts[j % len(cohorts)]
        consent = moment(_consent_day(cohort, j), office_hours(rng))
        yield (
            ctx.id_of(Trainee, j),
            consent,
            consent,
            full_name(j, salt=11),
            f"trainee{j + 1:07d}@scale.invalid",
            "",
            1975 + int(r() * 30),
            consent,
            "교육 운영 및 취업 연계",
            add_years(cohort.ends_on, 5),
        )


E = Enrolment.Status
FINISHED_COHORT_STATUS = picker([(E.APPLIED, 3), (E.COMPLETED, 45), (E.EMPLOYED, 35), (E.DROPPED, 17)])
RUNNING_COHORT_STATUS = picker([(E.APPLIED, 5), (E.ENROLLED, 85), (E.DROPPED, 10)])
ENROLMENT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "cohort_id",
    "trainee_id",
    "status",
    "enrolled_on",
    "completed_on",
    "dropped_on",
    "employed_by_id",
    "employer_name",
    "employed_on",
    "job_title",
    "zone_id",
)


def enrolment_rows(ctx: Context):
    """Statuses follow the cohort: finished cohorts completed, employed or dropped; running ones enrolled."""
    rng = ctx.random("enrolment")
    r = rng.random
    cohorts, companies = ctx.cohorts, ctx.sizes.companies
    for j in range(ctx.sizes.enrolments):
        cohort = cohorts[j % len(cohorts)]
        starts, ends = day_number(cohort.starts_on), day_number(cohort.ends_on)
        if starts > AS_OF_DAY:
            status = E.APPLIED
        elif ends <= AS_OF_DAY:
            status = FINISHED_COHORT_STATUS(r())
        else:
            status = RUNNING_COHORT_STATUS(r())
        enrolled_on = cohort.starts_on if status != E.APPLIED else None
        completed_on = cohort.ends_on if status in (E.COMPLETED, E.EMPLOYED) else None
        dropped = starts + int(r() * (min(ends, AS_OF_DAY) - starts)) if status == E.DROPPED else None
        employed = min(ends + 14 + int(r() * 226), AS_OF_DAY) if status == E.EMPLOYED else None
        by_company = employed is not None and r() < 0.7
        consent = moment(_consent_day(cohort, j), office_hours(rng))
        last = employed or dropped or (ends if completed_on else None) or (starts if enrolled_on else None)
        yield (
            ctx.id_of(Enrolment, j),
            consent,
            moment(last, 54_000) if last is not None else consent,
            cohort.id,
            ctx.id_of(Trainee, j),
            status,
            enrolled_on,
            completed_on,
            day(dropped) if dropped is not None else None,
            ctx.id_of(Company, int(r() * companies)) if by_company else None,
            "규모시험 외부 기업" if employed is not None and not by_company else "",
            day(employed) if employed is not None else None,
            JOB_TITLES[j % len(JOB_TITLES)] if employed is not None else "",
            ctx.zones[cohort.zone_index].id,
        )


def write_training(ctx: Context) -> None:
    ctx.write(TrainingProgram, TRAINING_PROGRAM_COLUMNS, training_program_rows(ctx))
    ctx.write(Cohort, COHORT_COLUMNS, cohort_rows(ctx))
    ctx.write(Trainee, TRAINEE_COLUMNS, trainee_rows(ctx))
    ctx.write(Enrolment, ENROLMENT_COLUMNS, enrolment_rows(ctx))
