"""Trainees' personal data (PIPA): consent recorded and checked, masked for staff who may not change trainees,
anonymised once the retention period is over without changing any KPI, its change history scrubbed too."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.forms import BooleanField
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from core.demo.people import zone_office_permissions
from core.models import PersonalDataAccess
from programs.admin.training import TraineeAdmin, TraineeAdminForm
from programs.models import Enrolment, Trainee
from programs.services import privacy
from programs.tasks import anonymize_expired_trainees
from tests import factories as f
from zones.kpi import compute_all
from zones.models import ZoneStaff

pytestmark = pytest.mark.django_db

SEOUL = f.SEOUL
FULL_NAME, MASKED, EMAIL, PHONE = "김철용", "김*용", "cheolyong.kim@example.kr", "010-1234-5678"

# The people, helpers and fixtures tests/security/test_audit.py shares (its `import *` takes these only).
__all__ = [
    "EMAIL",
    "FULL_NAME",
    "MASKED",
    "enrol",
    "export_rows",
    "login",
    "officer",
    "officer_b",
    "staff_of",
    "trainee",
    "viewer",
    "zone_a",
    "zone_admin",
    "zone_b",
]


def staff_of(zone, username: str, role=ZoneStaff.Role.OFFICER, *, view_only: bool = False):
    user = f.StaffUserFactory(username=username)
    if view_only:
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label="programs", codename__startswith="view_")
        )
    else:
        user.user_permissions.set(zone_office_permissions())
    f.ZoneStaffFactory(zone=zone, user=user, role=role)
    return user


def enrol(trainee, zone, **kwargs):
    cohort = f.CohortFactory(training_program=f.TrainingProgramFactory(zone=zone))
    return f.EnrolmentFactory(trainee=trainee, cohort=cohort, **kwargs)


@pytest.fixture
def zone_a(db):
    return f.ZoneFactory(slug="zone-a", name_ko="가 특구", name_en="Zone A")


@pytest.fixture
def zone_b(db):
    return f.ZoneFactory(slug="zone-b", name_ko="나 특구", name_en="Zone B")


@pytest.fixture
def officer(zone_a):
    """Zone A officer with the zone office's permissions (may change trainees: sees personal data whole)."""
    return staff_of(zone_a, "officer-a")


@pytest.fixture
def viewer(zone_a):
    """Zone A staff who may only view programs records: sees personal data masked."""
    return staff_of(zone_a, "viewer-a", view_only=True)


@pytest.fixture
def zone_admin(zone_a):
    return staff_of(zone_a, "admin-a", ZoneStaff.Role.ADMINISTRATOR)


@pytest.fixture
def officer_b(zone_b):
    return staff_of(zone_b, "officer-b")


@pytest.fixture
def login(client):
    """login(user) -> the test client signed in as that user, asking for English."""

    def make(user):
        client.force_login(user)
        client.cookies["django_language"] = "en"
        return client

    return make


@pytest.fixture
def trainee(db):
    return f.TraineeFactory(full_name=FULL_NAME, email=EMAIL, phone=PHONE, birth_year=1999)


def export_rows(client, data: dict | None = None):
    """Run the admin's enrolment export (CSV, every column offered) and return the response."""
    url = reverse("admin:programs_enrolment_export")
    form = client.get(url).context["form"]
    payload = {"format": "0", "resource": "0", **(data or {})}
    payload.update({name: "on" for name, field in form.fields.items() if isinstance(field, BooleanField)})
    return client.post(url, payload)


# --- consent ---------------------------------------------------------------------------------------------------


def consent_form(**changes) -> TraineeAdminForm:
    data = {
        "full_name": FULL_NAME,
        "email": EMAIL,
        "phone": PHONE,
        "birth_year": "1999",
        "consent_given_at": "2025-02-01 10:00:00",
        "consent_purpose": "교육 운영 및 취업 성과 관리",
        "retention_until": "2028-12-31",
        **changes,
    }
    return TraineeAdminForm(data={k: v for k, v in data.items() if v is not None})


