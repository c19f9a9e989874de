"""/api/v1/ funds, fund commitments, investments, compute allocations, training programs, cohorts, enrolments
and trainees: who sees and changes what, validation, workflow actions, masking, filters, query counts."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from core.models import TransitionLog
from programs.api.masking import mask_email, mask_name, mask_phone
from programs.models import Enrolment, Trainee
from tests import factories as f
from zones.models import ZoneStaff

pytestmark = pytest.mark.django_db

FUNDS = "/api/v1/funds/"
COMMITMENTS = "/api/v1/fund-commitments/"
INVESTMENTS = "/api/v1/investments/"
ALLOCATIONS = "/api/v1/compute-allocations/"
PROGRAMS = "/api/v1/training-programs/"
COHORTS = "/api/v1/cohorts/"
ENROLMENTS = "/api/v1/enrolments/"
TRAINEES = "/api/v1/trainees/"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def url(base: str, obj, action: str = "") -> str:
    return f"{base}{obj.pk}/{action + '/' if action else ''}"


@pytest.fixture
def viewer_a(world):
    """Zone A staff who may only view programs records (no change permission on trainees)."""
    user = f.StaffUserFactory(username="viewer-a")
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="programs", codename__startswith="view_")
    )
    f.ZoneStaffFactory(zone=world.zone_a, user=user, role=ZoneStaff.Role.OFFICER)
    return user


@pytest.fixture
def money(world):
    """A fund in each zone, each with a commitment, an investment and a compute allocation in its zone's company."""
    fund_a = f.FundFactory(zone=world.zone_a, name_ko="가 펀드", size_krw=10_000_000_000)
    fund_b = f.FundFactory(zone=world.zone_b, name_ko="나 펀드")
    return {
        "fund_a": fund_a,
        "fund_b": fund_b,
        "commitment_a": f.FundCommitmentFactory(fund=fund_a, amount_krw=4_000_000_000),
        "commitment_b": f.FundCommitmentFactory(fund=fund_b),
        "investment_a": f.InvestmentFactory(fund=fund_a, company=world.company_a, amount_krw=3_000_000_000),
        "investment_b": f.InvestmentFactory(fund=fund_b, company=world.company_b),
        "allocation_a": f.ComputeAllocationFactory(zone=world.zone_a, company=world.company_a),
        "allocation_b": f.ComputeAllocationFactory(zone=world.zone_b, company=world.company_b),
    }


@pytest.fixture
def training(world):
    """A program, cohort, trainee and enrolment in each zone."""
    program_a = f.TrainingProgramFactory(zone=world.zone_a, name_ko="가 아카데미")
    program_b = f.TrainingProgramFactory(zone=world.zone_b, name_ko="나 아카데미")
    cohort_a = f.CohortFactory(training_program=program_a, name="1기")
    cohort_b = f.CohortFactory(training_program=program_b, name="1기")
    trainee_a = f.TraineeFactory(full_name="김민수", email="kim.minsu@example.com", phone="010-1234-5678")
    trainee_b = f.TraineeFactory(full_name="이영희", email="lee@example.com", phone="010-9876-5432")
    return {
        "program_a": program_a,
        "program_b": program_b,
        "cohort_a": cohort_a,
        "cohort_b": cohort_b,
        "trainee_a": trainee_a,
        "trainee_b": trainee_b,
        "enrolment_a": f.EnrolmentFactory(cohort=cohort_a, trainee=trainee_a),
        "enrolment_b": f.EnrolmentFactory(cohort=cohort_b, trainee=trainee_b),
    }


# --- masking -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"), [("김민수", "김*수"), ("남궁민수", "남**수"), ("이민", "이*"), ("김", "김"), ("", "")]
)
def test_a_name_keeps_its_first_and_last_character(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("email", "masked"),
    [("kim.minsu@example.com", "k***@example.com"), ("a@b.kr", "a***@b.kr"), ("", "")],
)
def test_an_email_keeps_its_first_character_and_domain(email, masked):
    assert mask_email(email) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("010-1234-5678", "010-****-5678"),
        ("01012345678", "010-****-5678"),
        ("02-123-4567", "02-****-4567"),
        ("+82 10-1234-5678", "+82-****-5678"),
        ("5678", "****"),
        ("", ""),
    ],
)
def test_a_phone_keeps_its_first_group_and_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked


# --- funds -------------------------------------------------------------------------


def test_anonymous_users_get_401_on_every_list(world, as_user):
    for base in (FUNDS, COMMITMENTS, INVESTMENTS, ALLOCATIONS, PROGRAMS, COHORTS, ENROLMENTS, TRAINEES):
        assert as_user(None).get(base).status_code == 401


