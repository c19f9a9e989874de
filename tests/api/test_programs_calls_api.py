"""Programs, calls, applications (and their workflow) and reviews through /api/v1/."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from core.demo.people import REVIEWER_PERMISSIONS
from programs.models import Application, ApplicationTransition, ComputeAllocation, Program, Review
from tests import factories as f
from zones.models import ZoneStaff

pytestmark = pytest.mark.django_db

Status = Application.Status


# --- setup ----------------------------------------------------------------------------------------------------


@pytest.fixture
def reviewers_group(world):
    """reviewer_a with the reviewer group's permissions, as core.demo.people builds them."""
    group = Group.objects.create(name="reviewers (test)")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="programs", codename__in=REVIEWER_PERMISSIONS)
    )
    world.reviewer_a.groups.add(group)
    return group


@pytest.fixture
def setup(world):
    """An open compute call in each zone, an unpublished and a closed call in zone A, and one submitted
    application per company (company A in zone A, company B in zone B)."""
    program_a = f.ProgramFactory(zone=world.zone_a, code="compute-a", kind=Program.Kind.COMPUTE)
    program_b = f.ProgramFactory(zone=world.zone_b, code="compute-b", kind=Program.Kind.COMPUTE)
    now = timezone.now()

    class S:
        pass

    s = S()
    s.program_a, s.program_b = program_a, program_b
    s.call_a = f.CallFactory(program=program_a, title_ko="가 공모", title_en="GPU call A")
    s.call_b = f.CallFactory(program=program_b, title_ko="나 공모")
    s.unpublished_a = f.CallFactory(program=program_a, is_published=False, title_ko="비공개 공모")
    s.closed_a = f.CallFactory(
        program=program_a, opens_at=now - dt.timedelta(days=60), closes_at=now - dt.timedelta(days=30)
    )
    s.app_a = f.ApplicationFactory(call=s.call_a, company=world.company_a, title="가 신청")
    s.app_b = f.ApplicationFactory(call=s.call_b, company=world.company_b, title="나 신청")
    return s


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _assert_constant_queries(client, url, count_queries, add_rows) -> None:
    client.get(url)  # the user's zone and role caches are filled by the first request
    one = count_queries(client, url)
    add_rows()
    assert count_queries(client, url) == one


def _under_review(world, setup):
    return f.ApplicationFactory(
        call=setup.call_a, company=f.CompanyFactory(), status=Status.UNDER_REVIEW, title="심사 중"
    )


# --- programs ---------------------------------------------------------------------------------------------------


def test_programs_are_read_by_anyone_signed_in_but_not_anonymously(world, setup, as_user):
    for user in (world.member_a, world.stranger, world.officer_b, world.superuser):
        assert setup.program_a.pk in _ids(as_user(user).get("/api/v1/programs/"))
    assert as_user(world.stranger).get(f"/api/v1/programs/{setup.program_a.pk}/").status_code == 200
    assert as_user(None).get("/api/v1/programs/").status_code == 401


def test_archived_program_is_read_only_by_its_zone_staff(world, setup, as_user):
    setup.program_a.archived_at = timezone.now()
    setup.program_a.save()
    assert setup.program_a.pk in _ids(as_user(world.officer_a).get("/api/v1/programs/?archived=true"))
    assert setup.program_a.pk not in _ids(as_user(world.member_a).get("/api/v1/programs/"))


def test_officer_creates_a_program_in_their_zone_only(world, as_user):
    client = as_user(world.officer_a)
    body = {"zone": world.zone_a.pk, "code": "train-a", "name_ko": "교육", "kind": "training", "budget_krw": 1000}
    response = client.post("/api/v1/programs/", body)
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "training"
    response = client.post("/api/v1/programs/", {**body, "zone": world.zone_b.pk, "code": "train-b"})
    assert response.status_code == 400
    assert "zone" in response.json()


def test_program_with_a_negative_budget_is_refused(world, as_user):
    body = {"zone": world.zone_a.pk, "code": "x", "name_ko": "x", "kind": "compute", "budget_krw": -1}
    response = as_user(world.officer_a).post("/api/v1/programs/", body)
    assert response.status_code == 400
    assert response.json()["budget_krw"] == ["Ensure this value is greater than or equal to 0."]