def test_the_trainee_admin_uses_the_consent_form():
    assert TraineeAdmin.form is TraineeAdminForm


def test_consent_with_its_date_purpose_and_retention_is_accepted():
    form = consent_form()
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent_purpose": ""}, "consent_purpose"),
        ({"consent_purpose": "   "}, "consent_purpose"),
        ({"consent_given_at": ""}, "consent_given_at"),
        ({"retention_until": ""}, "retention_until"),
        ({"consent_given_at": "2999-01-01 10:00:00"}, "consent_given_at"),
        ({"retention_until": "2025-01-31"}, "retention_until"),
    ],
)
def test_the_admin_refuses_a_trainee_without_complete_consent(changes, field):
    form = consent_form(**changes)
    assert not form.is_valid()
    assert field in form.errors


@pytest.mark.parametrize("missing", ["consent_given_at", "consent_purpose", "retention_until"])
def test_the_api_refuses_a_trainee_without_complete_consent(zone_a, officer, missing):
    cohort = f.CohortFactory(training_program=f.TrainingProgramFactory(zone=zone_a))
    payload = {
        "full_name": FULL_NAME,
        "consent_given_at": "2025-02-01T10:00:00+09:00",
        "consent_purpose": "교육 운영",
        "retention_until": "2028-12-31",
        "cohort": cohort.pk,
    }
    del payload[missing]
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(officer)
    response = client.post("/api/v1/trainees/", payload, format="json")
    assert response.status_code == 400
    assert missing in response.json()


# --- masking -------------------------------------------------------------------------------------------------------