def test_officer_lists_the_funds_of_their_zone_with_totals_from_live_investments(world, money, as_user):
    f.InvestmentFactory(fund=money["fund_a"], amount_krw=500_000_000, archived_at=timezone.now())
    response = as_user(world.officer_a).get(FUNDS)
    assert ids(response) == {money["fund_a"].pk}
    row = response.json()["results"][0]
    assert row["committed_krw"] == 4_000_000_000
    assert row["invested_krw"] == 3_000_000_000
    assert row["remaining_krw"] == 7_000_000_000
    assert row["investee_count"] == 1
    assert ids(as_user(world.superuser).get(FUNDS)) == {money["fund_a"].pk, money["fund_b"].pk}


def test_officer_of_another_zone_gets_404_on_a_fund(world, money, as_user):
    client = as_user(world.officer_b)
    assert client.get(url(FUNDS, money["fund_a"])).status_code == 404
    assert client.patch(url(FUNDS, money["fund_a"]), {"manager": "x"}).status_code == 404
    assert client.post(url(FUNDS, money["fund_a"], "archive")).status_code == 404


def test_company_users_reviewers_and_strangers_see_no_funds_and_cannot_create_one(world, money, as_user):
    for user in (world.member_a, world.reviewer_a, world.stranger):
        assert ids(as_user(user).get(FUNDS)) == set()
        assert ids(as_user(user).get(COMMITMENTS)) == set()
    payload = {"zone": world.zone_a.pk, "name_ko": "펀드", "manager": "m", "size_krw": 1, "vintage_year": 2025}
    assert as_user(world.member_a).post(FUNDS, payload).status_code == 403


def test_officer_creates_and_updates_a_fund_of_their_zone_only(world, as_user):
    client = as_user(world.officer_a)
    payload = {
        "zone": world.zone_a.pk,
        "name_ko": "새 펀드",
        "manager": "운용사",
        "size_krw": 1_000,
        "vintage_year": 2025,
    }
    response = client.post(FUNDS, payload)
    assert response.status_code == 201, response.content
    assert response.json()["remaining_krw"] == 1_000
    fund_id = response.json()["id"]
    response = client.patch(f"{FUNDS}{fund_id}/", {"status": "closed"})
    assert response.status_code == 200
    assert response.json()["status"] == "closed"

    response = client.post(FUNDS, {**payload, "zone": world.zone_b.pk})
    assert response.status_code == 400
    assert "Invalid pk" in response.json()["zone"][0]


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (-1, "Ensure this value is greater than or equal to 0."),
        (10**16, "Ensure this value is less than or equal to 1000000000000000."),
        (10**30, "Ensure this value is less than or equal to 1000000000000000."),
        ("lots", "A valid biginteger is required."),
    ],
)
def test_a_negative_or_absurd_fund_size_is_refused_on_the_field(world, as_user, size, message):
    payload = {"zone": world.zone_a.pk, "name_ko": "펀드", "manager": "m", "size_krw": size, "vintage_year": 2025}
    response = as_user(world.officer_a).post(FUNDS, payload)
    assert response.status_code == 400
    assert response.json()["size_krw"] == [message]


def test_funds_are_archived_and_restored_not_deleted(world, money, as_user):
    assert as_user(world.superuser).delete(url(FUNDS, money["fund_a"])).status_code == 405
    assert as_user(world.officer_a).delete(url(FUNDS, money["fund_a"])).status_code == 403
    client = as_user(world.officer_a)
    response = client.post(url(FUNDS, money["fund_a"], "archive"))
    assert response.status_code == 200
    assert response.json()["archived_at"] is not None
    assert ids(client.get(FUNDS, {"archived": "false"})) == set()
    assert client.post(url(FUNDS, money["fund_a"], "archive")).status_code == 400
    assert client.post(url(FUNDS, money["fund_a"], "restore")).json()["archived_at"] is None


def test_funds_are_filtered_by_zone_status_and_manager_and_searched(world, money, as_user):
    other = f.FundFactory(zone=world.zone_a, name_ko="다른 펀드", manager="다른 운용사", status="raising")
    client = as_user(world.superuser)
    assert ids(client.get(FUNDS, {"zone": world.zone_b.pk})) == {money["fund_b"].pk}
    assert ids(client.get(FUNDS, {"status": "raising"})) == {other.pk}
    assert ids(client.get(FUNDS, {"manager": "다른"})) == {other.pk}
    assert ids(client.get(FUNDS, {"search": "가 펀드"})) == {money["fund_a"].pk}


# --- fund commitments ----------------------------------------------------------------


