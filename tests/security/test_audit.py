"""The audit trail: every unmasked view, export and API read of personal data writes one access row; the
access log and the workflow steps are read-only admin pages for superusers and zone administrators."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import PersonalDataAccess, TransitionLog
from programs.models import Enrolment, Trainee
from programs.services.training import enrolment_transition
from tests import factories as f
from tests.security.test_personal_data import *  # noqa: F403  the people and fixtures both files use
from tests.security.test_personal_data import EMAIL, FULL_NAME, enrol, export_rows

pytestmark = pytest.mark.django_db

ACCESS_LOG = "admin:core_personaldataaccess_changelist"
STEPS = "admin:core_transitionlog_changelist"


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.7")
    client.force_authenticate(user)
    return client


# --- what is recorded ----------------------------------------------------------------------------------------------


def test_viewing_a_trainee_in_the_admin_writes_one_access_row(login, officer, zone_a, trainee):
    enrol(trainee, zone_a)

    response = login(officer).get(
        reverse("admin:programs_trainee_change", args=[trainee.pk]), REMOTE_ADDR="198.51.100.4"
    )

    assert response.status_code == 200
    row = PersonalDataAccess.objects.get()
    assert (row.actor, row.action, row.content_type.model_class(), row.object_id) == (
        officer,
        "view",
        Trainee,
        trainee.pk,
    )
    assert (row.record_count, row.zone, row.ip_address) == (1, zone_a, "198.51.100.4")
    assert row.path == reverse("admin:programs_trainee_change", args=[trainee.pk])


def test_a_masked_admin_view_or_a_refused_one_writes_nothing(login, viewer, officer_b, zone_a, trainee):
    enrol(trainee, zone_a)

    assert login(viewer).get(reverse("admin:programs_trainee_change", args=[trainee.pk])).status_code == 200
    assert login(officer_b).get(reverse("admin:programs_trainee_change", args=[trainee.pk])).status_code == 302
    assert login(officer_b).get(reverse("admin:programs_trainee_changelist")).status_code == 200

    assert not PersonalDataAccess.objects.exists()


def test_an_export_writes_one_row_with_the_number_of_records(login, officer, zone_a, zone_b):
    for _ in range(3):
        enrol(f.TraineeFactory(), zone_a)
    enrol(f.TraineeFactory(), zone_b)  # not the officer's zone: not exported

    response = export_rows(login(officer))

    assert response.status_code == 200
    assert len(response.content.decode("utf-8-sig").strip().splitlines()) == 1 + 3
    row = PersonalDataAccess.objects.get()
    assert (row.actor, row.action, row.content_type.model_class(), row.object_id) == (
        officer,
        "export",
        Enrolment,
        None,
    )
    assert (row.record_count, row.zone) == (3, zone_a)


def test_an_unmasked_api_read_writes_one_row_and_a_masked_one_none(officer, viewer, zone_a, trainee):
    enrol(trainee, zone_a)
    enrol(f.TraineeFactory(), zone_a)

    masked = api(viewer)
    assert masked.get("/api/v1/trainees/").json()["results"][0]["is_masked"] is True
    assert masked.get(f"/api/v1/trainees/{trainee.pk}/").json()["email"] != EMAIL
    assert not PersonalDataAccess.objects.exists()

    full = api(officer)
    assert full.get(f"/api/v1/trainees/{trainee.pk}/").json()["email"] == EMAIL
    row = PersonalDataAccess.objects.get()
    assert (row.actor, row.action, row.object_id, row.zone, row.ip_address) == (
        officer,
        "api_retrieve",
        trainee.pk,
        zone_a,
        "203.0.113.7",
    )
    assert len(full.get("/api/v1/trainees/").json()["results"]) == 2
    listed = PersonalDataAccess.objects.get(action="api_list")
    assert (listed.actor, listed.record_count, listed.object_id) == (officer, 2, None)
    assert PersonalDataAccess.objects.count() == 2


def test_an_empty_or_refused_api_read_writes_nothing(officer, officer_b, zone_a, trainee):
    enrol(trainee, zone_a)
    assert api(officer_b).get(f"/api/v1/trainees/{trainee.pk}/").status_code == 404
    assert api(officer_b).get("/api/v1/trainees/").json()["results"] == []
    assert not PersonalDataAccess.objects.exists()


# --- the access log page -------------------------------------------------------------------------------------------


@pytest.fixture
def accesses(login, officer, officer_b, zone_a, zone_b, trainee):
    """One view by each zone's officer, of a trainee of their zone."""
    other = f.TraineeFactory(full_name="이영희")
    enrol(trainee, zone_a)
    enrol(other, zone_b)
    login(officer).get(reverse("admin:programs_trainee_change", args=[trainee.pk]))
    login(officer_b).get(reverse("admin:programs_trainee_change", args=[other.pk]))
    assert PersonalDataAccess.objects.count() == 2
    return {"a": PersonalDataAccess.objects.get(actor=officer), "b": PersonalDataAccess.objects.get(actor=officer_b)}


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def test_the_access_log_lists_searches_and_filters(login, superuser, accesses, trainee):
    client = login(superuser)

    response = client.get(reverse(ACCESS_LOG))
    assert listed(response) == {accesses["a"].pk, accesses["b"].pk}
    assert "officer-a" in response.content.decode()
    assert listed(client.get(reverse(ACCESS_LOG), {"q": "officer-b"})) == {accesses["b"].pk}
    assert listed(client.get(reverse(ACCESS_LOG), {"q": str(trainee.pk)})) == {accesses["a"].pk}
    assert listed(client.get(reverse(ACCESS_LOG), {"q": "127.0.0"})) == {accesses["a"].pk, accesses["b"].pk}
    assert listed(client.get(reverse(ACCESS_LOG), {"action": "export"})) == set()
    assert listed(client.get(reverse(ACCESS_LOG), {"zone": accesses["b"].zone_id})) == {accesses["b"].pk}
    trainee_type = ContentType.objects.get_for_model(Trainee).pk
    assert len(listed(client.get(reverse(ACCESS_LOG), {"record_type": trainee_type}))) == 2
    assert (
        FULL_NAME
        not in client.get(reverse("admin:core_personaldataaccess_change", args=[accesses["a"].pk])).content.decode()
    )