def test_other_zone_officer_cannot_change_a_program_and_company_users_cannot_write(world, setup, as_user):
    url = f"/api/v1/programs/{setup.program_a.pk}/"
    assert as_user(world.officer_b).patch(url, {"name_ko": "바뀜"}).status_code == 404
    assert as_user(world.member_a).patch(url, {"name_ko": "바뀜"}).status_code == 403
    body = {"zone": world.zone_a.pk, "code": "y", "name_ko": "y", "kind": "compute"}
    assert as_user(world.member_a).post("/api/v1/programs/", body).status_code == 403
    response = as_user(world.officer_a).patch(url, {"name_ko": "바뀜"})
    assert response.status_code == 200 and response.json()["name_ko"] == "바뀜"


def test_programs_filter_by_zone_and_kind(world, setup, as_user):
    f.ProgramFactory(zone=world.zone_a, code="train", kind=Program.Kind.TRAINING)
    client = as_user(world.superuser)
    assert set(_ids(client.get(f"/api/v1/programs/?zone={world.zone_b.pk}"))) == {setup.program_b.pk}
    kinds = {p["kind"] for p in client.get("/api/v1/programs/?kind=training").json()["results"]}
    assert kinds == {"training"}
    assert client.get("/api/v1/programs/?zone=abc").status_code == 400
    assert client.get("/api/v1/programs/?kind=nope").status_code == 400


def test_program_list_runs_constant_queries(world, setup, as_user, count_queries):
    client = as_user(world.member_a)
    _assert_constant_queries(
        client,
        "/api/v1/programs/",
        count_queries,
        lambda: f.ProgramFactory.create_batch(19, zone=world.zone_a),
    )


# --- calls ------------------------------------------------------------------------------------------------------


def test_published_calls_are_public_and_unpublished_ones_only_for_their_zone(world, setup, as_user):
    for user in (world.member_a, world.stranger, world.officer_b):
        ids = _ids(as_user(user).get("/api/v1/calls/"))
        assert setup.call_a.pk in ids and setup.unpublished_a.pk not in ids
    assert as_user(world.officer_b).get(f"/api/v1/calls/{setup.unpublished_a.pk}/").status_code == 404
    assert as_user(world.member_a).get(f"/api/v1/calls/{setup.unpublished_a.pk}/").status_code == 404
    assert setup.unpublished_a.pk in _ids(as_user(world.officer_a).get("/api/v1/calls/"))
    assert as_user(None).get("/api/v1/calls/").status_code == 401


def test_officer_creates_a_call_under_their_zones_program_only(world, setup, as_user):
    now = timezone.now()
    body = {
        "program": setup.program_a.pk,
        "code": "round-2",
        "title_ko": "2차 공모",
        "opens_at": now.isoformat(),
        "closes_at": (now + dt.timedelta(days=30)).isoformat(),
    }
    client = as_user(world.officer_a)
    response = client.post("/api/v1/calls/", body)
    assert response.status_code == 201, response.content
    assert response.json()["is_published"] is False and response.json()["zone"] == world.zone_a.pk
    response = client.post("/api/v1/calls/", {**body, "program": setup.program_b.pk, "code": "round-3"})
    assert response.status_code == 400 and "program" in response.json()


def test_call_closing_before_it_opens_is_refused(world, setup, as_user):
    now = timezone.now()
    body = {
        "program": setup.program_a.pk,
        "code": "backwards",
        "title_ko": "거꾸로",
        "opens_at": now.isoformat(),
        "closes_at": (now - dt.timedelta(days=1)).isoformat(),
    }
    response = as_user(world.officer_a).post("/api/v1/calls/", body)
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_calls_of_another_zone_cannot_be_changed(world, setup, as_user):
    url = f"/api/v1/calls/{setup.call_a.pk}/"
    assert as_user(world.officer_b).patch(url, {"title_ko": "x"}).status_code == 404
    assert as_user(world.member_a).patch(url, {"title_ko": "x"}).status_code == 403
    assert as_user(world.officer_b).post(f"{url}archive/").status_code == 404
    assert as_user(world.officer_a).patch(url, {"is_published": False}).json()["is_published"] is False