def test_officer_records_a_commitment_only_to_a_fund_of_their_zone(world, money, as_user):
    client = as_user(world.officer_a)
    assert ids(client.get(COMMITMENTS)) == {money["commitment_a"].pk}
    payload = {"fund": money["fund_a"].pk, "investor_name": "광주광역시", "amount_krw": 5, "committed_on": "2025-02-01"}
    response = client.post(COMMITMENTS, payload)
    assert response.status_code == 201, response.content
    assert response.json()["zone"] == world.zone_a.pk
    response = client.post(COMMITMENTS, {**payload, "fund": money["fund_b"].pk})
    assert response.status_code == 400
    assert "fund" in response.json()
    response = client.post(COMMITMENTS, {**payload, "amount_krw": -5})
    assert response.json()["amount_krw"] == ["Ensure this value is greater than or equal to 0."]
    assert as_user(world.officer_b).get(url(COMMITMENTS, money["commitment_a"])).status_code == 404


# --- investments -------------------------------------------------------------------


def test_company_member_reads_their_company_investments_only(world, money, as_user):
    client = as_user(world.member_a)
    assert ids(client.get(INVESTMENTS)) == {money["investment_a"].pk}
    assert client.get(url(INVESTMENTS, money["investment_a"])).json()["company"] == world.company_a.pk
    assert client.get(url(INVESTMENTS, money["investment_b"])).status_code == 404
    assert client.patch(url(INVESTMENTS, money["investment_a"]), {"note": "x"}).status_code == 403
    payload = {
        "fund": money["fund_a"].pk,
        "company": world.company_a.pk,
        "instrument": "equity",
        "amount_krw": 1,
        "invested_on": "2025-07-01",
    }
    assert client.post(INVESTMENTS, payload).status_code == 403


def test_officer_of_another_zone_gets_404_on_an_investment(world, money, as_user):
    client = as_user(world.officer_b)
    assert ids(client.get(INVESTMENTS)) == {money["investment_b"].pk}
    assert client.get(url(INVESTMENTS, money["investment_a"])).status_code == 404
    assert client.patch(url(INVESTMENTS, money["investment_a"]), {"note": "x"}).status_code == 404


def test_officer_records_an_investment_from_a_fund_of_their_zone_only(world, money, as_user):
    client = as_user(world.officer_a)
    payload = {
        "fund": money["fund_a"].pk,
        "company": world.company_b.pk,
        "instrument": "convertible",
        "amount_krw": 200_000_000,
        "invested_on": "2025-07-01",
    }
    response = client.post(INVESTMENTS, payload)
    assert response.status_code == 201, response.content
    assert response.json()["zone"] == world.zone_a.pk
    assert response.json()["application"] is None

    response = client.post(INVESTMENTS, {**payload, "fund": money["fund_b"].pk})
    assert response.status_code == 400
    assert "Invalid pk" in response.json()["fund"][0]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (0, "Ensure this value is greater than or equal to 1."),
        (-100, "Ensure this value is greater than or equal to 1."),
        (10**15 + 1, "Ensure this value is less than or equal to 1000000000000000."),
        (2**70, "Ensure this value is less than or equal to 1000000000000000."),
    ],
)
def test_a_negative_or_absurd_investment_amount_is_refused_on_the_field(world, money, as_user, amount, message):
    payload = {
        "fund": money["fund_a"].pk,
        "company": world.company_a.pk,
        "instrument": "equity",
        "amount_krw": amount,
        "invested_on": "2025-07-01",
    }
    response = as_user(world.officer_a).post(INVESTMENTS, payload)
    assert response.status_code == 400
    assert response.json()["amount_krw"] == [message]


def test_an_unknown_instrument_or_company_is_refused_on_the_field(world, money, as_user):
    client = as_user(world.officer_a)
    response = client.patch(url(INVESTMENTS, money["investment_a"]), {"instrument": "gift", "company": 10**12})
    assert response.status_code == 400
    assert set(response.json()) == {"instrument", "company"}


def test_investments_are_filtered_by_zone_fund_company_date_and_amount(world, money, as_user):
    late = f.InvestmentFactory(
        fund=money["fund_a"], company=world.company_b, amount_krw=50_000_000, invested_on=dt.date(2025, 12, 1)
    )
    client = as_user(world.superuser)
    assert ids(client.get(INVESTMENTS, {"zone": world.zone_a.pk})) == {money["investment_a"].pk, late.pk}
    assert ids(client.get(INVESTMENTS, {"fund": money["fund_b"].pk})) == {money["investment_b"].pk}
    assert ids(client.get(INVESTMENTS, {"company": world.company_b.pk, "zone": world.zone_a.pk})) == {late.pk}
    assert ids(client.get(INVESTMENTS, {"invested_on_after": "2025-11-01"})) == {late.pk}
    assert ids(client.get(INVESTMENTS, {"invested_on_before": "2025-07-01", "zone": world.zone_a.pk})) == {
        money["investment_a"].pk
    }
    assert ids(client.get(INVESTMENTS, {"amount_min": 100_000_000, "amount_max": 3_000_000_000})) == {
        money["investment_a"].pk,
        money["investment_b"].pk,
    }
    assert ids(client.get(INVESTMENTS, {"amount_max": 60_000_000})) == {late.pk}


