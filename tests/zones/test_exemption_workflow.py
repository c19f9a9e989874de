"""The exemption grant workflow: request by plan operators only, every allowed and refused step, the data the
grant, extension and revocation need, and incident and use-and-result reports on grants in use only."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from core.exceptions import ApplicationError
from core.models import TransitionLog
from tests import factories
from zones import services
from zones.models import ExemptionGrant, ExemptionIncident, ExemptionUseReport

pytestmark = pytest.mark.django_db

S = ExemptionGrant.Status
SEOUL = ZoneInfo("Asia/Seoul")
GRANT_DATA = {
    "conditions": "실증 구역 내 운행, 월 1회 안전점검",
    "starts_on": dt.date(2025, 7, 1),
    "ends_on": dt.date(2027, 6, 30),
    "insurer": "삼성화재",
    "insurance_policy_no": "LIA-2025-0001",
    "insurance_coverage_krw": 1_000_000_000,
    "certificate_no": "제2025-양재-001호",
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def officer(db):
    return factories.StaffUserFactory()


def _logs(obj):
    return TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


def _pairs(*, allowed: bool) -> list[tuple[str, str]]:
    table = ExemptionGrant.TRANSITIONS
    return [(a, b) for a in table for b in table if (b in table[a]) is allowed]


def _step(grant: ExemptionGrant, to: str, user, comment: str = "") -> ExemptionGrant:
    """Each step through its service, with the data it needs."""
    if to == S.GRANTED:
        return services.exemption_grant_grant(grant=grant, acting_user=user, comment=comment, **GRANT_DATA)
    if to == S.EXTENDED:
        return services.exemption_grant_extend(
            grant=grant, ends_on=dt.date(2028, 12, 31), acting_user=user, comment=comment
        )
    if to == S.REVOKED:
        return services.exemption_grant_revoke(grant=grant, reason=comment or "보험 해지", acting_user=user)
    return services.exemption_grant_transition(grant=grant, to=to, acting_user=user, comment=comment)


# --- request ---------------------------------------------------------------------------


def test_plan_operator_requests_a_special_case(officer):
    special_case = factories.SpecialCaseFactory()
    company = factories.CompanyFactory()
    factories.PlanOperatorFactory(zone=special_case.zone, company=company)

    grant = services.exemption_grant_request(
        special_case=special_case, company=company, purpose="AI 특허 우선심사", acting_user=officer
    )

    assert grant.status == S.REQUESTED
    log = _logs(grant).get()
    assert (log.actor, log.from_status, log.to_status) == (officer, "", S.REQUESTED)


def test_company_not_named_in_the_plan_cannot_request(officer):
    special_case = factories.SpecialCaseFactory()
    company = factories.CompanyFactory()
    factories.TenancyFactory(company=company, zone=special_case.zone)  # located in the zone is not enough
    factories.PlanOperatorFactory(zone=factories.ZoneFactory(), company=company)  # named in another zone's plan

    with pytest.raises(ApplicationError, match="Only businesses named in the plan") as refusal:
        services.exemption_grant_request(
            special_case=special_case, company=company, purpose="AI 특허 우선심사", acting_user=officer
        )

    assert refusal.value.field == "company"
    assert not ExemptionGrant.objects.exists()


def test_operator_removed_from_the_plan_cannot_request(officer):
    special_case = factories.SpecialCaseFactory()
    company = factories.CompanyFactory()
    factories.PlanOperatorFactory(zone=special_case.zone, company=company, removed_on=dt.date(2025, 1, 1))

    with pytest.raises(ApplicationError, match="Only businesses named in the plan"):
        services.exemption_grant_request(
            special_case=special_case, company=company, purpose="AI 특허 우선심사", acting_user=officer
        )


# --- every step ------------------------------------------------------------------------


@pytest.mark.parametrize(("current", "to"), _pairs(allowed=True))
def test_allowed_step_records_status_and_log(officer, current, to):
    grant = factories.ExemptionGrantFactory(status=current)

    _step(grant, to, officer, comment="심의 결과")

    grant.refresh_from_db()
    assert grant.status == to
    log = _logs(grant).get()
    assert (log.actor, log.from_status, log.to_status, log.comment) == (officer, current, to, "심의 결과")


@pytest.mark.parametrize(("current", "to"), _pairs(allowed=False))
def test_refused_step_changes_nothing(officer, current, to):
    grant = factories.ExemptionGrantFactory(status=current)

    with pytest.raises(ApplicationError, match="not allowed"):
        _step(grant, to, officer)

    grant.refresh_from_db()
    assert grant.status == current
    assert not _logs(grant).exists()


def test_grant_records_conditions_period_insurance_and_certificate(officer):
    grant = factories.ExemptionGrantFactory(status=S.UNDER_REVIEW, starts_on=None, ends_on=None)

    services.exemption_grant_grant(grant=grant, acting_user=officer, **GRANT_DATA)

    grant.refresh_from_db()
    assert {name: getattr(grant, name) for name in GRANT_DATA} == GRANT_DATA


@pytest.mark.parametrize(
    ("blank", "named"),
    [
        ({"conditions": ""}, "conditions"),
        ({"starts_on": None}, "starts on"),
        ({"ends_on": None}, "ends on"),
        ({"insurer": " "}, "liability insurer"),
        ({"insurance_policy_no": ""}, "insurance policy number"),
        ({"insurance_coverage_krw": 0}, "insurance coverage"),
        ({"insurance_coverage_krw": None}, "insurance coverage"),
        ({"certificate_no": ""}, "certificate number"),
    ],
)
def test_grant_without_its_data_is_refused_naming_the_field(officer, blank, named):
    grant = factories.ExemptionGrantFactory(status=S.UNDER_REVIEW)

    with pytest.raises(ApplicationError, match=f"fill in: .*{named}"):
        services.exemption_grant_grant(grant=grant, acting_user=officer, **{**GRANT_DATA, **blank})

    grant.refresh_from_db()
    assert grant.status == S.UNDER_REVIEW
    assert not _logs(grant).exists()


def test_grant_names_every_missing_field(officer):
    grant = factories.ExemptionGrantFactory(status=S.UNDER_REVIEW)
    data = {**GRANT_DATA, "insurer": "", "certificate_no": ""}

    with pytest.raises(ApplicationError, match="liability insurer, certificate number"):
        services.exemption_grant_grant(grant=grant, acting_user=officer, **data)


def test_grant_period_ending_before_it_starts_is_refused(officer):
    grant = factories.ExemptionGrantFactory(status=S.UNDER_REVIEW)
    data = {**GRANT_DATA, "ends_on": dt.date(2025, 1, 1)}

    with pytest.raises(ApplicationError, match="cannot end before it starts"):
        services.exemption_grant_grant(grant=grant, acting_user=officer, **data)


@pytest.mark.parametrize("ends_on", [None, dt.date(2026, 12, 31), dt.date(2026, 6, 30)])
def test_extension_needs_a_later_end_date(officer, ends_on):
    grant = factories.ExemptionGrantFactory(status=S.ACTIVE, ends_on=dt.date(2026, 12, 31))

    with pytest.raises(ApplicationError) as refusal:
        services.exemption_grant_extend(grant=grant, ends_on=ends_on, acting_user=officer)

    assert refusal.value.field == "ends_on"
    grant.refresh_from_db()
    assert (grant.status, grant.ends_on) == (S.ACTIVE, dt.date(2026, 12, 31))


def test_extension_moves_the_end_date(officer):
    grant = factories.ExemptionGrantFactory(status=S.ACTIVE, ends_on=dt.date(2026, 12, 31))

    services.exemption_grant_extend(grant=grant, ends_on=dt.date(2028, 12, 31), acting_user=officer)

    grant.refresh_from_db()
    assert (grant.status, grant.ends_on) == (S.EXTENDED, dt.date(2028, 12, 31))


@pytest.mark.parametrize("reason", ["", "   "])
def test_revocation_needs_a_reason(officer, reason):
    grant = factories.ExemptionGrantFactory(status=S.ACTIVE)

    with pytest.raises(ApplicationError, match="reason") as refusal:
        services.exemption_grant_revoke(grant=grant, reason=reason, acting_user=officer)

    assert refusal.value.field == "revoked_reason"
    grant.refresh_from_db()
    assert grant.status == S.ACTIVE


def test_revocation_keeps_its_reason(officer):
    grant = factories.ExemptionGrantFactory(status=S.ACTIVE)

    services.exemption_grant_revoke(grant=grant, reason="중대 사고 미보고", acting_user=officer)

    grant.refresh_from_db()
    assert (grant.status, grant.revoked_reason) == (S.REVOKED, "중대 사고 미보고")
    assert _logs(grant).get().comment == "중대 사고 미보고"


@pytest.mark.parametrize("to", [S.GRANTED, S.EXTENDED, S.REVOKED])
def test_steps_with_data_are_refused_as_plain_steps(officer, to):
    current = next(status for status, steps in ExemptionGrant.TRANSITIONS.items() if to in steps)
    grant = factories.ExemptionGrantFactory(status=current)

    with pytest.raises(ApplicationError, match="needs more than a status change"):
        services.exemption_grant_transition(grant=grant, to=to, acting_user=officer)


def test_step_from_a_stale_page_is_refused(officer):
    grant = factories.ExemptionGrantFactory(status=S.ACTIVE)

    with pytest.raises(ApplicationError, match="Someone else changed"):
        services.exemption_grant_revoke(grant=grant, reason="사유", acting_user=officer, expected_from=S.GRANTED)


# --- incidents and use-and-result reports -------------------------------------------------

NOT_IN_USE = [status for status in S.values if status not in ExemptionGrant.REPORTABLE_STATUSES]


def _report_incident(grant, user):
    return services.exemption_incident_report(
        grant=grant,
        occurred_at=dt.datetime(2025, 8, 1, 14, 0, tzinfo=SEOUL),
        severity=ExemptionIncident.Severity.MAJOR,
        description="자율주행 로봇 경미 접촉",
        action_taken="운행 중지 후 점검",
        acting_user=user,
    )


def _submit_use_report(grant, user, **overrides):
    data = {
        "period_start": dt.date(2025, 7, 1),
        "period_end": dt.date(2025, 9, 30),
        "uses": 42,
        "results": "우선심사 42건, 평균 심사기간 5개월 단축",
        "issues": "",
    }
    return services.exemption_use_report_submit(grant=grant, acting_user=user, **{**data, **overrides})


@pytest.mark.parametrize("status", ExemptionGrant.REPORTABLE_STATUSES)
def test_incident_is_reported_on_a_grant_in_use(officer, status):
    grant = factories.ExemptionGrantFactory(status=status)

    incident = _report_incident(grant, officer)

    assert incident.grant == grant
    assert incident.history.first().history_user == officer


@pytest.mark.parametrize("status", NOT_IN_USE)
def test_incident_on_a_grant_not_in_use_is_refused(officer, status):
    grant = factories.ExemptionGrantFactory(status=status)

    with pytest.raises(ApplicationError, match="only on a grant in use"):
        _report_incident(grant, officer)

    assert not ExemptionIncident.objects.exists()


@pytest.mark.parametrize("status", ExemptionGrant.REPORTABLE_STATUSES)
def test_use_report_is_submitted_on_a_grant_in_use(officer, status):
    grant = factories.ExemptionGrantFactory(status=status)

    report = _submit_use_report(grant, officer)

    assert (report.grant, report.uses, report.submitted_by) == (grant, 42, officer)
    assert report.submitted_at is not None
    assert report.history.first().history_user == officer


@pytest.mark.parametrize("status", NOT_IN_USE)
def test_use_report_on_a_grant_not_in_use_is_refused(officer, status):
    grant = factories.ExemptionGrantFactory(status=status)

    with pytest.raises(ApplicationError, match="only on a grant in use"):
        _submit_use_report(grant, officer)

    assert not ExemptionUseReport.objects.exists()


def test_use_report_period_ending_before_it_starts_is_refused(officer):
    grant = factories.ExemptionGrantFactory(status=S.ACTIVE)

    with pytest.raises(ApplicationError, match="cannot end before it starts"):
        _submit_use_report(grant, officer, period_end=dt.date(2025, 6, 30))


@pytest.mark.django_db
def test_company_is_told_when_its_special_case_use_is_revoked(django_capture_on_commit_callbacks, mailoutbox):
    from zones.services import exemption_grant_revoke

    grant = factories.ExemptionGrantFactory(status="active")
    factories.CompanyMemberFactory(company=grant.company, user=factories.UserFactory(email="ceo@example.kr"))
    admin_user = factories.SuperUserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        exemption_grant_revoke(grant=grant, acting_user=admin_user, reason="보험 만료")

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ceo@example.kr"]
    assert "취소" in mailoutbox[0].subject or "Revoked" in mailoutbox[0].subject
    assert "보험 만료" in mailoutbox[0].body
