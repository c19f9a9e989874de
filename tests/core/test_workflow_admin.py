"""The workflow panel in the admin: the allowed steps as buttons, one POST per step, conflicts and scope.

Shown with tenancies; the exemption grant and enrolment admins show how steps that need data take it."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from companies.models import Mou, Tenancy
from core.models import TransitionLog
from programs.models import Enrolment
from tests import factories
from zones import services as zone_services
from zones.models import ExemptionGrant

pytestmark = pytest.mark.django_db

TS = Tenancy.Status


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """Messages are checked in English, whatever the Korean catalog says."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _officer(zone, app_label: str, *codenames: str):
    user = factories.StaffUserFactory()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    factories.ZoneStaffFactory(zone=zone, user=user)
    return user


@pytest.fixture
def zone():
    return factories.ZoneFactory()


@pytest.fixture
def officer(zone):
    return _officer(
        zone,
        "companies",
        "view_tenancy",
        "change_tenancy",
        "view_mou",
        "change_mou",
        "view_moucommitment",
        "add_moucommitment",
        "change_moucommitment",
    )


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def _step_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_step", args=[obj.pk])


def _change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _logs(obj):
    return TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


@pytest.mark.parametrize("status", TS.values)
def test_change_page_shows_exactly_the_allowed_steps(officer_client, zone, status):
    tenancy = factories.TenancyFactory(zone=zone, status=status)

    response = officer_client.get(_change_url(tenancy))

    assert response.status_code == 200
    steps = [value for value, _label in response.context["workflow"]["steps"]]
    assert steps == list(Tenancy.TRANSITIONS[status])
    html = response.content.decode()
    for value in TS.values:
        assert (f'name="to" value="{value}"' in html) is (value in Tenancy.TRANSITIONS[status])


def test_status_is_read_only_on_the_change_page(officer_client, zone):
    tenancy = factories.TenancyFactory(zone=zone)

    response = officer_client.get(_change_url(tenancy))

    assert "status" not in response.context["adminform"].form.fields


def test_step_post_moves_the_record_and_logs_it(officer_client, officer, zone):
    tenancy = factories.TenancyFactory(zone=zone, status=TS.RESIDENT)

    response = officer_client.post(
        _step_url(tenancy), {"to": TS.GRADUATED, "expected_from": TS.RESIDENT, "comment": "코스닥 상장"}
    )

    assert response.status_code == 302
    assert response.url == _change_url(tenancy)
    tenancy.refresh_from_db()
    assert (tenancy.status, tenancy.graduated_on) == (TS.GRADUATED, timezone.localdate())
    log = _logs(tenancy).get()
    assert (log.actor, log.from_status, log.to_status, log.comment) == (
        officer,
        TS.RESIDENT,
        TS.GRADUATED,
        "코스닥 상장",
    )
    assert any("Done" in message for message in _messages(response))
    # The workflow history inline shows to those who may read workflow steps.
    officer.user_permissions.add(Permission.objects.get(codename="view_transitionlog"))
    page = officer_client.get(_change_url(tenancy))
    assert "코스닥 상장" in page.content.decode()


def test_step_post_from_a_stale_page_gets_the_conflict_message(officer_client, zone):
    tenancy = factories.TenancyFactory(zone=zone, status=TS.RESIDENT)
    # Someone else graduated it after this officer opened the page (showing "applicant").
    response = officer_client.post(_step_url(tenancy), {"to": TS.RESIDENT, "expected_from": TS.APPLICANT})

    assert response.status_code == 302
    assert any("Someone else changed this record" in message for message in _messages(response))
    tenancy.refresh_from_db()
    assert tenancy.status == TS.RESIDENT
    assert not _logs(tenancy).exists()


def test_step_the_table_does_not_allow_is_refused_with_a_message(officer_client, zone):
    tenancy = factories.TenancyFactory(zone=zone, status=TS.EXITED, ended_on=dt.date(2025, 1, 1))

    response = officer_client.post(_step_url(tenancy), {"to": TS.RESIDENT, "expected_from": TS.EXITED})

    assert any("not allowed" in message for message in _messages(response))
    tenancy.refresh_from_db()
    assert tenancy.status == TS.EXITED


def test_officer_of_another_zone_cannot_run_a_step(officer_client):
    tenancy = factories.TenancyFactory(zone=factories.ZoneFactory(), status=TS.RESIDENT)

    response = officer_client.post(_step_url(tenancy), {"to": TS.EXITED, "expected_from": TS.RESIDENT})

    assert response.status_code == 404
    tenancy.refresh_from_db()
    assert tenancy.status == TS.RESIDENT


def test_step_needs_a_post(officer_client, zone):
    tenancy = factories.TenancyFactory(zone=zone, status=TS.RESIDENT)

    assert officer_client.get(_step_url(tenancy)).status_code == 404


def test_view_only_user_cannot_run_a_step(client, zone):
    viewer = _officer(zone, "companies", "view_tenancy")
    client.force_login(viewer)
    tenancy = factories.TenancyFactory(zone=zone, status=TS.RESIDENT)

    response = client.post(_step_url(tenancy), {"to": TS.EXITED, "expected_from": TS.RESIDENT})

    assert response.status_code == 403
    tenancy.refresh_from_db()
    assert tenancy.status == TS.RESIDENT


def test_mou_fulfilled_step_names_the_undelivered_commitments(officer_client, zone):
    mou = factories.MouFactory(zone=zone, status=Mou.Status.IN_PROGRESS)
    factories.MouCommitmentFactory(mou=mou, description="신규 채용", promised_value=10, actual_value=None)

    response = officer_client.post(
        _step_url(mou), {"to": Mou.Status.FULFILLED, "expected_from": Mou.Status.IN_PROGRESS}
    )

    assert any("Not every commitment is delivered" in m and "신규 채용" in m for m in _messages(response))
    mou.refresh_from_db()
    assert mou.status == Mou.Status.IN_PROGRESS


