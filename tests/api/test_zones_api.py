"""/api/v1/ zones, special cases, exemption grants (workflow, incidents, use reports), targets, the KPI catalogue,
snapshots and snapshot runs: who sees and does what."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests import factories as f
from zones import kpi
from zones.models import ExemptionGrant, KpiSnapshotRun, SpecialCase, Zone, ZoneTarget

pytestmark = pytest.mark.django_db

Status = ExemptionGrant.Status


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- zones -----------------------------------------------------------------------------------------------


def test_anonymous_cannot_list_zones(world, as_user):
    assert as_user(None).get("/api/v1/zones/").status_code == 401


@pytest.mark.parametrize("who", ["stranger", "member_a", "officer_b", "reviewer_a"])
def test_every_signed_in_user_reads_the_active_zones_with_headline_counts(world, as_user, who):
    f.SpecialCaseFactory(zone=world.zone_a)
    f.TenancyFactory(zone=world.zone_a, company=world.company_a)
    archived = f.ZoneFactory(archived_at=timezone.now())
    response = as_user(getattr(world, who)).get("/api/v1/zones/")
    assert ids(response) == {world.zone_a.pk, world.zone_b.pk}
    row = next(row for row in response.json()["results"] if row["id"] == world.zone_a.pk)
    assert row["special_case_count"] == 1
    assert row["resident_company_count"] == 1
    assert archived.pk not in ids(response)


def test_staff_also_read_the_archived_zones_they_work_for(world, as_user):
    Zone.objects.filter(pk=world.zone_a.pk).update(archived_at=timezone.now())
    assert world.zone_a.pk in ids(as_user(world.officer_a).get("/api/v1/zones/"))
    assert world.zone_a.pk not in ids(as_user(world.officer_b).get("/api/v1/zones/"))
    assert as_user(world.officer_b).get(f"/api/v1/zones/{world.zone_a.pk}/").status_code == 404
    assert world.zone_a.pk in ids(as_user(world.superuser).get("/api/v1/zones/"))


def test_an_officer_edits_their_zone_but_not_another(world, as_user):
    client = as_user(world.officer_a)
    response = client.patch(f"/api/v1/zones/{world.zone_a.pk}/", {"region": "부산광역시"})
    assert response.status_code == 200, response.content
    assert response.json()["region"] == "부산광역시"
    assert "special_case_count" in response.json()
    assert client.patch(f"/api/v1/zones/{world.zone_b.pk}/", {"region": "x"}).status_code == 404


@pytest.mark.parametrize("who", ["reviewer_a", "member_a", "stranger"])
def test_users_without_the_change_permission_cannot_edit_a_zone(world, as_user, who):
    response = as_user(getattr(world, who)).patch(f"/api/v1/zones/{world.zone_a.pk}/", {"region": "x"})
    assert response.status_code == 403


def test_only_superusers_create_and_archive_zones(world, as_user):
    payload = {"slug": "zone-c", "name_ko": "다 특구", "kind": Zone.Kind.AI_CLUSTER}
    assert as_user(world.officer_a).post("/api/v1/zones/", payload).status_code == 403
    assert as_user(world.officer_a).post(f"/api/v1/zones/{world.zone_a.pk}/archive/").status_code == 403
    response = as_user(world.superuser).post("/api/v1/zones/", payload)
    assert response.status_code == 201, response.content
    assert response.json()["special_case_count"] == 0
    archived = as_user(world.superuser).post(f"/api/v1/zones/{response.json()['id']}/archive/")
    assert archived.status_code == 200
    assert archived.json()["archived_at"] is not None


def test_a_zone_with_a_taken_slug_or_a_bad_budget_is_refused_with_field_messages(world, as_user):
    client = as_user(world.superuser)
    response = client.post("/api/v1/zones/", {"slug": "zone-a", "name_ko": "중복", "kind": "ai_cluster"})
    assert response.status_code == 400
    assert response.json()["slug"] == ["zone with this slug already exists."]
    response = client.patch(f"/api/v1/zones/{world.zone_a.pk}/", {"budget_krw": -1})
    assert response.status_code == 400
    assert response.json()["budget_krw"] == ["Ensure this value is greater than or equal to 0."]


def test_zones_filter_by_kind_region_and_designation_and_search_by_name(world, as_user):
    Zone.objects.filter(pk=world.zone_b.pk).update(
        kind=Zone.Kind.AI_CLUSTER, region="광주광역시", designated_on=dt.date(2026, 3, 1)
    )
    client = as_user(world.stranger)
    assert ids(client.get("/api/v1/zones/?kind=ai_cluster")) == {world.zone_b.pk}
    assert ids(client.get("/api/v1/zones/?region=광주광역시")) == {world.zone_b.pk}
    assert ids(client.get("/api/v1/zones/?designated_on_after=2026-01-01")) == {world.zone_b.pk}
    assert ids(client.get("/api/v1/zones/?designated_on_before=2025-01-01")) == {world.zone_a.pk}
    assert ids(client.get("/api/v1/zones/?search=Zone A")) == {world.zone_a.pk}
    assert client.get("/api/v1/zones/?kind=nonsense").status_code == 400
    assert client.get("/api/v1/zones/?designated_on_after=not-a-date").status_code == 400


def test_the_zone_list_runs_the_same_queries_for_1_and_20_zones(world, as_user, count_queries):
    client = as_user(world.officer_a)
    count_queries(client, "/api/v1/zones/")  # warm: the user's zones are cached on the user
    one = count_queries(client, "/api/v1/zones/")
    for _ in range(20):
        zone = f.ZoneFactory()
        f.SpecialCaseFactory(zone=zone)
        f.TenancyFactory(zone=zone)
    assert count_queries(client, "/api/v1/zones/") == one


# --- special cases ---------------------------------------------------------------------------------------


def test_every_signed_in_user_reads_active_special_cases_and_staff_their_archived_ones(world, as_user):
    case_a = f.SpecialCaseFactory(zone=world.zone_a)
    case_b = f.SpecialCaseFactory(zone=world.zone_b)
    archived_a = f.SpecialCaseFactory(zone=world.zone_a, archived_at=timezone.now())
    assert as_user(None).get("/api/v1/special-cases/").status_code == 401
    assert ids(as_user(world.member_a).get("/api/v1/special-cases/")) == {case_a.pk, case_b.pk}
    assert ids(as_user(world.stranger).get("/api/v1/special-cases/")) == {case_a.pk, case_b.pk}
    assert ids(as_user(world.officer_a).get("/api/v1/special-cases/")) == {case_a.pk, case_b.pk, archived_a.pk}
    assert ids(as_user(world.officer_b).get("/api/v1/special-cases/")) == {case_a.pk, case_b.pk}
    assert as_user(world.officer_b).get(f"/api/v1/special-cases/{archived_a.pk}/").status_code == 404


def test_an_officer_creates_and_edits_special_cases_of_their_zone_only(world, as_user):
    client = as_user(world.officer_a)
    payload = {"zone": world.zone_a.pk, "code": "SC-9", "law_name_ko": "특허법", "title_ko": "우선심사"}
    response = client.post("/api/v1/special-cases/", payload)
    assert response.status_code == 201, response.content
    assert response.json()["zone_slug"] == "zone-a"
    assert response.json()["grant_in_force_count"] == 0
    case_id = response.json()["id"]
    response = client.patch(f"/api/v1/special-cases/{case_id}/", {"title_en": "Priority examination"})
    assert response.json()["title_en"] == "Priority examination"

    response = client.post("/api/v1/special-cases/", {**payload, "zone": world.zone_b.pk, "code": "SC-10"})
    assert response.status_code == 400
    assert "Invalid pk" in response.json()["zone"][0]
    case_b = f.SpecialCaseFactory(zone=world.zone_b)
    assert client.patch(f"/api/v1/special-cases/{case_b.pk}/", {"title_en": "x"}).status_code == 404


@pytest.mark.parametrize("who", ["member_a", "stranger", "reviewer_a"])
def test_users_without_permissions_cannot_write_special_cases(world, as_user, who):
    case = f.SpecialCaseFactory(zone=world.zone_a)
    client = as_user(getattr(world, who))
    payload = {"zone": world.zone_a.pk, "code": "SC-9", "law_name_ko": "특허법", "title_ko": "우선심사"}
    assert client.post("/api/v1/special-cases/", payload).status_code == 403
    assert client.patch(f"/api/v1/special-cases/{case.pk}/", {"title_en": "x"}).status_code == 403


def test_a_special_case_keeps_its_zone_and_a_unique_code(world, as_user):
    case = f.SpecialCaseFactory(zone=world.zone_a, code="SC-1")
    client = as_user(world.superuser)
    response = client.patch(f"/api/v1/special-cases/{case.pk}/", {"zone": world.zone_b.pk})
    assert response.status_code == 400
    assert response.json()["zone"] == ["A special case cannot move to another zone."]
    response = client.post(
        "/api/v1/special-cases/", {"zone": world.zone_a.pk, "code": "SC-1", "law_name_ko": "법", "title_ko": "제목"}
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["The fields zone, code must make a unique set."]
    response = client.patch(
        f"/api/v1/special-cases/{case.pk}/", {"valid_from": "2026-01-01", "valid_until": "2025-01-01"}
    )
    assert response.status_code == 400


def test_an_officer_archives_and_restores_a_special_case_of_their_zone(world, as_user):
    case = f.SpecialCaseFactory(zone=world.zone_a)
    client = as_user(world.officer_a)
    assert client.post(f"/api/v1/special-cases/{case.pk}/archive/").json()["archived_at"] is not None
    assert client.post(f"/api/v1/special-cases/{case.pk}/restore/").json()["archived_at"] is None
    assert as_user(world.officer_b).post(f"/api/v1/special-cases/{case.pk}/archive/").status_code == 404


@time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
def test_special_cases_filter_by_zone_kind_validity_and_search(world, as_user):
    current = f.SpecialCaseFactory(zone=world.zone_a, title_ko="드론 비행 특례", kind=SpecialCase.Kind.DEMONSTRATION)
    lapsed = f.SpecialCaseFactory(zone=world.zone_b, valid_until=dt.date(2025, 12, 31))
    client = as_user(world.stranger)
    assert ids(client.get(f"/api/v1/special-cases/?zone={world.zone_a.pk}")) == {current.pk}
    assert ids(client.get("/api/v1/special-cases/?kind=demonstration")) == {current.pk}
    assert ids(client.get("/api/v1/special-cases/?in_force=true")) == {current.pk}
    assert ids(client.get("/api/v1/special-cases/?in_force=false")) == {lapsed.pk}
    assert ids(client.get("/api/v1/special-cases/?in_force_on=2025-06-01")) == {current.pk, lapsed.pk}
    assert ids(client.get("/api/v1/special-cases/?search=드론")) == {current.pk}
    assert client.get("/api/v1/special-cases/?zone=abc").status_code == 400


def test_the_special_case_list_runs_the_same_queries_for_1_and_20_cases(world, as_user, count_queries):
    f.SpecialCaseFactory(zone=world.zone_a)
    client = as_user(world.officer_a)
    count_queries(client, "/api/v1/special-cases/")  # warm: the user's zones are cached on the user
    one = count_queries(client, "/api/v1/special-cases/")
    for _ in range(19):
        f.ExemptionGrantFactory(special_case=f.SpecialCaseFactory(zone=f.ZoneFactory()))
    assert count_queries(client, "/api/v1/special-cases/") == one


# --- exemption grants ------------------------------------------------------------------------------------


@pytest.fixture
def grants(world):
    """An active grant of company A in zone A, and one of company B in zone B."""
    case_a = f.SpecialCaseFactory(zone=world.zone_a)
    case_b = f.SpecialCaseFactory(zone=world.zone_b)
    return (
        f.ExemptionGrantFactory(special_case=case_a, company=world.company_a),
        f.ExemptionGrantFactory(special_case=case_b, company=world.company_b),
    )


def test_exemption_grants_are_scoped_to_zone_staff_and_the_grants_company(world, as_user, grants):
    grant_a, grant_b = grants
    assert as_user(None).get("/api/v1/exemption-grants/").status_code == 401
    assert ids(as_user(world.superuser).get("/api/v1/exemption-grants/")) == {grant_a.pk, grant_b.pk}
    assert ids(as_user(world.officer_a).get("/api/v1/exemption-grants/")) == {grant_a.pk}
    assert ids(as_user(world.member_a).get("/api/v1/exemption-grants/")) == {grant_a.pk}
    assert ids(as_user(world.stranger).get("/api/v1/exemption-grants/")) == set()
    assert ids(as_user(world.reviewer_a).get("/api/v1/exemption-grants/")) == set()
    assert as_user(world.officer_b).get(f"/api/v1/exemption-grants/{grant_a.pk}/").status_code == 404
    assert as_user(world.member_a).get(f"/api/v1/exemption-grants/{grant_b.pk}/").status_code == 404
    row = as_user(world.member_a).get(f"/api/v1/exemption-grants/{grant_a.pk}/").json()
    assert row["zone"] == world.zone_a.pk
    assert row["next_statuses"] == [Status.EXTENDED, Status.EXPIRED, Status.REVOKED]


def test_a_plan_operator_requests_a_special_case_for_its_company(world, as_user):
    case = f.SpecialCaseFactory(zone=world.zone_a)
    f.PlanOperatorFactory(zone=world.zone_a, company=world.company_a)
    response = as_user(world.member_a).post(
        "/api/v1/exemption-grants/", {"special_case": case.pk, "company": world.company_a.pk, "purpose": "실증"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == Status.REQUESTED
    assert response.json()["company_name_ko"] == "가 기업"


def test_a_company_not_named_in_the_plan_cannot_request_a_special_case(world, as_user):
    case = f.SpecialCaseFactory(zone=world.zone_a)
    response = as_user(world.member_a).post(
        "/api/v1/exemption-grants/", {"special_case": case.pk, "company": world.company_a.pk, "purpose": "실증"}
    )
    assert response.status_code == 400
    assert "Only businesses named in the plan may use its special cases" in response.json()["company"][0]


def test_a_grant_request_for_someone_elses_company_or_zone_is_refused(world, as_user):
    case_a = f.SpecialCaseFactory(zone=world.zone_a)
    case_b = f.SpecialCaseFactory(zone=world.zone_b)
    f.PlanOperatorFactory(zone=world.zone_a, company=world.company_b)
    response = as_user(world.member_a).post(
        "/api/v1/exemption-grants/", {"special_case": case_a.pk, "company": world.company_b.pk, "purpose": "x"}
    )
    assert response.status_code == 400
    assert "Invalid pk" in response.json()["company"][0]
    response = as_user(world.officer_a).post(
        "/api/v1/exemption-grants/", {"special_case": case_b.pk, "company": world.company_b.pk, "purpose": "x"}
    )
    assert response.status_code == 400
    assert "Invalid pk" in response.json()["special_case"][0]
    response = as_user(world.officer_a).post(
        "/api/v1/exemption-grants/", {"special_case": case_a.pk, "company": world.company_b.pk, "purpose": " "}
    )
    assert response.status_code == 400
    assert response.json()["purpose"] == ["Say what the special case will be used for."]
    assert as_user(world.stranger).post("/api/v1/exemption-grants/", {}).status_code == 403


def test_an_officer_takes_a_grant_through_review_grant_activation_extension_and_revocation(world, as_user):
    grant = f.ExemptionGrantFactory(
        special_case=f.SpecialCaseFactory(zone=world.zone_a),
        company=world.company_a,
        status=Status.REQUESTED,
        starts_on=None,
        ends_on=None,
    )
    client = as_user(world.officer_a)
    url = f"/api/v1/exemption-grants/{grant.pk}"
    response = client.post(f"{url}/review/", {"comment": "검토 시작", "expected_from": Status.REQUESTED})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.UNDER_REVIEW

    response = client.post(f"{url}/grant/", {"conditions": "보험 유지"})
    assert response.status_code == 400
    assert response.json()["starts_on"][0].startswith("To grant the use, fill in:")

    response = client.post(
        f"{url}/grant/",
        {
            "conditions": "보험 유지",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "insurer": "한국보험",
            "insurance_policy_no": "P-1",
            "insurance_coverage_krw": 100_000_000,
            "certificate_no": "C-1",
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.GRANTED
    assert response.json()["certificate_no"] == "C-1"

    assert client.post(f"{url}/activate/").json()["status"] == Status.ACTIVE
    response = client.post(f"{url}/extend/", {"ends_on": "2026-06-30"})
    assert response.status_code == 400
    assert "must be later than the current one" in response.json()["ends_on"][0]
    response = client.post(f"{url}/extend/", {"ends_on": "2027-12-31"})
    assert response.json()["status"] == Status.EXTENDED
    assert response.json()["ends_on"] == "2027-12-31"

    response = client.post(f"{url}/revoke/", {"revoked_reason": ""})
    assert response.status_code == 400
    assert response.json()["revoked_reason"] == ["Give the reason for revocation."]
    response = client.post(f"{url}/revoke/", {"revoked_reason": "보험 해지"})
    assert response.json()["status"] == Status.REVOKED
    assert response.json()["revoked_reason"] == "보험 해지"


def test_a_step_the_workflow_does_not_allow_or_from_a_stale_status_is_refused(world, as_user):
    grant = f.ExemptionGrantFactory(special_case=f.SpecialCaseFactory(zone=world.zone_a), status=Status.REQUESTED)
    client = as_user(world.officer_a)
    response = client.post(f"/api/v1/exemption-grants/{grant.pk}/activate/")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["This step is not allowed: “Requested” cannot become “Active”."]
    response = client.post(f"/api/v1/exemption-grants/{grant.pk}/refuse/", {"expected_from": Status.UNDER_REVIEW})
    assert response.status_code == 400
    assert "Someone else changed this record" in response.json()["non_field_errors"][0]
    response = client.post(f"/api/v1/exemption-grants/{grant.pk}/refuse/", {"expected_from": Status.REQUESTED})
    assert response.json()["status"] == Status.REFUSED
    assert client.post(f"/api/v1/exemption-grants/{grant.pk}/review/", {"expected_from": "nonsense"}).status_code == 400


def test_workflow_steps_belong_to_the_zones_office(world, as_user, grants):
    grant_a, _grant_b = grants
    assert as_user(world.member_a).post(f"/api/v1/exemption-grants/{grant_a.pk}/expire/").status_code == 403
    assert as_user(world.reviewer_a).post(f"/api/v1/exemption-grants/{grant_a.pk}/expire/").status_code == 403
    assert as_user(world.officer_b).post(f"/api/v1/exemption-grants/{grant_a.pk}/expire/").status_code == 404
    response = as_user(world.officer_a).post(f"/api/v1/exemption-grants/{grant_a.pk}/expire/")
    assert response.json()["status"] == Status.EXPIRED


def test_the_company_reports_incidents_on_its_grant_in_use(world, as_user, grants):
    grant_a, grant_b = grants
    client = as_user(world.member_a)
    payload = {"occurred_at": "2026-01-05T10:00:00+09:00", "severity": "minor", "description": "센서 오류"}
    response = client.post(f"/api/v1/exemption-grants/{grant_a.pk}/incidents/", payload)
    assert response.status_code == 201, response.content
    assert response.json()["grant"] == grant_a.pk
    listed = client.get(f"/api/v1/exemption-grants/{grant_a.pk}/incidents/")
    assert [row["id"] for row in listed.json()] == [response.json()["id"]]
    assert client.get(f"/api/v1/exemption-grants/{grant_a.pk}/").json()["incident_count"] == 1
    assert client.post(f"/api/v1/exemption-grants/{grant_b.pk}/incidents/", payload).status_code == 404
    assert as_user(world.stranger).post(f"/api/v1/exemption-grants/{grant_a.pk}/incidents/", payload).status_code == 403

    ExemptionGrant.objects.filter(pk=grant_a.pk).update(status=Status.EXPIRED)
    response = client.post(f"/api/v1/exemption-grants/{grant_a.pk}/incidents/", payload)
    assert response.status_code == 400
    assert "can be filed only on a grant in use" in response.json()["non_field_errors"][0]
    response = client.post(f"/api/v1/exemption-grants/{grant_a.pk}/incidents/", {**payload, "severity": "huge"})
    assert response.status_code == 400
    assert response.json()["severity"] == ['"huge" is not a valid choice.']


def test_use_reports_are_filed_by_the_office_or_the_company_with_an_ordered_period(world, as_user, grants):
    grant_a, _grant_b = grants
    url = f"/api/v1/exemption-grants/{grant_a.pk}/use-reports/"
    payload = {"period_start": "2025-01-01", "period_end": "2025-06-30", "uses": 12, "results": "처리 단축"}
    response = as_user(world.officer_a).post(url, payload)
    assert response.status_code == 201, response.content
    assert response.json()["submitted_by"] == world.officer_a.pk
    second = {**payload, "period_start": "2025-07-01", "period_end": "2025-12-31"}
    assert as_user(world.member_a).post(url, second).status_code == 201
    response = as_user(world.member_a).post(url, {**payload, "period_end": "2024-12-31"})
    assert response.status_code == 400
    assert response.json()["period_end"] == ["The period cannot end before it starts."]
    response = as_user(world.member_a).post(url, {**payload, "uses": -1})
    assert response.json()["uses"] == ["Ensure this value is greater than or equal to 0."]
    assert len(as_user(world.member_a).get(url).json()) == 2
    assert as_user(world.officer_b).get(url).status_code == 404


def test_exemption_grants_filter_by_status_zone_company_dates_and_search(world, as_user, grants):
    grant_a, grant_b = grants
    requested = f.ExemptionGrantFactory(
        special_case=grant_a.special_case, company=world.company_b, status=Status.REQUESTED, starts_on=None
    )
    client = as_user(world.superuser)
    assert ids(client.get("/api/v1/exemption-grants/?status=requested")) == {requested.pk}
    assert ids(client.get("/api/v1/exemption-grants/?status=requested&status=active")) == {
        requested.pk,
        grant_a.pk,
        grant_b.pk,
    }
    assert ids(client.get(f"/api/v1/exemption-grants/?zone={world.zone_b.pk}")) == {grant_b.pk}
    assert ids(client.get(f"/api/v1/exemption-grants/?company={world.company_a.pk}")) == {grant_a.pk}
    assert ids(client.get(f"/api/v1/exemption-grants/?special_case={grant_a.special_case_id}")) == {
        grant_a.pk,
        requested.pk,
    }
    assert ids(client.get("/api/v1/exemption-grants/?starts_on_after=2024-01-01")) == {grant_a.pk, grant_b.pk}
    assert ids(client.get("/api/v1/exemption-grants/?search=나 기업")) == {grant_b.pk, requested.pk}
    assert client.get("/api/v1/exemption-grants/?status=nonsense").status_code == 400


def test_the_exemption_grant_list_runs_the_same_queries_for_1_and_20_grants(world, as_user, grants, count_queries):
    client = as_user(world.officer_a)
    count_queries(client, "/api/v1/exemption-grants/")  # warm: the user's zones are cached on the user
    one = count_queries(client, "/api/v1/exemption-grants/")
    for _ in range(19):
        grant = f.ExemptionGrantFactory(special_case=f.SpecialCaseFactory(zone=world.zone_a))
        f.ExemptionIncidentFactory(grant=grant)
    assert count_queries(client, "/api/v1/exemption-grants/") == one


# --- zone targets ----------------------------------------------------------------------------------------


def test_zone_targets_are_read_and_written_by_the_zones_staff(world, as_user):
    target_b = f.ZoneTargetFactory(zone=world.zone_b)
    client = as_user(world.officer_a)
    payload = {"zone": world.zone_a.pk, "year": 2026, "measure": ZoneTarget.Measure.JOBS_CREATED, "value": 300}
    response = client.post("/api/v1/zone-targets/", payload)
    assert response.status_code == 201, response.content
    target_id = response.json()["id"]
    assert client.patch(f"/api/v1/zone-targets/{target_id}/", {"value": 350}).json()["value"] == 350
    assert ids(client.get("/api/v1/zone-targets/")) == {target_id}
    assert client.patch(f"/api/v1/zone-targets/{target_b.pk}/", {"value": 1}).status_code == 404
    assert ids(as_user(world.member_a).get("/api/v1/zone-targets/")) == set()
    assert as_user(world.member_a).post("/api/v1/zone-targets/", payload).status_code == 403
    assert as_user(None).get("/api/v1/zone-targets/").status_code == 401


def test_a_target_in_another_zone_a_duplicate_or_a_negative_value_is_refused(world, as_user):
    client = as_user(world.officer_a)
    payload = {"zone": world.zone_a.pk, "year": 2026, "measure": ZoneTarget.Measure.JOBS_CREATED, "value": 300}
    assert "Invalid pk" in client.post("/api/v1/zone-targets/", {**payload, "zone": world.zone_b.pk}).json()["zone"][0]
    assert client.post("/api/v1/zone-targets/", {**payload, "value": -5}).json()["value"] == [
        "Ensure this value is greater than or equal to 0."
    ]
    assert client.post("/api/v1/zone-targets/", payload).status_code == 201
    response = client.post("/api/v1/zone-targets/", payload)
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["The fields zone, year, measure must make a unique set."]


def test_zone_targets_filter_by_zone_year_and_measure(world, as_user):
    jobs = f.ZoneTargetFactory(zone=world.zone_a, year=2026, measure=ZoneTarget.Measure.JOBS_CREATED)
    sales = f.ZoneTargetFactory(zone=world.zone_a, year=2027, measure=ZoneTarget.Measure.SALES_KRW)
    other = f.ZoneTargetFactory(zone=world.zone_b, year=2026, measure=ZoneTarget.Measure.JOBS_CREATED)
    client = as_user(world.superuser)
    assert ids(client.get("/api/v1/zone-targets/?year=2026")) == {jobs.pk, other.pk}
    assert ids(client.get("/api/v1/zone-targets/?measure=sales_krw")) == {sales.pk}
    assert ids(client.get(f"/api/v1/zone-targets/?zone={world.zone_b.pk}")) == {other.pk}
    assert client.get("/api/v1/zone-targets/?year=99999999999").status_code == 400


def test_the_zone_target_list_runs_the_same_queries_for_1_and_20_targets(world, as_user, count_queries):
    f.ZoneTargetFactory(zone=world.zone_a, year=2000)
    client = as_user(world.officer_a)
    count_queries(client, "/api/v1/zone-targets/")  # warm: the user's zones are cached on the user
    one = count_queries(client, "/api/v1/zone-targets/")
    for year in range(2001, 2020):
        f.ZoneTargetFactory(zone=world.zone_a, year=year)
    assert count_queries(client, "/api/v1/zone-targets/") == one


# --- KPI catalogue and snapshots -------------------------------------------------------------------------


def test_anyone_reads_the_kpi_catalogue_with_the_target_each_measure_is_read_against(as_user, db):
    response = as_user(None).get("/api/v1/kpi-definitions/")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert list(rows) == [definition.code for definition in kpi.KPIS]
    assert rows["companies_residents"]["target_measure"] == ZoneTarget.Measure.RESIDENT_COMPANIES
    assert rows["companies_residents"]["target_basis"] == "level"
    assert rows["companies_graduates"]["target_measure"] is None
    one = as_user(None).get("/api/v1/kpi-definitions/companies_residents/")
    assert one.json()["name_en"] == "Resident companies"
    assert as_user(None).get("/api/v1/kpi-definitions/no_such_kpi/").status_code == 404
    assert as_user(None).post("/api/v1/kpi-definitions/", {}).status_code in (401, 403, 405)


def test_kpi_snapshots_are_read_by_the_zones_staff_only(world, as_user):
    snap_a = f.KpiSnapshotFactory(zone=world.zone_a, code="companies_residents")
    snap_b = f.KpiSnapshotFactory(zone=world.zone_b)
    assert ids(as_user(world.superuser).get("/api/v1/kpi-snapshots/")) == {snap_a.pk, snap_b.pk}
    response = as_user(world.officer_a).get("/api/v1/kpi-snapshots/")
    assert ids(response) == {snap_a.pk}
    assert response.json()["results"][0]["name_en"] == "Resident companies"
    assert ids(as_user(world.member_a).get("/api/v1/kpi-snapshots/")) == set()
    assert ids(as_user(world.stranger).get("/api/v1/kpi-snapshots/")) == set()
    assert as_user(world.officer_b).get(f"/api/v1/kpi-snapshots/{snap_a.pk}/").status_code == 404
    assert as_user(None).get("/api/v1/kpi-snapshots/").status_code == 401
    assert as_user(world.officer_a).post("/api/v1/kpi-snapshots/", {}).status_code == 405


def test_kpi_snapshots_filter_by_zone_code_period_kind_and_period(world, as_user):
    q3 = f.KpiSnapshotFactory(zone=world.zone_a, code="companies_residents")
    year = f.KpiSnapshotFactory(
        zone=world.zone_a,
        code="companies_graduates",
        period_kind="year",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    other = f.KpiSnapshotFactory(zone=world.zone_b, code="companies_residents")
    client = as_user(world.superuser)
    assert ids(client.get("/api/v1/kpi-snapshots/?code=companies_residents")) == {q3.pk, other.pk}
    assert ids(client.get(f"/api/v1/kpi-snapshots/?zone={world.zone_a.pk}&period_kind=year")) == {year.pk}
    assert ids(client.get("/api/v1/kpi-snapshots/?year=2024")) == {year.pk}
    assert ids(client.get("/api/v1/kpi-snapshots/?period_start_after=2025-01-01")) == {q3.pk, other.pk}
    assert client.get("/api/v1/kpi-snapshots/?year=0").status_code == 400


def test_the_kpi_snapshot_list_runs_the_same_queries_for_1_and_20_snapshots(world, as_user, count_queries):
    f.KpiSnapshotFactory(zone=world.zone_a)
    client = as_user(world.officer_a)
    count_queries(client, "/api/v1/kpi-snapshots/")  # warm: the user's zones are cached on the user
    one = count_queries(client, "/api/v1/kpi-snapshots/")
    for _ in range(19):
        f.KpiSnapshotFactory(zone=world.zone_a, computed_by=world.officer_a)
    assert count_queries(client, "/api/v1/kpi-snapshots/") == one


# --- KPI snapshot runs -----------------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 2, 10, 12, tzinfo=dt.UTC))
def test_an_officer_starts_a_snapshot_run_of_their_zone_for_an_ended_period(world, as_user):
    client = as_user(world.officer_a)
    response = client.post("/api/v1/kpi-snapshot-runs/", {"period": "2025-Q4", "zones": [world.zone_a.pk]})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == KpiSnapshotRun.Status.QUEUED
    assert response.json()["zones"] == [world.zone_a.pk]
    assert response.json()["period_start"] == "2025-10-01"
    assert ids(client.get("/api/v1/kpi-snapshot-runs/")) == {response.json()["id"]}
    assert ids(as_user(world.officer_b).get("/api/v1/kpi-snapshot-runs/")) == set()
    assert ids(as_user(world.member_a).get("/api/v1/kpi-snapshot-runs/")) == set()


@time_machine.travel(dt.datetime(2026, 2, 10, 12, tzinfo=dt.UTC))
def test_a_snapshot_run_of_another_zone_an_unfinished_or_unknown_period_is_refused(world, as_user):
    client = as_user(world.officer_a)
    response = client.post("/api/v1/kpi-snapshot-runs/", {"period": "2025-Q4", "zones": [world.zone_b.pk]})
    assert "Invalid pk" in response.json()["zones"][0]
    response = client.post("/api/v1/kpi-snapshot-runs/", {"period": "2026-Q1", "zones": [world.zone_a.pk]})
    assert response.status_code == 400
    assert "has not ended yet" in response.json()["period"][0]
    response = client.post("/api/v1/kpi-snapshot-runs/", {"period": "0000", "zones": [world.zone_a.pk]})
    assert response.status_code == 400
    response = client.post("/api/v1/kpi-snapshot-runs/", {"period": "soon", "zones": [world.zone_a.pk]})
    assert response.json()["period"][0].startswith('Unknown period "soon"')
    response = client.post("/api/v1/kpi-snapshot-runs/", {"period": "2025-Q4", "zones": []})
    assert response.json()["zones"] == ["Choose at least one zone."]
    assert as_user(world.member_a).post("/api/v1/kpi-snapshot-runs/", {"period": "2025-Q4"}).status_code == 403
    assert as_user(world.reviewer_a).post("/api/v1/kpi-snapshot-runs/", {"period": "2025-Q4"}).status_code == 403


# --- bad input -------------------------------------------------------------------------------------------

LIST_URLS = [
    "/api/v1/zones/",
    "/api/v1/special-cases/",
    "/api/v1/exemption-grants/",
    "/api/v1/zone-targets/",
    "/api/v1/kpi-snapshots/",
    "/api/v1/kpi-snapshot-runs/",
    "/api/v1/open/zones/",
    "/api/v1/open/kpi/",
]
BAD_QUERIES = [
    "zone=99999999999999999999999",
    "zone=1e400",
    "company=-1",
    "year=-5",
    "code=%00",
    "search=%00",
    "ordering=-nonsense",
    "cursor=garbage",
    "page_size=100000000000000",
    "period_start_after=2025-13-45",
    "in_force_on=yesterday",
    "status=%00",
]


@pytest.mark.parametrize("url", LIST_URLS)
@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_filter_values_are_answered_without_a_server_error(world, as_user, url, query):
    assert as_user(world.superuser).get(f"{url}?{query}").status_code < 500


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/zones/99999999999999999999/",
        "/api/v1/special-cases/abc/",
        "/api/v1/exemption-grants/99999999999999999999/grant/",
        "/api/v1/exemption-grants/-1/incidents/",
    ],
)
def test_unknown_ids_are_not_found(world, as_user, url):
    assert as_user(world.superuser).get(url).status_code in (404, 405)
    assert as_user(world.superuser).post(url, {"comment": 1}).status_code in (403, 404, 405)


def test_wrong_types_in_bodies_are_field_errors(world, as_user, grants):
    grant_a, _grant_b = grants
    client = as_user(world.superuser)
    response = client.post(
        f"/api/v1/exemption-grants/{grant_a.pk}/use-reports/",
        {"period_start": "x", "period_end": [], "uses": 10**30, "results": {"a": 1}},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"period_start", "period_end", "uses", "results"}
    response = client.post(
        "/api/v1/exemption-grants/", {"special_case": "x", "company": 10**30, "purpose": None}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"special_case", "company", "purpose"}
    response = client.post(f"/api/v1/exemption-grants/{grant_a.pk}/extend/", {"ends_on": 5}, format="json")
    assert response.status_code == 400
    response = client.post("/api/v1/zones/", {"slug": "a b", "name_ko": "x", "kind": "x", "area_m2": 10**12})
    assert set(response.json()) >= {"slug", "kind", "area_m2"}