def test_view_only_staff_see_a_masked_trainee_page(login, viewer, zone_a, trainee):
    enrol(trainee, zone_a)

    response = login(viewer).get(reverse("admin:programs_trainee_change", args=[trainee.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert MASKED in content and "c***@example.kr" in content and "010-****-5678" in content and "199*" in content
    assert FULL_NAME not in content and EMAIL not in content and PHONE not in content and "1999" not in content


def test_view_only_staff_see_masked_birth_years_in_the_list(login, viewer, zone_a, trainee):
    enrol(trainee, zone_a)

    content = login(viewer).get(reverse("admin:programs_trainee_changelist")).content.decode()

    assert MASKED in content and "199*" in content
    assert FULL_NAME not in content and EMAIL not in content and ">1999<" not in content


def test_view_only_staff_cannot_find_a_trainee_by_name_or_email(login, viewer, zone_a, trainee):
    other = f.TraineeFactory(full_name="이영희")
    enrol(trainee, zone_a)
    enrol(other, zone_a)
    client = login(viewer)

    for term in (FULL_NAME, EMAIL):
        response = client.get(reverse("admin:programs_trainee_changelist"), {"q": term})
        assert {row.pk for row in response.context["cl"].result_list} == {trainee.pk, other.pk}
    response = client.get(reverse("admin:programs_enrolment_changelist"), {"q": FULL_NAME})
    assert list(response.context["cl"].result_list) == []  # cohorts and employers only: a name matches nothing


def test_officers_who_may_change_trainees_see_the_whole_page_and_search_by_name(login, officer, zone_a, trainee):
    enrol(trainee, zone_a)
    enrol(f.TraineeFactory(full_name="이영희"), zone_a)
    client = login(officer)

    content = client.get(reverse("admin:programs_trainee_change", args=[trainee.pk])).content.decode()
    assert FULL_NAME in content and EMAIL in content and PHONE in content and "1999" in content
    response = client.get(reverse("admin:programs_trainee_changelist"), {"q": FULL_NAME})
    assert [row.pk for row in response.context["cl"].result_list] == [trainee.pk]


@pytest.mark.parametrize("who", ["officer", "viewer"])
def test_the_enrolment_export_carries_no_identifying_data(request, login, zone_a, trainee, who):
    user = request.getfixturevalue(who)
    enrol(trainee, zone_a)

    response = export_rows(login(user))

    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert MASKED in text
    assert FULL_NAME not in text and EMAIL not in text and PHONE not in text and "1999" not in text


# --- retention and anonymisation -----------------------------------------------------------------------------


@pytest.fixture
def kept_until_2028(zone_a, officer):
    """Created in 2025 with a history of changes; personal data may be kept until 31 December 2028."""
    with time_machine.travel(dt.datetime(2025, 3, 1, 10, 0, tzinfo=SEOUL), tick=False):
        trainee = f.TraineeFactory(full_name=FULL_NAME, email=EMAIL, phone=PHONE, birth_year=1999)
        trainee.full_name = "김철용 "
        trainee.save()
        trainee.full_name = FULL_NAME
        trainee.save()
        company = f.CompanyFactory()
        employed = enrol(
            trainee,
            zone_a,
            status=Enrolment.Status.EMPLOYED,
            enrolled_on=dt.date(2025, 3, 2),
            completed_on=dt.date(2025, 8, 29),
            employed_by=company,
            employed_on=dt.date(2025, 9, 15),
        )
        f.EnrolmentFactory(trainee=trainee, cohort=f.CohortFactory(training_program=employed.cohort.training_program))
        # someone else in the same cohort, still within retention: kept as is
        f.EnrolmentFactory(cohort=employed.cohort, trainee=f.TraineeFactory(retention_until=dt.date(2035, 12, 31)))
        LogEntry.objects.log_actions(officer.pk, [trainee, employed], CHANGE, change_message="[]")
    return trainee


def _kpis(zone):
    return (
        compute_all(zone, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        compute_all(zone, dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        compute_all(zone, dt.date(2025, 1, 1), dt.date(2025, 12, 31), as_of=dt.datetime(2026, 1, 1, tzinfo=SEOUL)),
    )


def test_personal_data_is_kept_through_the_last_day_of_retention(kept_until_2028):
    with time_machine.travel(dt.datetime(2028, 12, 31, 23, 0, tzinfo=SEOUL)):
        assert privacy.trainees_anonymize_expired() == {"anonymized": 0, "failed": 0}
    kept_until_2028.refresh_from_db()
    assert (kept_until_2028.full_name, kept_until_2028.email, kept_until_2028.anonymized_at) == (FULL_NAME, EMAIL, None)


def test_anonymisation_replaces_the_person_keeps_the_enrolments_and_every_kpi(kept_until_2028, zone_a):
    trainee = kept_until_2028
    enrolments_before = list(Enrolment.objects.filter(trainee=trainee).values().order_by("pk"))
    with time_machine.travel(dt.datetime(2029, 1, 2, 3, 0, tzinfo=SEOUL), tick=False):
        kpis_before = _kpis(zone_a)
        assert any(kpis_before[0].values())
        assert privacy.trainees_anonymize_expired() == {"anonymized": 1, "failed": 0}
        assert _kpis(zone_a) == kpis_before

    trainee.refresh_from_db()
    assert (trainee.full_name, trainee.email, trainee.phone, trainee.birth_year) == ("익명", "", "", None)
    assert trainee.anonymized_at == dt.datetime(2029, 1, 2, 3, 0, tzinfo=SEOUL)
    assert (trainee.consent_purpose, trainee.retention_until) == ("교육 운영 및 취업 성과 관리", dt.date(2028, 12, 31))
    assert list(Enrolment.objects.filter(trainee=trainee).values().order_by("pk")) == enrolments_before
    assert Enrolment.objects.exclude(trainee=trainee).get().trainee.full_name != "익명"


def test_anonymisation_scrubs_the_change_history_and_the_admin_log(kept_until_2028):
    trainee = kept_until_2028
    assert Trainee.history.filter(id=trainee.pk, full_name=FULL_NAME).count() >= 2
    with time_machine.travel(dt.datetime(2029, 1, 2, 3, 0, tzinfo=SEOUL)):
        privacy.trainees_anonymize_expired()

    history = Trainee.history.filter(id=trainee.pk)
    assert history.count() >= 4
    assert set(history.values_list("full_name", "birth_year")) == {("익명", None)}
    assert history.order_by("-history_date", "-history_id").first().history_change_reason == privacy.ANONYMIZED_REASON
    reprs = set(LogEntry.objects.values_list("object_repr", flat=True))
    assert not any("김" in text for text in reprs), reprs
    row = PersonalDataAccess.objects.get()
    assert (row.action, row.object_id, row.actor, row.zone_id) == (
        "anonymize",
        trainee.pk,
        None,
        trainee.enrolments.first().cohort.training_program.zone_id,
    )


def test_anonymisation_is_idempotent(kept_until_2028):
    with time_machine.travel(dt.datetime(2029, 1, 2, 3, 0, tzinfo=SEOUL)):
        assert anonymize_expired_trainees() == {"anonymized": 1, "failed": 0}
    trainee = Trainee.objects.get(pk=kept_until_2028.pk)
    history_count = Trainee.history.filter(id=trainee.pk).count()
    with time_machine.travel(dt.datetime(2029, 1, 3, 3, 0, tzinfo=SEOUL)):
        assert anonymize_expired_trainees() == {"anonymized": 0, "failed": 0}
        assert privacy.trainee_anonymize(trainee=trainee) is False
    again = Trainee.objects.get(pk=trainee.pk)
    assert (again.updated_at, again.anonymized_at) == (trainee.updated_at, trainee.anonymized_at)
    assert Trainee.history.filter(id=trainee.pk).count() == history_count
    assert PersonalDataAccess.objects.count() == 1


def test_anonymisation_is_all_or_nothing_per_trainee(kept_until_2028, zone_a):
    other = f.TraineeFactory(full_name="이영희", retention_until=dt.date(2027, 6, 30))
    enrol(other, zone_a)
    real_scrub = privacy._scrub_admin_log

    def scrub_failing_for_the_first(trainee):
        if trainee.pk == kept_until_2028.pk:
            raise RuntimeError("disk full")
        real_scrub(trainee)

    with (
        time_machine.travel(dt.datetime(2029, 1, 2, 3, 0, tzinfo=SEOUL)),
        mock.patch.object(privacy, "_scrub_admin_log", side_effect=scrub_failing_for_the_first),
    ):
        assert privacy.trainees_anonymize_expired() == {"anonymized": 1, "failed": 1}

    failed = Trainee.objects.get(pk=kept_until_2028.pk)
    assert (failed.full_name, failed.email, failed.anonymized_at) == (FULL_NAME, EMAIL, None)
    assert Trainee.history.filter(id=failed.pk, full_name=FULL_NAME).exists()
    assert Trainee.objects.get(pk=other.pk).full_name == "익명"
    assert list(PersonalDataAccess.objects.values_list("object_id", flat=True)) == [other.pk]
    with time_machine.travel(dt.datetime(2029, 1, 3, 3, 0, tzinfo=SEOUL)):
        assert privacy.trainees_anonymize_expired() == {"anonymized": 1, "failed": 0}  # the next run finishes it


def test_an_anonymised_trainee_cannot_be_given_personal_data_again_in_the_admin(login, officer, kept_until_2028):
    with time_machine.travel(dt.datetime(2029, 1, 2, 3, 0, tzinfo=SEOUL)):
        privacy.trainees_anonymize_expired()
    response = login(officer).get(reverse("admin:programs_trainee_change", args=[kept_until_2028.pk]))
    form = response.context["adminform"].form
    assert not {"full_name", "email", "phone", "birth_year"} & set(form.fields)


def test_anonymisation_runs_daily_from_celery_beat():
    call_command("setup_schedules")
    periodic = PeriodicTask.objects.get(task="programs.tasks.anonymize_expired_trainees")
    crontab = periodic.crontab
    assert periodic.enabled
    assert (crontab.minute, crontab.hour, crontab.day_of_week, crontab.day_of_month, str(crontab.timezone)) == (
        "0",
        "3",
        "*",
        "*",
        "Asia/Seoul",
    )