def test_the_access_log_is_read_only(login, superuser, accesses):
    client = login(superuser)
    row = accesses["a"]

    assert client.get(reverse("admin:core_personaldataaccess_add")).status_code == 403
    assert client.post(reverse("admin:core_personaldataaccess_delete", args=[row.pk])).status_code == 403
    client.post(reverse("admin:core_personaldataaccess_change", args=[row.pk]), {"record_count": "0"})
    row.refresh_from_db()
    assert row.record_count == 1
    assert client.get(reverse(ACCESS_LOG)).context["action_form"] is None


def test_a_zone_administrator_reads_only_their_zones_accesses(login, zone_admin, accesses):
    assert listed(login(zone_admin).get(reverse(ACCESS_LOG))) == {accesses["a"].pk}
    assert (
        login(zone_admin).get(reverse("admin:core_personaldataaccess_change", args=[accesses["b"].pk])).status_code
        == 302
    )


@pytest.mark.parametrize("who", ["officer", "viewer"])
def test_staff_who_are_not_administrators_cannot_open_the_audit_pages(request, login, accesses, who):
    client = login(request.getfixturevalue(who))

    assert client.get(reverse(ACCESS_LOG)).status_code == 403
    assert client.get(reverse(STEPS)).status_code == 403
    assert client.get(reverse("admin:core_personaldataaccess_change", args=[accesses["a"].pk])).status_code == 403
    assert "personaldataaccess" not in client.get(reverse("admin:index")).content.decode()


# --- the workflow steps page ---------------------------------------------------------------------------------------


@pytest.fixture
def steps(officer, officer_b, zone_a, zone_b):
    mine = enrolment_transition(
        enrolment=enrol(f.TraineeFactory(), zone_a, status=Enrolment.Status.APPLIED, enrolled_on=None),
        to=Enrolment.Status.ENROLLED,
        acting_user=officer,
        comment="서류 확인 완료",
    )
    theirs = enrolment_transition(
        enrolment=enrol(f.TraineeFactory(), zone_b, status=Enrolment.Status.APPLIED, enrolled_on=None),
        to=Enrolment.Status.DROPPED,
        acting_user=officer_b,
    )
    return {"a": TransitionLog.objects.get(object_id=mine.pk), "b": TransitionLog.objects.get(object_id=theirs.pk)}


def test_the_workflow_steps_are_listed_and_searchable_for_superusers(login, superuser, steps):
    client = login(superuser)

    assert listed(client.get(reverse(STEPS))) == {steps["a"].pk, steps["b"].pk}
    assert listed(client.get(reverse(STEPS), {"q": "서류 확인"})) == {steps["a"].pk}
    assert listed(client.get(reverse(STEPS), {"q": "officer-b"})) == {steps["b"].pk}
    assert listed(client.get(reverse(STEPS), {"q": str(steps["b"].object_id)})) >= {steps["b"].pk}
    assert listed(client.get(reverse(STEPS), {"to_status": "dropped"})) == {steps["b"].pk}
    assert client.get(reverse("admin:core_transitionlog_add")).status_code == 403
    assert client.post(reverse("admin:core_transitionlog_delete", args=[steps["a"].pk])).status_code == 403


def test_a_zone_administrator_reads_only_their_zones_workflow_steps(login, zone_admin, steps):
    assert listed(login(zone_admin).get(reverse(STEPS))) == {steps["a"].pk}
