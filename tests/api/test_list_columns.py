"""A list page reads related columns into its rows (core.api.listing) and shows every record exactly as the record's
own page does: for the officer of the zone, for the superuser, and where a related row is missing."""

import pytest

from core.api.listing import through_required_keys, with_page_columns
from programs.models import Application, Enrolment
from tests import factories as f

pytestmark = pytest.mark.django_db


def _same_as_detail(client, url: str) -> list[dict]:
    listed = client.get(url).json()["results"]
    assert listed, "the list should show the records made for the test"
    for row in listed:
        detail = client.get(f"{url}{row['id']}/").json()
        assert {key: detail.get(key, "(left out)") for key in row} == row
        assert set(row) <= set(detail)
    return listed


def test_enrolments_list_their_cohort_program_and_masked_trainee_as_their_record_does(world, as_user):
    program = f.TrainingProgramFactory(zone=world.zone_a, name_ko="AI 아카데미")
    cohort = f.CohortFactory(training_program=program, name="1기")
    f.EnrolmentFactory(cohort=cohort, trainee=f.TraineeFactory(full_name="김철용"))
    f.EnrolmentFactory(trainee=f.TraineeFactory(full_name="이민"))  # another zone

    rows = _same_as_detail(as_user(world.officer_a), "/api/v1/enrolments/")

    assert [(r["cohort_name"], r["training_program_name"], r["zone"], r["trainee"]["name"]) for r in rows] == [
        ("1기", "AI 아카데미", world.zone_a.pk, "김*용")
    ]
    _same_as_detail(as_user(world.superuser), "/api/v1/enrolments/")


def test_applications_list_their_call_program_and_company_as_their_record_does(world, as_user):
    program = f.ProgramFactory(zone=world.zone_a)
    call = f.CallFactory(program=program, title_ko="컴퓨팅 지원 공모")
    f.ApplicationFactory(call=call, company=world.company_a, status="submitted")
    f.ApplicationFactory(company=world.company_b)  # another zone

    rows = _same_as_detail(as_user(world.officer_a), "/api/v1/applications/")

    assert [(r["call_title"], r["program"], r["zone"], r["company_name"]) for r in rows] == [
        ("컴퓨팅 지원 공모", program.pk, world.zone_a.pk, "가 기업")
    ]
    _same_as_detail(as_user(world.member_a), "/api/v1/applications/")


def test_mous_with_and_without_a_company_list_as_their_record_does(world, as_user):
    f.MouFactory(zone=world.zone_a, company=world.company_a)
    f.MouFactory(zone=world.zone_a, company=None, counterparty_name="광주과학기술원")

    rows = _same_as_detail(as_user(world.officer_a), "/api/v1/mous/")

    assert len(rows) == 2
    assert {row["party_name"] for row in rows} == {"가 기업", "광주과학기술원"}


def test_only_columns_behind_required_keys_are_read_into_the_row():
    assert through_required_keys(Enrolment, "cohort__training_program__name_ko")
    assert through_required_keys(Application, "call__program_id")
    assert not through_required_keys(Enrolment, "employed_by__name_ko")  # a nullable key
    assert not through_required_keys(Application, "screening__eligible")  # a reverse one-to-one
    assert not through_required_keys(Application, "title")  # the row's own column
    with pytest.raises(Exception, match="employed_by__name_ko"):
        with_page_columns(Enrolment.objects.all(), inline=("employed_by__name_ko",))