def test_calls_filter_by_open_now_zone_program_kind_window_and_title(world, setup, as_user):
    client = as_user(world.officer_a)
    open_ids = set(_ids(client.get("/api/v1/calls/?open=true")))
    assert setup.call_a.pk in open_ids and setup.closed_a.pk not in open_ids and setup.unpublished_a.pk not in open_ids
    assert setup.closed_a.pk in _ids(client.get("/api/v1/calls/?open=false"))
    assert set(_ids(as_user(world.superuser).get(f"/api/v1/calls/?zone={world.zone_b.pk}"))) == {setup.call_b.pk}
    assert setup.call_b.pk not in _ids(client.get(f"/api/v1/calls/?program={setup.program_a.pk}"))
    assert _ids(client.get("/api/v1/calls/?kind=fund")) == []
    before = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert _ids(client.get("/api/v1/calls/", {"closes_at_before": before})) == [setup.closed_a.pk]
    assert _ids(client.get("/api/v1/calls/", {"search": "GPU call A"})) == [setup.call_a.pk]
    assert client.get("/api/v1/calls/?closes_at_after=yesterday").status_code == 400


def test_call_ranking_is_for_the_zone_office(world, setup, reviewers_group, as_user):
    application = _under_review(world, setup)
    criterion = f.RubricCriterionFactory(call=setup.call_a, weight=100)
    review = f.ReviewFactory(application=application, reviewer=world.reviewer_a, submitted_at=timezone.now())
    f.ReviewScoreFactory(review=review, criterion=criterion, score=90)
    url = f"/api/v1/calls/{setup.call_a.pk}/ranking/"
    response = as_user(world.officer_a).get(url)
    assert response.status_code == 200, response.content
    [row] = response.json()
    assert row["application"] == application.pk and row["rank"] == 1 and row["average_score"] == 90.0
    assert row["criteria"][0]["passed"] is True
    assert as_user(world.officer_b).get(url).status_code == 404
    assert as_user(world.member_a).get(url).status_code == 403
    assert as_user(world.reviewer_a).get(url).status_code == 403


def test_call_list_runs_constant_queries(world, setup, as_user, count_queries):
    client = as_user(world.officer_a)
    _assert_constant_queries(
        client,
        "/api/v1/calls/",
        count_queries,
        lambda: f.CallFactory.create_batch(19, program=setup.program_a),
    )


# --- applications: the company's side ------------------------------------------------------------------------------


def test_member_starts_an_application_for_their_company_on_an_open_call(world, setup, as_user):
    call = f.CallFactory(program=setup.program_a)
    response = as_user(world.member_a).post("/api/v1/applications/", {"call": call.pk, "company": world.company_a.pk})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "draft" and response.json()["company"] == world.company_a.pk


def test_member_cannot_apply_for_another_company(world, setup, as_user):
    call = f.CallFactory(program=setup.program_a)
    response = as_user(world.member_a).post("/api/v1/applications/", {"call": call.pk, "company": world.company_b.pk})
    assert response.status_code == 400
    assert "company" in response.json()


def test_member_cannot_apply_to_a_closed_or_unpublished_call(world, setup, as_user):
    client = as_user(world.member_a)
    response = client.post("/api/v1/applications/", {"call": setup.closed_a.pk, "company": world.company_a.pk})
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["This call is not open for applications."]
    response = client.post("/api/v1/applications/", {"call": setup.unpublished_a.pk, "company": world.company_a.pk})
    assert response.status_code == 400
    assert "call" in response.json()
    response = client.post("/api/v1/applications/", {"call": 10**30, "company": "x"})
    assert response.status_code == 400


def test_company_users_see_only_their_applications_without_internal_fields(world, setup, as_user):
    f.ScreeningFactory(application=setup.app_a, eligible=False, reason="내부 메모")
    f.ReviewFactory(application=setup.app_a, reviewer=world.reviewer_a, submitted_at=timezone.now())
    client = as_user(world.member_a)
    assert _ids(client.get("/api/v1/applications/")) == [setup.app_a.pk]
    assert client.get(f"/api/v1/applications/{setup.app_b.pk}/").status_code == 404
    payload = client.get(f"/api/v1/applications/{setup.app_a.pk}/").json()
    assert payload["screening"] is None and payload["average_score"] is None and payload["review_count"] is None
    assert "내부 메모" not in str(payload)
    office = as_user(world.officer_a).get(f"/api/v1/applications/{setup.app_a.pk}/").json()
    assert office["screening"]["reason"] == "내부 메모"


