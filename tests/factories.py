"""Factories for every domain model. Valid by default: checksum-correct numbers, ordered dates, amounts >= 0."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from companies import models as c
from core.validators import brn_check_digit
from programs import models as p
from zones import models as z

SEOUL = dt.timezone(dt.timedelta(hours=9))


def valid_brn(n: int) -> str:
    """The n-th checksum-correct business registration number."""
    first_nine = f"{100_000_000 + n * 7_919 % 800_000_000:09d}"
    return first_nine + str(brn_check_digit(first_nine))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.kr")
    password = factory.django.Password("pass-word-123")


class StaffUserFactory(UserFactory):
    is_staff = True


class SuperUserFactory(UserFactory):
    is_staff = True
    is_superuser = True


# --- zones -------------------------------------------------------------------


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = z.Zone

    slug = factory.Sequence(lambda n: f"zone-{n}")
    name_ko = factory.Sequence(lambda n: f"AI 특구 {n}")
    name_en = factory.Sequence(lambda n: f"AI zone {n}")
    kind = z.Zone.Kind.REGIONAL_SPECIALIZED
    region = "서울특별시"
    designated_on = dt.date(2024, 11, 28)
    ends_on = dt.date(2029, 12, 31)
    area_m2 = 400_000
    overall_operator = "서초구"


class ZoneStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = z.ZoneStaff

    zone = factory.SubFactory(ZoneFactory)
    user = factory.SubFactory(StaffUserFactory)
    role = z.ZoneStaff.Role.OFFICER


class ZonePartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = z.ZonePartner

    zone = factory.SubFactory(ZoneFactory)
    name_ko = factory.Sequence(lambda n: f"협력기관 {n}")
    role = z.ZonePartner.Role.ACADEMIC


class ZoneTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = z.ZoneTarget

    zone = factory.SubFactory(ZoneFactory)
    year = factory.Sequence(lambda n: 2025 + n % 50)
    measure = z.ZoneTarget.Measure.JOBS_CREATED
    value = 100


class ProjectAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = z.ProjectArea

    zone = factory.SubFactory(ZoneFactory)
    code = factory.Sequence(lambda n: f"A{n}")
    name_ko = factory.Sequence(lambda n: f"사업구역 {n}")


class SubProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = z.SubProject

    project_area = factory.SubFactory(ProjectAreaFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    name_ko = factory.Sequence(lambda n: f"특화사업 {n}")
    start_year = 2025
    end_year = 2029
    budget_krw = 1_000_000_000


class PlanOperatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = z.PlanOperator

    zone = factory.SubFactory(ZoneFactory)
    organization_name = factory.Sequence(lambda n: f"특화사업자 {n}")
    role = z.PlanOperator.Role.SPECIALIZED
    named_on = dt.date(2024, 11, 28)


class PlanChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = z.PlanChange

    zone = factory.SubFactory(ZoneFactory)
    kind = z.PlanChange.Kind.DESIGNATION
    approved_on = dt.date(2024, 11, 28)
    approved_by = "지역특화발전특구위원회"
    summary = "특구 지정"


class SpecialCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = z.SpecialCase

    zone = factory.SubFactory(ZoneFactory)
    code = factory.Sequence(lambda n: f"SC-{n}")
    law_name_ko = "특허법"
    law_name_en = "Patent Act"
    article = "제61조"
    title_ko = factory.Sequence(lambda n: f"우선심사 특례 {n}")
    valid_from = dt.date(2024, 11, 28)
    valid_until = dt.date(2029, 12, 31)


# --- companies ---------------------------------------------------------------


class AIFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.AIField
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"field-{n}")
    name_ko = factory.Sequence(lambda n: f"분야 {n}")
    name_en = factory.Sequence(lambda n: f"Field {n}")


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.Company

    name_ko = factory.Sequence(lambda n: f"주식회사 에이아이{n}")
    name_en = factory.Sequence(lambda n: f"AI Co {n}")
    brn = factory.Sequence(valid_brn)
    size = c.Company.Size.STARTUP
    founded_on = dt.date(2021, 3, 2)
    headcount = 12
    sido = "서울특별시"
    sigungu = "서초구"
    road_name = "강남대로"
    building_no = "201"
    postcode = "06742"


class CompanyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.CompanyMember

    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory)
    role = c.CompanyMember.Role.OWNER


class TenancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.Tenancy

    company = factory.SubFactory(CompanyFactory)
    zone = factory.SubFactory(ZoneFactory)
    status = c.Tenancy.Status.RESIDENT
    building = "서울AI허브"
    moved_in_on = dt.date(2024, 3, 1)


class MouFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.Mou

    zone = factory.SubFactory(ZoneFactory)
    company = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"투자유치 업무협약 {n}")
    signed_on = dt.date(2023, 5, 10)


class MouCommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.MouCommitment

    mou = factory.SubFactory(MouFactory)
    kind = c.MouCommitment.Kind.JOBS
    promised_value = 10
    due_on = dt.date(2025, 12, 31)


# --- programs ----------------------------------------------------------------


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.Program

    zone = factory.SubFactory(ZoneFactory)
    code = factory.Sequence(lambda n: f"program-{n}")
    name_ko = factory.Sequence(lambda n: f"지원사업 {n}")
    kind = p.Program.Kind.COMPUTE


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.Call

    program = factory.SubFactory(ProgramFactory)
    code = factory.Sequence(lambda n: f"call-{n}")
    title_ko = factory.Sequence(lambda n: f"공모 {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))
    is_published = True
    awards_planned = 10


class RubricCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.RubricCriterion

    call = factory.SubFactory(CallFactory)
    order = factory.Sequence(int)
    name_ko = factory.Sequence(lambda n: f"평가항목 {n}")
    weight = 50
    max_score = 100
    pass_score = 60


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.Application

    call = factory.SubFactory(CallFactory)
    company = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"신청서 {n}")
    status = p.Application.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    requested_gpu_hours = 1_000


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.Review

    application = factory.SubFactory(ApplicationFactory)
    reviewer = factory.SubFactory(StaffUserFactory)


class ReviewScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.ReviewScore

    review = factory.SubFactory(ReviewFactory)
    criterion = factory.SubFactory(RubricCriterionFactory, call=factory.SelfAttribute("..review.application.call"))
    score = 80


class ScreeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.Screening

    application = factory.SubFactory(ApplicationFactory, status=p.Application.Status.SCREENING)
    eligible = True
    screened_by = factory.SubFactory(StaffUserFactory)
    screened_at = factory.LazyFunction(timezone.now)


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.Fund

    zone = factory.SubFactory(ZoneFactory)
    name_ko = factory.Sequence(lambda n: f"AI 펀드 {n}")
    manager = "한국벤처투자"
    size_krw = 500_000_000_000
    vintage_year = 2025
    status = p.Fund.Status.INVESTING


class FundCommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.FundCommitment

    fund = factory.SubFactory(FundFactory)
    investor_name = "서울특별시"
    amount_krw = 100_000_000_000
    committed_on = dt.date(2025, 1, 15)


class InvestmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.Investment

    fund = factory.SubFactory(FundFactory)
    company = factory.SubFactory(CompanyFactory)
    instrument = p.Investment.Instrument.EQUITY
    amount_krw = 1_000_000_000
    invested_on = dt.date(2025, 6, 30)


class ComputeAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.ComputeAllocation

    zone = factory.SubFactory(ZoneFactory)
    company = factory.SubFactory(CompanyFactory)
    resource = "NVIDIA H100"
    gpu_hours = 2_000
    ai_tasks = 19
    value_krw = 86_000_000
    starts_on = dt.date(2025, 3, 1)
    ends_on = dt.date(2025, 8, 31)


class TrainingProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.TrainingProgram

    zone = factory.SubFactory(ZoneFactory)
    code = factory.Sequence(lambda n: f"training-{n}")
    name_ko = factory.Sequence(lambda n: f"AI 아카데미 {n}")
    track = p.TrainingProgram.Track.AI_ACADEMY
    annual_capacity = 200


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.Cohort

    training_program = factory.SubFactory(TrainingProgramFactory)
    name = factory.Sequence(lambda n: f"{n}기")
    starts_on = dt.date(2025, 3, 2)
    ends_on = dt.date(2025, 8, 29)
    capacity = 40


class TraineeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.Trainee

    full_name = factory.Sequence(lambda n: f"김민{n}")
    email = factory.Sequence(lambda n: f"trainee{n}@example.kr")
    birth_year = 1999
    consent_given_at = factory.LazyFunction(lambda: dt.datetime(2025, 2, 1, 10, 0, tzinfo=SEOUL))
    consent_purpose = "교육 운영 및 취업 성과 관리"
    retention_until = dt.date(2028, 12, 31)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.Enrolment

    cohort = factory.SubFactory(CohortFactory)
    trainee = factory.SubFactory(TraineeFactory)
    status = p.Enrolment.Status.ENROLLED
    enrolled_on = dt.date(2025, 3, 2)


class ExemptionGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = z.ExemptionGrant

    special_case = factory.SubFactory(SpecialCaseFactory)
    company = factory.SubFactory(CompanyFactory)
    status = z.ExemptionGrant.Status.ACTIVE
    purpose = "AI 특허 우선심사"
    starts_on = dt.date(2025, 1, 1)
    ends_on = dt.date(2026, 12, 31)


class ExemptionIncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = z.ExemptionIncident

    grant = factory.SubFactory(ExemptionGrantFactory)
    occurred_at = factory.LazyFunction(lambda: dt.datetime(2025, 5, 1, 9, 0, tzinfo=SEOUL))
    reported_at = factory.LazyFunction(lambda: dt.datetime(2025, 5, 2, 9, 0, tzinfo=SEOUL))
    severity = z.ExemptionIncident.Severity.MINOR
    description = "실증 중 경미한 오류"


class KpiSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = z.KpiSnapshot

    zone = factory.SubFactory(ZoneFactory)
    code = factory.Sequence(lambda n: f"measure_{n}")
    period_kind = z.KpiSnapshot.PeriodKind.QUARTER
    period_start = dt.date(2025, 7, 1)
    period_end = dt.date(2025, 9, 30)
    value = 10
    computed_at = factory.LazyFunction(timezone.now)


# --- company portal ------------------------------------------------------------


class SelfReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.SelfReport

    company = factory.SubFactory(CompanyFactory)
    zone = factory.SubFactory(ZoneFactory)
    year = 2025
    quarter = factory.Sequence(lambda n: n % 4 + 1)
    status = c.SelfReport.Status.SUBMITTED
    headcount = 12
    revenue_krw = 150_000_000
    investment_raised_krw = 0
    patents = 1
    jobs_created = 2
    submitted_at = factory.LazyFunction(timezone.now)


class FormSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.FormSection

    call = factory.SubFactory(CallFactory)
    order = factory.Sequence(int)
    title_ko = factory.Sequence(lambda n: f"신청서 섹션 {n}")


class FormQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = p.FormQuestion

    section = factory.SubFactory(FormSectionFactory)
    order = factory.Sequence(int)
    key = factory.Sequence(lambda n: f"question-{n}")
    kind = p.FormQuestion.Kind.SHORT_TEXT
    label_ko = factory.Sequence(lambda n: f"질문 {n}")
    required = True


class ZoneIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = z.ZoneIndicator

    zone = factory.SubFactory(ZoneFactory)
    year = 2025
    indicator = z.ZoneIndicator.Indicator.AI_STARTUPS
    value = 448
    source = "Brookings AI readiness 2025"


class KpiSubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = z.KpiSubscriber

    zone = factory.SubFactory(ZoneFactory)
    name = factory.Sequence(lambda n: f"의회 담당자 {n}")
    email = factory.Sequence(lambda n: f"council{n}@example.kr")