@pytest.mark.parametrize(
    "params",
    [
        {"zone": "abc"},
        {"zone": "99999999999999999999999"},
        {"fund": "-1"},
        {"amount_min": "-1"},
        {"amount_min": "1e999999999"},
        {"amount_max": "NaN"},
        {"amount_max": "1.5"},
        {"invested_on_after": "not-a-date"},
        {"instrument": "gift"},
    ],
)
def test_bad_filter_values_are_a_400_not_a_500(world, money, as_user, params):
    assert as_user(world.officer_a).get(INVESTMENTS, params).status_code == 400


def test_a_bad_cursor_ordering_or_flag_is_not_a_500(world, money, as_user):
    client = as_user(world.officer_a)
    assert client.get(INVESTMENTS, {"archived": "perhaps"}).status_code == 200  # an unknown flag is ignored
    assert client.post(INVESTMENTS, [1, 2], format="json").status_code == 400
    assert client.get(INVESTMENTS, {"cursor": "garbage"}).status_code == 404
    assert client.get(INVESTMENTS, {"ordering": "no_such_field"}).status_code == 200
    response = client.get(INVESTMENTS, {"ordering": "-amount_krw", "page_size": 1})
    assert response.status_code == 200
    assert client.get(response.json()["next"] or INVESTMENTS).status_code == 200


# --- compute allocations -----------------------------------------------------------


def test_company_member_reads_their_company_allocations_only(world, money, as_user):
    client = as_user(world.member_a)
    assert ids(client.get(ALLOCATIONS)) == {money["allocation_a"].pk}
    assert client.get(url(ALLOCATIONS, money["allocation_b"])).status_code == 404
    assert client.patch(url(ALLOCATIONS, money["allocation_a"]), {"status": "in_use"}).status_code == 403
    assert as_user(world.officer_b).get(url(ALLOCATIONS, money["allocation_a"])).status_code == 404


def test_officer_allocates_compute_in_their_zone_and_changes_its_status(world, money, as_user):
    client = as_user(world.officer_a)
    payload = {
        "zone": world.zone_a.pk,
        "company": world.company_b.pk,
        "resource": "NVIDIA B200",
        "gpu_hours": 500,
        "starts_on": "2025-09-01",
        "ends_on": "2025-12-31",
    }
    response = client.post(ALLOCATIONS, payload)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "allocated"
    allocation_id = response.json()["id"]
    assert client.patch(f"{ALLOCATIONS}{allocation_id}/", {"status": "in_use"}).json()["status"] == "in_use"
    response = client.patch(f"{ALLOCATIONS}{allocation_id}/", {"status": "lost"})
    assert response.status_code == 400
    assert "status" in response.json()

    response = client.post(ALLOCATIONS, {**payload, "zone": world.zone_b.pk})
    assert "Invalid pk" in response.json()["zone"][0]
    response = client.post(ALLOCATIONS, {**payload, "ends_on": "2025-08-01"})
    assert response.status_code == 400
    assert response.json()["ends_on"] == ["The end date cannot be before the start date."]
    response = client.post(ALLOCATIONS, {**payload, "value_krw": -1, "gpu_hours": -3})
    assert set(response.json()) == {"value_krw", "gpu_hours"}


def test_allocations_are_filtered_by_zone_company_status_start_and_resource(world, money, as_user):
    other = f.ComputeAllocationFactory(
        zone=world.zone_a,
        company=world.company_b,
        status="completed",
        resource="AMD MI300",
        starts_on=dt.date(2024, 1, 1),
    )
    client = as_user(world.officer_a)
    assert ids(client.get(ALLOCATIONS, {"status": "completed"})) == {other.pk}
    assert ids(client.get(ALLOCATIONS, {"company": world.company_a.pk})) == {money["allocation_a"].pk}
    assert ids(client.get(ALLOCATIONS, {"starts_on_before": "2024-12-31"})) == {other.pk}
    assert ids(client.get(ALLOCATIONS, {"resource": "amd"})) == {other.pk}
    assert ids(client.get(ALLOCATIONS, {"zone": world.zone_b.pk})) == set()


# --- training programs and cohorts ---------------------------------------------------


