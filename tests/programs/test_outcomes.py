"""Approval creates the outcome record of the call's kind, pointing back at the application, in the same
transaction: when the outcome cannot be created, the application stays under review."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from companies.models import Tenancy
from core.exceptions import ApplicationError
from programs.models import Application, ComputeAllocation, Enrolment, Investment, Program
from programs.services.decisions import ApprovalDetails, application_approve
from programs.services.outcomes import outcome_of
from tests import factories as f
from zones.models import ExemptionGrant

pytestmark = pytest.mark.django_db
Status = Application.Status
Kind = Program.Kind


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def zone():
    return f.ZoneFactory()


@pytest.fixture
def administrator(zone):
    user = f.StaffUserFactory()
    f.ZoneStaffFactory(zone=zone, user=user, role="administrator")
    return user


def under_review(zone, kind, **kwargs) -> Application:
    call_kwargs = kwargs.pop("call_kwargs", {})
    call = f.CallFactory(program=f.ProgramFactory(zone=zone, kind=kind), **call_kwargs)
    return f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW, submitted_at=timezone.now(), **kwargs)


def assert_refused_and_unchanged(application, administrator, match, details=None):
    with pytest.raises(ApplicationError, match=match):
        application_approve(application=application, acting_user=administrator, details=details)
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW
    assert application.decided_at is None
    assert not application.transitions.exists()
    assert outcome_of(application) is None


# --- tenancy ----------------------------------------------------------------------------------------------------


def test_a_tenancy_approval_admits_the_company_as_applicant(zone, administrator):
    application = under_review(zone, Kind.TENANCY)

    approval = application_approve(application=application, acting_user=administrator)

    tenancy = Tenancy.objects.get()
    assert approval.outcome == tenancy
    assert (tenancy.application, tenancy.company, tenancy.zone) == (application, application.company, zone)
    assert tenancy.status == Tenancy.Status.APPLICANT
    assert tenancy.moved_in_on is None  # resident once it moves in, through the tenancy's own workflow


def test_a_company_already_in_the_zone_is_not_admitted_twice(zone, administrator):
    application = under_review(zone, Kind.TENANCY)
    f.TenancyFactory(company=application.company, zone=zone, status=Tenancy.Status.RESIDENT)

    assert_refused_and_unchanged(application, administrator, "already has an active tenancy")
    assert Tenancy.objects.count() == 1


# --- compute -------------------------------------------------------------------------------------------------------


def test_a_compute_approval_allocates_the_requested_hours_in_the_calls_zone(zone, administrator):
    application = under_review(zone, Kind.COMPUTE, requested_gpu_hours=1_500)
    details = ApprovalDetails(
        resource="NVIDIA H100", value_krw=30_000_000, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30)
    )

    approval = application_approve(application=application, acting_user=administrator, details=details)

    allocation = ComputeAllocation.objects.get()
    assert approval.outcome == allocation
    assert (allocation.application, allocation.company, allocation.zone) == (application, application.company, zone)
    assert allocation.gpu_hours == 1_500
    assert (allocation.resource, allocation.value_krw) == ("NVIDIA H100", 30_000_000)
    assert (allocation.starts_on, allocation.ends_on) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))


def test_a_compute_approval_has_sensible_defaults(zone, administrator):
    application = under_review(zone, Kind.COMPUTE)

    application_approve(application=application, acting_user=administrator)

    allocation = ComputeAllocation.objects.get()
    assert allocation.starts_on == timezone.localdate()
    assert allocation.ends_on > allocation.starts_on
    assert allocation.resource
    assert allocation.status == ComputeAllocation.Status.ALLOCATED


def test_compute_beyond_the_calls_hours_is_refused(zone, administrator):
    application = under_review(zone, Kind.COMPUTE, requested_gpu_hours=800, call_kwargs={"gpu_hours_available": 1_000})
    earlier = f.ApplicationFactory(call=application.call, status=Status.APPROVED)
    f.ComputeAllocationFactory(zone=zone, company=earlier.company, application=earlier, gpu_hours=500)

    assert_refused_and_unchanged(application, administrator, "GPU hours are left")
    assert ComputeAllocation.objects.count() == 1


# --- fund ----------------------------------------------------------------------------------------------------------


def test_a_fund_approval_invests_the_requested_amount_from_the_zones_investing_fund(zone, administrator):
    fund = f.FundFactory(zone=zone)
    f.FundFactory(zone=zone, status="closed")  # not investing: not a candidate
    application = under_review(zone, Kind.FUND, requested_amount_krw=300_000_000)

    approval = application_approve(
        application=application, acting_user=administrator, details=ApprovalDetails(instrument="safe")
    )

    investment = Investment.objects.get()
    assert approval.outcome == investment
    assert (investment.application, investment.company, investment.fund) == (application, application.company, fund)
    assert (investment.amount_krw, investment.instrument) == (300_000_000, "safe")
    assert investment.invested_on == timezone.localdate()


def test_the_office_may_invest_another_amount_from_a_chosen_fund(zone, administrator):
    f.FundFactory(zone=zone)
    chosen = f.FundFactory(zone=zone)
    application = under_review(zone, Kind.FUND, requested_amount_krw=300_000_000)

    application_approve(
        application=application,
        acting_user=administrator,
        details=ApprovalDetails(fund=chosen, amount_krw=200_000_000, instrument="loan"),
    )

    investment = Investment.objects.get()
    assert (investment.fund, investment.amount_krw, investment.instrument) == (chosen, 200_000_000, "loan")


@pytest.mark.parametrize(
    ("setup", "details", "match"),
    [
        ("none", {"instrument": "equity"}, "no investing fund"),
        ("two", {"instrument": "equity"}, "several investing funds"),
        ("one", {}, "instrument"),
        ("other_zone", {"instrument": "equity"}, "not an investing fund of this call's zone"),
    ],
)
def test_a_fund_approval_without_what_it_needs_is_refused(zone, administrator, setup, details, match):
    application = under_review(zone, Kind.FUND, requested_amount_krw=100_000_000)
    if setup in ("one", "two"):
        f.FundFactory.create_batch(1 if setup == "one" else 2, zone=zone)
    if setup == "other_zone":
        f.FundFactory(zone=zone)
        details = {**details, "fund": f.FundFactory()}

    assert_refused_and_unchanged(application, administrator, match, ApprovalDetails(**details))
    assert not Investment.objects.exists()


# --- exemption -----------------------------------------------------------------------------------------------------


def test_an_exemption_approval_grants_the_special_case_to_a_plan_operator(zone, administrator):
    special_case = f.SpecialCaseFactory(zone=zone, conditions="책임보험 가입")
    application = under_review(zone, Kind.EXEMPTION, special_case=special_case, summary="특허 우선심사")
    f.PlanOperatorFactory(zone=zone, company=application.company)

    approval = application_approve(application=application, acting_user=administrator)

    grant = ExemptionGrant.objects.get()
    assert approval.outcome == grant
    assert (grant.application, grant.company, grant.special_case) == (application, application.company, special_case)
    assert grant.status == ExemptionGrant.Status.GRANTED
    assert grant.conditions == "책임보험 가입"
    assert grant.ends_on == special_case.valid_until


def test_an_exemption_for_a_company_not_named_in_the_plan_is_refused(zone, administrator):
    application = under_review(zone, Kind.EXEMPTION, special_case=f.SpecialCaseFactory(zone=zone))

    assert_refused_and_unchanged(application, administrator, "named in the zone plan")
    assert not ExemptionGrant.objects.exists()


# --- kinds without an outcome model --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [Kind.TRAINING, Kind.RND_GRANT, Kind.DEMONSTRATION])
def test_kinds_without_an_outcome_record_only_record_the_approval(zone, administrator, kind):
    application = under_review(zone, kind)

    approval = application_approve(application=application, acting_user=administrator)

    assert approval.outcome is None
    assert approval.application.status == Status.APPROVED
    assert approval.application.transitions.get().to_status == Status.APPROVED
    assert not Enrolment.objects.exists()  # a company cannot consent for its staff: no trainee is made up
    assert not (
        Tenancy.objects.exists()
        or ComputeAllocation.objects.exists()
        or Investment.objects.exists()
        or ExemptionGrant.objects.exists()
    )


@pytest.mark.parametrize("kind", [Kind.TENANCY, Kind.COMPUTE, Kind.FUND, Kind.EXEMPTION])
def test_each_kind_creates_exactly_one_outcome_pointing_back(zone, administrator, kind):
    f.FundFactory(zone=zone)
    application = under_review(zone, kind, requested_amount_krw=1_000_000, special_case=f.SpecialCaseFactory(zone=zone))
    f.PlanOperatorFactory(zone=zone, company=application.company)

    approval = application_approve(
        application=application, acting_user=administrator, details=ApprovalDetails(instrument="equity")
    )

    records = [
        *Tenancy.objects.all(),
        *ComputeAllocation.objects.all(),
        *Investment.objects.all(),
        *ExemptionGrant.objects.all(),
    ]
    assert records == [approval.outcome]
    assert records[0].application == application
    assert outcome_of(Application.objects.get(pk=application.pk)) == records[0]