# --- steps that need data ------------------------------------------------------------------


@pytest.fixture
def zones_client(client, zone):
    client.force_login(_officer(zone, "zones", "view_exemptiongrant", "change_exemptiongrant"))
    return client


def _grant(zone, **fields):
    return factories.ExemptionGrantFactory(special_case=factories.SpecialCaseFactory(zone=zone), **fields)


def test_grant_step_takes_the_saved_data_and_names_what_is_missing(zones_client, zone):
    grant = _grant(zone, status=ExemptionGrant.Status.UNDER_REVIEW, conditions="월 1회 점검")
    S = ExemptionGrant.Status

    response = zones_client.post(_step_url(grant), {"to": S.GRANTED, "expected_from": S.UNDER_REVIEW})

    [message] = _messages(response)
    assert "liability insurer" in message and "certificate number" in message and "conditions" not in message
    grant.refresh_from_db()
    assert grant.status == S.UNDER_REVIEW

    ExemptionGrant.objects.filter(pk=grant.pk).update(
        insurer="삼성화재", insurance_policy_no="P-1", insurance_coverage_krw=500_000_000, certificate_no="C-1"
    )
    zones_client.post(_step_url(grant), {"to": S.GRANTED, "expected_from": S.UNDER_REVIEW})

    grant.refresh_from_db()
    assert grant.status == S.GRANTED


def test_extend_step_takes_the_new_end_date_typed_next_to_the_buttons(zones_client, zone):
    S = ExemptionGrant.Status
    grant = _grant(zone, status=S.ACTIVE, ends_on=dt.date(2026, 12, 31))
    page = zones_client.get(_change_url(grant))
    assert 'name="new_ends_on"' in page.content.decode()

    refused = zones_client.post(_step_url(grant), {"to": S.EXTENDED, "expected_from": S.ACTIVE})
    assert any("new end date" in message for message in _messages(refused))

    zones_client.post(_step_url(grant), {"to": S.EXTENDED, "expected_from": S.ACTIVE, "new_ends_on": "2028-12-31"})

    grant.refresh_from_db()
    assert (grant.status, grant.ends_on) == (S.EXTENDED, dt.date(2028, 12, 31))


def test_revoke_step_takes_the_comment_as_its_reason(zones_client, zone):
    S = ExemptionGrant.Status
    grant = _grant(zone, status=S.ACTIVE)

    refused = zones_client.post(_step_url(grant), {"to": S.REVOKED, "expected_from": S.ACTIVE, "comment": ""})
    assert any("reason for revocation" in message for message in _messages(refused))

    zones_client.post(_step_url(grant), {"to": S.REVOKED, "expected_from": S.ACTIVE, "comment": "보험 해지"})

    grant.refresh_from_db()
    assert (grant.status, grant.revoked_reason) == (S.REVOKED, "보험 해지")


def test_enrolment_employed_step_takes_the_saved_employer(client, zone):
    client.force_login(_officer(zone, "programs", "view_enrolment", "change_enrolment"))
    cohort = factories.CohortFactory(training_program=factories.TrainingProgramFactory(zone=zone))
    enrolment = factories.EnrolmentFactory(cohort=cohort, status=Enrolment.Status.COMPLETED)
    S = Enrolment.Status

    refused = client.post(_step_url(enrolment), {"to": S.EMPLOYED, "expected_from": S.COMPLETED})
    assert any("employer" in message and "employed on" in message for message in _messages(refused))

    Enrolment.objects.filter(pk=enrolment.pk).update(employer_name="네이버클라우드", employed_on=dt.date(2025, 10, 1))
    client.post(_step_url(enrolment), {"to": S.EMPLOYED, "expected_from": S.COMPLETED})

    enrolment.refresh_from_db()
    assert enrolment.status == S.EMPLOYED


def test_grant_page_shows_use_reports_and_workflow_history(admin_client, zone):
    S = ExemptionGrant.Status
    grant = _grant(zone, status=S.ACTIVE)
    zone_services.exemption_use_report_submit(
        grant=grant,
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2025, 6, 30),
        uses=312,
        results="배송 312건",
        acting_user=None,
    )
    admin_client.post(_step_url(grant), {"to": S.EXPIRED, "expected_from": S.ACTIVE, "comment": "기간 만료"})

    html = admin_client.get(_change_url(grant)).content.decode()

    assert "배송 312건" in html
    assert "기간 만료" in html


@pytest.mark.parametrize("status", [Mou.Status.FULFILLED, Mou.Status.LAPSED, Mou.Status.TERMINATED])
def test_commitments_of_a_closed_mou_are_read_only(officer_client, zone, status):
    mou = factories.MouFactory(zone=zone, status=status)
    factories.MouCommitmentFactory(mou=mou)

    response = officer_client.get(_change_url(mou))

    [formset] = [f for f in response.context["inline_admin_formsets"] if f.opts.model.__name__ == "MouCommitment"]
    assert not formset.forms[0].fields.get("actual_value")
    assert not formset.has_add_permission


def test_enrolment_status_is_read_only_in_the_cohort_inline(admin_client):
    enrolment = factories.EnrolmentFactory()

    response = admin_client.get(_change_url(enrolment.cohort))

    [formset] = [f for f in response.context["inline_admin_formsets"] if f.opts.model is Enrolment]
    assert "status" not in formset.forms[0].fields