def test_applications_are_scoped_by_zone_for_staff_and_empty_for_strangers(world, setup, as_user):
    assert _ids(as_user(world.officer_a).get("/api/v1/applications/")) == [setup.app_a.pk]
    assert as_user(world.officer_b).get(f"/api/v1/applications/{setup.app_a.pk}/").status_code == 404
    assert _ids(as_user(world.stranger).get("/api/v1/applications/")) == []
    assert as_user(None).get("/api/v1/applications/").status_code == 401
    assert set(_ids(as_user(world.superuser).get("/api/v1/applications/"))) == {setup.app_a.pk, setup.app_b.pk}


def test_reviewer_sees_only_the_applications_assigned_to_them(world, setup, reviewers_group, as_user):
    assigned = _under_review(world, setup)
    f.ReviewFactory(application=assigned, reviewer=world.reviewer_a)
    client = as_user(world.reviewer_a)
    assert _ids(client.get("/api/v1/applications/")) == [assigned.pk]
    assert client.get(f"/api/v1/applications/{setup.app_a.pk}/").status_code == 404


def test_member_edits_the_basics_of_their_draft(world, setup, as_user):
    draft = f.ApplicationFactory(
        call=f.CallFactory(program=setup.program_a), company=world.company_a, status=Status.DRAFT, submitted_at=None
    )
    client = as_user(world.member_a)
    url = f"/api/v1/applications/{draft.pk}/"
    response = client.patch(url, {"title": "새 제목", "requested_gpu_hours": 500})
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "새 제목" and response.json()["requested_gpu_hours"] == 500
    response = client.patch(url, {"requested_gpu_hours": 0})
    assert response.status_code == 400
    assert response.json()["requested_gpu_hours"] == ["Enter a number greater than zero."]
    response = client.patch(url, {"requested_amount_krw": 1000})
    assert response.status_code == 400 and "requested_amount_krw" in response.json()
    assert as_user(world.officer_a).patch(url, {"title": "x"}).status_code == 403


def test_submitted_application_can_no_longer_be_edited(world, setup, as_user):
    response = as_user(world.member_a).patch(f"/api/v1/applications/{setup.app_a.pk}/", {"title": "늦은 수정"})
    assert response.status_code == 400
    assert "can no longer be changed" in response.json()["non_field_errors"][0]