def test_every_signed_in_user_reads_the_live_training_offer(world, training, as_user):
    archived = f.TrainingProgramFactory(zone=world.zone_a, archived_at=timezone.now())
    live = {training["program_a"].pk, training["program_b"].pk}
    for user in (world.member_a, world.stranger, world.officer_b):
        assert ids(as_user(user).get(PROGRAMS)) == live
        assert ids(as_user(user).get(COHORTS)) == {training["cohort_a"].pk, training["cohort_b"].pk}
        assert as_user(user).get(url(PROGRAMS, archived)).status_code == 404
    assert ids(as_user(world.officer_a).get(PROGRAMS)) == live | {archived.pk}
    row = as_user(world.member_a).get(url(PROGRAMS, training["program_a"])).json()
    assert row["cohort_count"] == 1
    assert row["enrolled_count"] == 1


def test_only_the_zone_staff_change_a_training_program_or_cohort(world, training, as_user):
    assert as_user(world.officer_b).patch(url(PROGRAMS, training["program_a"]), {"operator": "x"}).status_code == 404
    assert as_user(world.officer_b).patch(url(COHORTS, training["cohort_a"]), {"capacity": 1}).status_code == 404
    assert as_user(world.member_a).patch(url(PROGRAMS, training["program_a"]), {"operator": "x"}).status_code == 403
    response = as_user(world.officer_a).patch(url(PROGRAMS, training["program_a"]), {"operator": "AI 대학"})
    assert response.status_code == 200
    assert response.json()["operator"] == "AI 대학"


def test_officer_creates_a_training_program_and_cohort_in_their_zone_only(world, training, as_user):
    client = as_user(world.officer_a)
    payload = {"zone": world.zone_a.pk, "code": "ai-camp", "name_ko": "AI 캠프", "track": "youth_academy"}
    response = client.post(PROGRAMS, payload)
    assert response.status_code == 201, response.content
    program_id = response.json()["id"]
    assert "Invalid pk" in client.post(PROGRAMS, {**payload, "zone": world.zone_b.pk}).json()["zone"][0]
    assert client.post(PROGRAMS, payload).status_code == 400  # the code is taken in this zone

    cohort = {
        "training_program": program_id,
        "name": "1기",
        "starts_on": "2025-03-02",
        "ends_on": "2025-08-29",
        "capacity": 30,
    }
    response = client.post(COHORTS, cohort)
    assert response.status_code == 201, response.content
    assert response.json()["zone"] == world.zone_a.pk
    response = client.post(COHORTS, {**cohort, "training_program": training["program_b"].pk, "name": "2기"})
    assert "Invalid pk" in response.json()["training_program"][0]
    response = client.post(COHORTS, {**cohort, "name": "3기", "ends_on": "2025-01-01"})
    assert response.json()["ends_on"] == ["The end date cannot be before the start date."]


def test_cohorts_are_filtered_by_program_zone_and_dates(world, training, as_user):
    late = f.CohortFactory(
        training_program=training["program_a"], starts_on=dt.date(2026, 3, 2), ends_on=dt.date(2026, 8, 1)
    )
    client = as_user(world.member_a)
    assert ids(client.get(COHORTS, {"training_program": training["program_a"].pk})) == {
        training["cohort_a"].pk,
        late.pk,
    }
    assert ids(client.get(COHORTS, {"zone": world.zone_b.pk})) == {training["cohort_b"].pk}
    assert ids(client.get(COHORTS, {"starts_on_after": "2026-01-01"})) == {late.pk}
    assert ids(client.get(COHORTS, {"ends_on_before": "2025-12-31", "zone": world.zone_a.pk})) == {
        training["cohort_a"].pk
    }


# --- enrolments --------------------------------------------------------------------


def test_enrolments_show_the_trainee_as_id_and_masked_name_only(world, training, as_user):
    response = as_user(world.officer_a).get(ENROLMENTS)
    assert ids(response) == {training["enrolment_a"].pk}
    row = response.json()["results"][0]
    assert row["trainee"] == {"id": training["trainee_a"].pk, "name": "김*수"}
    assert "kim.minsu" not in response.content.decode()


def test_enrolments_are_for_the_zone_staff_only(world, training, as_user):
    enrolment = training["enrolment_a"]
    Enrolment.objects.filter(pk=enrolment.pk).update(employed_by=world.company_a)
    assert as_user(world.officer_b).get(url(ENROLMENTS, enrolment)).status_code == 404
    assert as_user(world.officer_b).post(url(ENROLMENTS, enrolment, "complete")).status_code == 404
    for user in (world.member_a, world.reviewer_a, world.stranger):
        assert ids(as_user(user).get(ENROLMENTS)) == set()
    payload = {"cohort": training["cohort_a"].pk, "trainee": training["trainee_a"].pk}
    assert as_user(world.member_a).post(ENROLMENTS, payload).status_code == 403
    assert ids(as_user(world.superuser).get(ENROLMENTS)) == {enrolment.pk, training["enrolment_b"].pk}