def test_member_submits_and_withdraws_their_application(world, setup, as_user):
    draft = f.ApplicationFactory(
        call=f.CallFactory(program=setup.program_a), company=world.company_a, status=Status.DRAFT, submitted_at=None
    )
    client = as_user(world.member_a)
    response = client.post(f"/api/v1/applications/{draft.pk}/submit/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    response = client.post(f"/api/v1/applications/{draft.pk}/withdraw/", {"comment": "사정 변경"})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    response = client.post(f"/api/v1/applications/{draft.pk}/withdraw/")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["An application that is Withdrawn cannot become Withdrawn."]
    assert client.post(f"/api/v1/applications/{setup.app_b.pk}/withdraw/").status_code == 404


def test_incomplete_draft_is_not_submitted(world, setup, as_user):
    draft = f.ApplicationFactory(
        call=setup.call_a,
        company=f.CompanyFactory(),
        status=Status.DRAFT,
        submitted_at=None,
        requested_gpu_hours=0,
    )
    f.CompanyMemberFactory(company=draft.company, user=world.member_a)
    response = as_user(world.member_a).post(f"/api/v1/applications/{draft.pk}/submit/")
    assert response.status_code == 400
    assert response.json()["non_field_errors"][0].startswith("The application is not complete.")


# --- applications: the zone office's steps ----------------------------------------------------------------------


def test_officer_takes_a_submitted_application_into_screening(world, setup, as_user):
    url = f"/api/v1/applications/{setup.app_a.pk}/start-screening/"
    response = as_user(world.officer_a).post(url, {"comment": "서류 확인", "expected_from": "submitted"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "screening"
    transition = ApplicationTransition.objects.get(application=setup.app_a)
    assert (transition.actor, transition.comment) == (world.officer_a, "서류 확인")


def test_a_step_the_workflow_refuses_is_a_400_with_the_services_message(world, setup, as_user):
    response = as_user(world.officer_a).post(f"/api/v1/applications/{setup.app_a.pk}/send-to-review/")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["An application that is Submitted cannot become Under review."]


def test_a_stale_expected_status_is_a_conflict(world, setup, as_user):
    url = f"/api/v1/applications/{setup.app_a.pk}/start-screening/"
    response = as_user(world.officer_a).post(url, {"expected_from": "draft"})
    assert response.status_code == 400
    assert response.json()["non_field_errors"][0].startswith("Someone else changed this application")
    assert as_user(world.officer_a).post(url, {"expected_from": "bogus"}).status_code == 400
    setup.app_a.refresh_from_db()
    assert setup.app_a.status == Status.SUBMITTED


def test_only_an_administrator_decides(world, setup, as_user):
    application = _under_review(world, setup)
    response = as_user(world.officer_a).post(f"/api/v1/applications/{application.pk}/approve/", {"comment": "ok"})
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["Only a zone administrator can approve or reject an application."]


def test_superuser_approves_and_the_outcome_record_is_created(world, setup, as_user):
    application = _under_review(world, setup)
    response = as_user(world.superuser).post(
        f"/api/v1/applications/{application.pk}/approve/",
        {"comment": "선정", "expected_from": "under_review", "resource": "H100", "value_krw": 5000},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved" and response.json()["decided_at"]
    allocation = ComputeAllocation.objects.get(application=application)
    assert (allocation.resource, allocation.value_krw) == ("H100", 5000)


def test_administrator_rejects_with_a_reason_and_without_one_is_told(world, setup, as_user):
    application = _under_review(world, setup)
    admin = f.StaffUserFactory(username="admin-a")
    f.ZoneStaffFactory(zone=world.zone_a, user=admin, role=ZoneStaff.Role.ADMINISTRATOR)
    admin.user_permissions.set(world.officer_a.user_permissions.all())
    client = as_user(admin)
    response = client.post(f"/api/v1/applications/{application.pk}/reject/", {"comment": ""})
    assert response.status_code == 400
    assert response.json()["comment"] == ["Give the reason for the rejection."]
    response = client.post(f"/api/v1/applications/{application.pk}/reject/", {"comment": "예산 초과"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"


def test_officer_requests_information_and_the_application_reopens(world, setup, as_user):
    setup.app_a.status = Status.SCREENING
    setup.app_a.save()
    client = as_user(world.officer_a)
    url = f"/api/v1/applications/{setup.app_a.pk}/request-information/"
    response = client.post(url, {"comment": ""})
    assert response.status_code == 400 and response.json()["comment"] == ["Say what information is needed."]
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    response = client.post(url, {"comment": "사업계획서를 보완해 주세요.", "due_on": due})
    assert response.status_code == 200 and response.json()["status"] == "info_requested"


def test_agreement_activation_and_closing_follow_the_table(world, setup, as_user):
    application = f.ApplicationFactory(call=setup.call_a, company=f.CompanyFactory(), status=Status.APPROVED)
    client = as_user(world.officer_a)
    for step, status in (("sign-agreement", "agreement_signed"), ("activate", "active"), ("close", "closed")):
        response = client.post(f"/api/v1/applications/{application.pk}/{step}/")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status


def test_office_steps_are_closed_to_other_zones_companies_and_reviewers(world, setup, reviewers_group, as_user):
    url = f"/api/v1/applications/{setup.app_a.pk}/start-screening/"
    assert as_user(world.officer_b).post(url).status_code == 404
    assert as_user(world.member_a).post(url).status_code == 403
    f.ReviewFactory(application=setup.app_a, reviewer=world.reviewer_a)
    assert as_user(world.reviewer_a).post(url).status_code == 403
    assert as_user(world.stranger).post(url).status_code == 403


def test_timeline_shows_who_acted_to_the_office_only(world, setup, as_user):
    as_user(world.officer_a).post(f"/api/v1/applications/{setup.app_a.pk}/start-screening/")
    office = as_user(world.officer_a).get(f"/api/v1/applications/{setup.app_a.pk}/transitions/").json()
    company = as_user(world.member_a).get(f"/api/v1/applications/{setup.app_a.pk}/transitions/").json()
    assert office[0]["to_status"] == company[0]["to_status"] == "screening"
    assert office[0]["actor"] == world.officer_a.pk and company[0]["actor"] is None
    assert as_user(world.officer_b).get(f"/api/v1/applications/{setup.app_a.pk}/transitions/").status_code == 404


def test_applications_filter_search_and_order(world, setup, as_user):
    other = f.ApplicationFactory(
        call=setup.call_a,
        company=f.CompanyFactory(name_ko="다른 기업"),
        status=Status.SCREENING,
        requested_amount_krw=5,
    )
    client = as_user(world.officer_a)
    assert _ids(client.get("/api/v1/applications/?status=screening")) == [other.pk]
    assert _ids(client.get(f"/api/v1/applications/?company={world.company_a.pk}")) == [setup.app_a.pk]
    assert set(_ids(client.get(f"/api/v1/applications/?call={setup.call_a.pk}"))) == {setup.app_a.pk, other.pk}
    assert _ids(client.get(f"/api/v1/applications/?program={setup.program_b.pk}")) == []
    assert _ids(client.get("/api/v1/applications/?requested_amount_krw_min=1")) == [other.pk]
    assert _ids(client.get("/api/v1/applications/?search=다른")) == [other.pk]
    assert _ids(client.get("/api/v1/applications/?ordering=id")) == [setup.app_a.pk, other.pk]
    after = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert _ids(client.get("/api/v1/applications/", {"submitted_at_after": after})) == []
    assert _ids(client.get("/api/v1/applications/?decided_at_after=2000-01-01T00:00:00Z")) == []
    for bad in ("status=nope", "call=abc", "requested_amount_krw_min=99999999999999999999999", f"zone={10**30}"):
        assert client.get(f"/api/v1/applications/?{bad}").status_code == 400, bad


def test_application_list_runs_constant_queries_for_office_and_company(world, setup, as_user, count_queries):
    def add_rows():
        for _ in range(19):
            call = f.CallFactory(program=setup.program_a)
            application = f.ApplicationFactory(call=call, company=world.company_a)
            f.ScreeningFactory(application=application)
            f.ReviewFactory(application=application, reviewer=world.reviewer_a)

    office, company = as_user(world.officer_a), as_user(world.member_a)
    office.get("/api/v1/applications/")
    company.get("/api/v1/applications/")
    before = (count_queries(office, "/api/v1/applications/"), count_queries(company, "/api/v1/applications/"))
    add_rows()
    after = (count_queries(office, "/api/v1/applications/"), count_queries(company, "/api/v1/applications/"))
    assert before == after


# --- reviews ---------------------------------------------------------------------------------------------------------


def test_officer_assigns_a_reviewer_of_the_zone(world, setup, as_user):
    application = _under_review(world, setup)
    response = as_user(world.officer_a).post(
        "/api/v1/reviews/", {"application": application.pk, "reviewer": world.reviewer_a.pk}
    )
    assert response.status_code == 201, response.content
    assert response.json()["reviewer"] == world.reviewer_a.pk and response.json()["submitted_at"] is None
    response = as_user(world.officer_a).post(
        "/api/v1/reviews/", {"application": application.pk, "reviewer": world.reviewer_a.pk}
    )
    assert response.status_code == 400
    assert "already assigned" in response.json()["non_field_errors"][0]


def test_reviewer_acting_for_the_applicant_is_a_conflict_of_interest(world, setup, as_user):
    application = f.ApplicationFactory(
        call=f.CallFactory(program=setup.program_a), company=world.company_a, status=Status.UNDER_REVIEW
    )
    f.CompanyMemberFactory(company=world.company_a, user=world.reviewer_a)
    response = as_user(world.officer_a).post(
        "/api/v1/reviews/", {"application": application.pk, "reviewer": world.reviewer_a.pk}
    )
    assert response.status_code == 400
    assert "conflict of interest" in response.json()["non_field_errors"][0]


def test_reviews_cannot_be_assigned_across_zones_or_by_companies(world, setup, as_user):
    application = _under_review(world, setup)
    body = {"application": application.pk, "reviewer": world.reviewer_a.pk}
    response = as_user(world.officer_b).post("/api/v1/reviews/", body)
    assert response.status_code == 400 and "application" in response.json()
    assert as_user(world.member_a).post("/api/v1/reviews/", body).status_code == 403
    response = as_user(world.officer_a).post("/api/v1/reviews/", {**body, "reviewer": world.officer_b.pk})
    assert response.status_code == 400 and "reviewer" in response.json()


def test_reviews_are_visible_to_zone_staff_and_reviewers_own_only(world, setup, reviewers_group, as_user):
    application = _under_review(world, setup)
    own = f.ReviewFactory(application=application, reviewer=world.reviewer_a)
    other_reviewer = f.StaffUserFactory()
    f.ZoneStaffFactory(zone=world.zone_a, user=other_reviewer, role=ZoneStaff.Role.REVIEWER)
    others = f.ReviewFactory(application=application, reviewer=other_reviewer)
    assert _ids(as_user(world.reviewer_a).get("/api/v1/reviews/")) == [own.pk]
    assert as_user(world.reviewer_a).get(f"/api/v1/reviews/{others.pk}/").status_code == 404
    assert set(_ids(as_user(world.officer_a).get("/api/v1/reviews/"))) == {own.pk, others.pk}
    assert _ids(as_user(world.officer_b).get("/api/v1/reviews/")) == []
    assert _ids(as_user(world.member_a).get("/api/v1/reviews/")) == []
    assert as_user(None).get("/api/v1/reviews/").status_code == 401


def test_assigned_reviewer_scores_every_criterion_and_submits(world, setup, reviewers_group, as_user):
    application = _under_review(world, setup)
    first = f.RubricCriterionFactory(call=setup.call_a, weight=60)
    second = f.RubricCriterionFactory(call=setup.call_a, weight=40)
    review = f.ReviewFactory(application=application, reviewer=world.reviewer_a)
    url = f"/api/v1/reviews/{review.pk}/score/"
    client = as_user(world.reviewer_a)
    response = client.post(url, {"scores": [{"criterion": first.pk, "score": 80}]}, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"][0].startswith("Score every criterion")
    scores = [{"criterion": first.pk, "score": 80}, {"criterion": second.pk, "score": 70}]
    response = as_user(world.officer_a).post(url, {"scores": scores}, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["Only the assigned reviewer can score this review."]
    response = client.post(url, {"scores": scores, "comment": "우수"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["submitted_at"] and response.json()["weighted_score"] == pytest.approx(76.0)
    assert client.post(url, {"scores": scores}, format="json").json()["non_field_errors"] == [
        "This review is already submitted."
    ]


def test_reviewer_declares_a_conflict_of_interest(world, setup, reviewers_group, as_user):
    review = f.ReviewFactory(application=_under_review(world, setup), reviewer=world.reviewer_a)
    url = f"/api/v1/reviews/{review.pk}/declare-conflict/"
    assert as_user(world.reviewer_a).post(url, {"reason": ""}).status_code == 400
    response = as_user(world.reviewer_a).post(url, {"reason": "지인 회사"})
    assert response.status_code == 200 and response.json()["conflict_of_interest"] is True


def test_reviews_are_not_edited_directly(world, setup, as_user):
    review = f.ReviewFactory(application=_under_review(world, setup), reviewer=world.reviewer_a)
    assert as_user(world.officer_a).patch(f"/api/v1/reviews/{review.pk}/", {"comment": "x"}).status_code == 405


def test_reviews_filter_by_application_call_reviewer_and_state(world, setup, as_user):
    application = _under_review(world, setup)
    pending = f.ReviewFactory(application=application, reviewer=world.reviewer_a)
    done = f.ReviewFactory(application=setup.app_a, submitted_at=timezone.now())
    client = as_user(world.officer_a)
    assert _ids(client.get(f"/api/v1/reviews/?application={application.pk}")) == [pending.pk]
    assert _ids(client.get(f"/api/v1/reviews/?reviewer={world.reviewer_a.pk}")) == [pending.pk]
    assert set(_ids(client.get(f"/api/v1/reviews/?call={setup.call_a.pk}"))) == {pending.pk, done.pk}
    assert _ids(client.get("/api/v1/reviews/?submitted=true")) == [done.pk]
    assert _ids(client.get("/api/v1/reviews/?status=pending")) == [pending.pk]
    assert client.get("/api/v1/reviews/?status=nope").status_code == 400


def test_review_list_runs_constant_queries_for_office_and_reviewer(
    world, setup, reviewers_group, as_user, count_queries
):
    criterion = f.RubricCriterionFactory(call=setup.call_a)

    def add_rows():
        for _ in range(19):
            review = f.ReviewFactory(application=_under_review(world, setup), reviewer=world.reviewer_a)
            f.ReviewScoreFactory(review=review, criterion=criterion)

    review = f.ReviewFactory(application=_under_review(world, setup), reviewer=world.reviewer_a)
    f.ReviewScoreFactory(review=review, criterion=criterion)
    office, reviewer = as_user(world.officer_a), as_user(world.reviewer_a)
    office.get("/api/v1/reviews/")
    reviewer.get("/api/v1/reviews/")
    before = (count_queries(office, "/api/v1/reviews/"), count_queries(reviewer, "/api/v1/reviews/"))
    add_rows()
    after = (count_queries(office, "/api/v1/reviews/"), count_queries(reviewer, "/api/v1/reviews/"))
    assert before == after
    assert len(Review.objects.all()) == 20


def test_bad_input_is_a_4xx_never_a_500(world, setup, reviewers_group, as_user):
    application = _under_review(world, setup)
    review = f.ReviewFactory(application=application, reviewer=world.reviewer_a)
    huge = 10**30
    office, superuser = as_user(world.officer_a), as_user(world.superuser)
    requests = [
        (superuser, "post", f"/api/v1/applications/{application.pk}/approve/", {"fund": "x", "value_krw": huge}),
        (superuser, "post", f"/api/v1/applications/{application.pk}/approve/", {"starts_on": "soon", "fund": huge}),
        (office, "post", f"/api/v1/applications/{setup.app_a.pk}/request-information/", {"due_on": "2000-13-01"}),
        (office, "post", f"/api/v1/applications/{setup.app_a.pk}/start-screening/", ["not", "a", "dict"]),
        (as_user(world.member_a), "patch", f"/api/v1/applications/{setup.app_a.pk}/", {"special_case": huge}),
        (as_user(world.member_a), "post", "/api/v1/applications/", {"call": "abc", "company": huge}),
        (office, "post", "/api/v1/reviews/", {"application": huge, "reviewer": "abc"}),
        (as_user(world.reviewer_a), "post", f"/api/v1/reviews/{review.pk}/score/", {"scores": "abc"}),
        (as_user(world.reviewer_a), "post", f"/api/v1/reviews/{review.pk}/score/", {"scores": [{"criterion": huge}]}),
        (office, "post", "/api/v1/calls/", {"program": huge, "opens_at": "x", "budget_krw": huge}),
        (office, "post", "/api/v1/programs/", {"zone": -1, "kind": 3, "budget_krw": huge}),
        (office, "get", "/api/v1/applications/", {"submitted_at_before": "x", "decided_at_after": "9999-99-99"}),
        (office, "get", "/api/v1/calls/", {"open": "maybe", "closes_at_after": "x", "program": huge}),
        (office, "get", "/api/v1/reviews/", {"application": "x", "submitted": "perhaps", "reviewer": huge}),
        (office, "get", "/api/v1/applications/", {"cursor": "garbage"}),
        (office, "get", f"/api/v1/applications/{huge}/", None),
        (office, "get", f"/api/v1/calls/{huge}/ranking/", None),
    ]
    for client, method, url, data in requests:
        response = getattr(client, method)(url, data, format="json") if method != "get" else client.get(url, data)
        assert 400 <= response.status_code < 500, (url, data, response.status_code, response.content[:300])