def test_officer_enrols_a_trainee_of_their_zone_in_a_cohort_of_their_zone(world, training, as_user):
    client = as_user(world.officer_a)
    second = f.CohortFactory(training_program=training["program_a"], name="2기")
    response = client.post(ENROLMENTS, {"cohort": second.pk, "trainee": training["trainee_a"].pk})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "applied"
    assert response.json()["trainee"]["name"] == "김*수"

    response = client.post(ENROLMENTS, {"cohort": training["cohort_b"].pk, "trainee": training["trainee_a"].pk})
    assert "Invalid pk" in response.json()["cohort"][0]
    response = client.post(ENROLMENTS, {"cohort": second.pk, "trainee": training["trainee_b"].pk})
    assert "Invalid pk" in response.json()["trainee"][0]
    response = client.post(ENROLMENTS, {"cohort": second.pk, "trainee": training["trainee_a"].pk})
    assert response.status_code == 400  # already in that cohort


def test_an_enrolment_moves_through_the_training_workflow_by_actions(world, training, as_user):
    client = as_user(world.officer_a)
    enrolment = f.EnrolmentFactory(cohort=training["cohort_a"], status="applied", enrolled_on=None)
    response = client.post(url(ENROLMENTS, enrolment, "complete"))
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["This step is not allowed: “Applied” cannot become “Completed”."]

    response = client.post(url(ENROLMENTS, enrolment, "enrol"), {"on": "2025-03-02", "expected_from": "applied"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "enrolled"
    assert response.json()["enrolled_on"] == "2025-03-02"

    response = client.post(url(ENROLMENTS, enrolment, "complete"), {"on": "2025-03-01"})
    assert response.status_code == 400
    assert "completed_on" in response.json()
    response = client.post(url(ENROLMENTS, enrolment, "complete"), {"on": "2025-08-29"})
    assert response.json()["status"] == "completed"

    response = client.post(url(ENROLMENTS, enrolment, "employ"), {"employed_on": "2025-10-01"})
    assert response.status_code == 400
    assert response.json()["employed_by"] == [
        "To record the employment, fill in: employer (a registered company or the employer's name)."
    ]
    response = client.post(
        url(ENROLMENTS, enrolment, "employ"),
        {"employed_by": world.company_a.pk, "employed_on": "2025-10-01", "job_title": "ML engineer"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "employed"
    assert response.json()["employed_by"] == world.company_a.pk
    assert TransitionLog.objects.filter(object_id=enrolment.pk, to_status="employed", actor=world.officer_a).exists()
    assert client.post(url(ENROLMENTS, enrolment, "drop")).status_code == 400


def test_a_stale_step_is_refused_and_a_view_only_user_takes_no_step(world, training, viewer_a, as_user):
    enrolment = training["enrolment_a"]
    response = as_user(world.officer_a).post(url(ENROLMENTS, enrolment, "drop"), {"expected_from": "applied"})
    assert response.status_code == 400
    assert "Someone else changed this record" in response.json()["non_field_errors"][0]
    assert as_user(viewer_a).post(url(ENROLMENTS, enrolment, "drop")).status_code == 403
    assert as_user(viewer_a).get(url(ENROLMENTS, enrolment)).status_code == 200


def test_the_status_of_an_enrolment_is_not_written_directly(world, training, as_user):
    response = as_user(world.officer_a).patch(
        url(ENROLMENTS, training["enrolment_a"]), {"status": "employed", "job_title": "연구원"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "enrolled"
    assert response.json()["job_title"] == "연구원"


def test_enrolments_are_filtered_by_status_dates_and_employer(world, training, as_user):
    employed = f.EnrolmentFactory(
        cohort=training["cohort_a"],
        status="employed",
        completed_on=dt.date(2025, 8, 29),
        employed_by=world.company_a,
        employed_on=dt.date(2025, 10, 1),
    )
    client = as_user(world.officer_a)
    assert ids(client.get(ENROLMENTS, {"status": "employed"})) == {employed.pk}
    assert ids(client.get(ENROLMENTS, {"employed_by": world.company_a.pk})) == {employed.pk}
    assert ids(client.get(ENROLMENTS, {"employed_on_after": "2025-09-01"})) == {employed.pk}
    assert ids(client.get(ENROLMENTS, {"completed_on_before": "2025-12-31"})) == {employed.pk}
    assert ids(client.get(ENROLMENTS, {"cohort": training["cohort_a"].pk})) == {training["enrolment_a"].pk, employed.pk}
    assert ids(client.get(ENROLMENTS, {"zone": world.zone_b.pk})) == set()


def test_searching_enrolments_by_trainee_name_is_only_for_those_who_see_names(world, training, viewer_a, as_user):
    f.EnrolmentFactory(cohort=training["cohort_a"])
    assert ids(as_user(world.officer_a).get(ENROLMENTS, {"search": "김민수"})) == {training["enrolment_a"].pk}
    assert len(ids(as_user(viewer_a).get(ENROLMENTS, {"search": "김민수"}))) == 0


# --- trainees ----------------------------------------------------------------------


def test_officer_sees_the_full_trainee_and_a_view_only_user_a_masked_one(world, training, viewer_a, as_user):
    full = as_user(world.officer_a).get(url(TRAINEES, training["trainee_a"])).json()
    assert (full["full_name"], full["email"], full["phone"], full["is_masked"]) == (
        "김민수",
        "kim.minsu@example.com",
        "010-1234-5678",
        False,
    )
    response = as_user(viewer_a).get(TRAINEES)
    assert ids(response) == {training["trainee_a"].pk}
    masked = response.json()["results"][0]
    assert (masked["full_name"], masked["email"], masked["phone"], masked["is_masked"]) == (
        "김*수",
        "k***@example.com",
        "010-****-5678",
        True,
    )
    assert masked["birth_year"] == 1999
    assert "kim.minsu" not in response.content.decode() and "1234" not in masked["phone"]


def test_trainees_are_seen_only_by_staff_of_a_zone_where_they_are_enrolled(world, training, as_user):
    trainee_a = training["trainee_a"]
    assert as_user(world.officer_b).get(url(TRAINEES, trainee_a)).status_code == 404
    assert as_user(world.officer_b).patch(url(TRAINEES, trainee_a), {"phone": "010"}).status_code == 404
    for user in (world.member_a, world.reviewer_a, world.stranger):
        assert ids(as_user(user).get(TRAINEES)) == set()
        assert as_user(user).get(url(TRAINEES, trainee_a)).status_code == 404
    f.EnrolmentFactory(cohort=training["cohort_b"], trainee=trainee_a, archived_at=timezone.now())
    assert as_user(world.officer_b).get(url(TRAINEES, trainee_a)).status_code == 200
    assert ids(as_user(world.superuser).get(TRAINEES)) == {trainee_a.pk, training["trainee_b"].pk}


def test_officer_registers_a_trainee_with_consent_into_a_cohort_of_their_zone(world, training, viewer_a, as_user):
    client = as_user(world.officer_a)
    payload = {
        "full_name": "박지훈",
        "email": "park@example.com",
        "phone": "010-5555-6666",
        "birth_year": 2001,
        "consent_given_at": "2025-02-01T10:00:00+09:00",
        "consent_purpose": "교육 운영",
        "retention_until": "2028-12-31",
        "cohort": training["cohort_a"].pk,
    }
    response = client.post(TRAINEES, payload)
    assert response.status_code == 201, response.content
    assert response.json()["full_name"] == "박지훈"
    assert response.json()["enrolment_count"] == 1
    trainee = Trainee.objects.get(pk=response.json()["id"])
    assert trainee.enrolments.get().status == "applied"

    response = client.post(
        TRAINEES, {key: value for key, value in payload.items() if not key.startswith(("consent", "ret"))}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"consent_given_at", "consent_purpose", "retention_until"}
    assert "Invalid pk" in client.post(TRAINEES, {**payload, "cohort": training["cohort_b"].pk}).json()["cohort"][0]
    future = (timezone.now() + dt.timedelta(days=3)).isoformat()
    response = client.post(TRAINEES, {**payload, "consent_given_at": future})
    assert response.json()["consent_given_at"] == ["Consent cannot be given in the future."]
    response = client.post(TRAINEES, {**payload, "email": "not-an-email", "birth_year": 1200})
    assert set(response.json()) == {"email", "birth_year"}

    assert client.patch(url(TRAINEES, trainee), {"phone": "010-0000-1111"}).json()["phone"] == "010-0000-1111"
    assert as_user(viewer_a).patch(url(TRAINEES, trainee), {"phone": "x"}).status_code == 403
    assert as_user(viewer_a).post(TRAINEES, payload).status_code == 403


def test_searching_trainees_by_name_is_only_for_those_who_see_names(world, training, viewer_a, as_user):
    f.EnrolmentFactory(cohort=training["cohort_a"])
    assert ids(as_user(world.officer_a).get(TRAINEES, {"search": "김민수"})) == {training["trainee_a"].pk}
    assert len(ids(as_user(viewer_a).get(TRAINEES, {"search": "김민수"}))) == 2  # the search is ignored


def test_trainees_are_filtered_by_cohort_and_retention(world, training, as_user):
    expired = f.TraineeFactory(retention_until=dt.date(2020, 1, 1))
    f.EnrolmentFactory(cohort=training["cohort_a"], trainee=expired)
    client = as_user(world.officer_a)
    assert ids(client.get(TRAINEES, {"retention_expired": "true"})) == {expired.pk}
    assert ids(client.get(TRAINEES, {"retention_expired": "false"})) == {training["trainee_a"].pk}
    assert ids(client.get(TRAINEES, {"cohort": training["cohort_a"].pk})) == {training["trainee_a"].pk, expired.pk}


# --- query counts ------------------------------------------------------------------


def _funds(world, n):
    for _ in range(n):
        fund = f.FundFactory(zone=world.zone_a)
        f.FundCommitmentFactory(fund=fund)
        f.InvestmentFactory(fund=fund, company=world.company_a)
        f.ComputeAllocationFactory(zone=world.zone_a, company=world.company_a)


def _training(world, n):
    for _ in range(n):
        cohort = f.CohortFactory(training_program=f.TrainingProgramFactory(zone=world.zone_a))
        f.EnrolmentFactory(cohort=cohort, employed_by=world.company_a)


@pytest.mark.parametrize(
    ("base", "make", "who"),
    [
        (FUNDS, _funds, "officer_a"),
        (COMMITMENTS, _funds, "officer_a"),
        (INVESTMENTS, _funds, "officer_a"),
        (INVESTMENTS, _funds, "member_a"),
        (ALLOCATIONS, _funds, "officer_a"),
        (ALLOCATIONS, _funds, "member_a"),
        (PROGRAMS, _training, "officer_a"),
        (PROGRAMS, _training, "member_a"),
        (COHORTS, _training, "officer_a"),
        (COHORTS, _training, "stranger"),
        (ENROLMENTS, _training, "officer_a"),
        (TRAINEES, _training, "officer_a"),
        (TRAINEES, _training, "viewer_a"),
    ],
)
def test_lists_run_the_same_queries_for_1_and_20_rows(world, viewer_a, as_user, count_queries, base, make, who):
    user = viewer_a if who == "viewer_a" else getattr(world, who)
    client = as_user(user)
    client.get(base)  # per-user caches warmed
    make(world, 1)
    one = count_queries(client, base)
    make(world, 19)
    twenty = count_queries(client, base)
    assert len(client.get(base).json()["results"]) >= 20
    assert one == twenty


# --- bad input ---------------------------------------------------------------------

WRITABLE = {
    FUNDS: ("zone", "name_ko", "manager", "size_krw", "vintage_year", "status"),
    COMMITMENTS: ("fund", "investor_name", "amount_krw", "committed_on"),
    INVESTMENTS: ("fund", "company", "instrument", "amount_krw", "invested_on"),
    ALLOCATIONS: ("zone", "company", "status", "resource", "gpu_hours", "value_krw", "starts_on", "ends_on"),
    PROGRAMS: ("zone", "code", "name_ko", "track", "annual_capacity"),
    COHORTS: ("training_program", "name", "starts_on", "ends_on", "capacity"),
    ENROLMENTS: ("cohort", "trainee", "job_title"),
    TRAINEES: ("full_name", "email", "birth_year", "consent_given_at", "consent_purpose", "retention_until", "cohort"),
}


@pytest.mark.parametrize("base", list(WRITABLE))
@pytest.mark.parametrize("value", [10**30, -1, "x" * 400, {"a": 1}, [1], None, 1.5])
def test_garbage_in_every_field_is_a_400(world, money, training, as_user, base, value):
    response = as_user(world.superuser).post(base, {name: value for name in WRITABLE[base]}, format="json")
    assert response.status_code == 400, response.content


@pytest.mark.parametrize("pk", ["abc", "99999999999999999999999", "-1"])
def test_an_unknown_id_in_the_path_is_a_404(world, as_user, pk):
    for base in WRITABLE:
        assert as_user(world.superuser).get(f"{base}{pk}/").status_code == 404


@pytest.mark.parametrize("action", ["enrol", "complete", "drop", "employ"])
@pytest.mark.parametrize(
    "payload",
    [
        {"on": "yesterday", "employed_on": "soon"},
        {"expected_from": "nowhere"},
        {"employed_by": 10**30, "comment": ["x"]},
        {"on": None, "employed_on": None, "expected_from": None},
    ],
)
def test_garbage_in_a_workflow_action_is_a_400(world, training, as_user, action, payload):
    response = as_user(world.officer_a).post(url(ENROLMENTS, training["enrolment_a"], action), payload, format="json")
    assert response.status_code in (200, 400), response.content
    if any(value is not None for value in payload.values()):
        assert response.status_code == 400
