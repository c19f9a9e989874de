"""Enrolment import creates trainees with their consent; the export carries masked names only."""

import datetime as dt

import pytest
import tablib

from programs.models import Enrolment, Trainee
from programs.resources import EnrolmentResource
from tests import factories

pytestmark = pytest.mark.django_db

HEADERS = (
    "program_code",
    "cohort",
    "trainee_name",
    "trainee_email",
    "birth_year",
    "consent_given_at",
    "consent_purpose",
    "retention_until",
    "status",
    "enrolled_on",
)


@pytest.fixture
def cohort():
    program = factories.TrainingProgramFactory(code="youth-academy")
    return factories.CohortFactory(training_program=program, name="3기")


def row(name="김철용", **changes):
    values = {
        "program_code": "youth-academy",
        "cohort": "3기",
        "trainee_name": name,
        "trainee_email": "kim@example.kr",
        "birth_year": "1999",
        "consent_given_at": "2025-02-01 10:00:00",
        "consent_purpose": "교육 운영 및 취업 성과 관리",
        "retention_until": "2028-12-31",
        "status": "enrolled",
        "enrolled_on": "2025-03-02",
    }
    values.update(changes)
    return tuple(values[h] for h in HEADERS)


def test_import_creates_trainees_with_their_consent(cohort):
    dataset = tablib.Dataset(row(), row("이민", trainee_email=""), headers=HEADERS)
    result = EnrolmentResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    enrolment = Enrolment.objects.select_related("trainee").get(trainee__full_name="김철용")
    assert enrolment.cohort == cohort
    assert enrolment.status == Enrolment.Status.ENROLLED
    trainee = enrolment.trainee
    assert trainee.consent_purpose == "교육 운영 및 취업 성과 관리"
    assert trainee.retention_until == dt.date(2028, 12, 31)
    assert trainee.consent_given_at.date() == dt.date(2025, 2, 1)
    assert Trainee.objects.count() == 2


def test_a_row_without_consent_or_with_an_unknown_cohort_imports_nothing(cohort):
    dataset = tablib.Dataset(row(), row("박서연", consent_purpose=""), row("최다은", cohort="99기"), headers=HEADERS)
    result = EnrolmentResource().import_data(dataset, dry_run=False)
    errors = {r.number: sorted(r.field_specific_errors) for r in result.invalid_rows}
    assert errors == {2: ["consent_purpose"], 3: ["cohort"]}
    assert not Trainee.objects.exists() and not Enrolment.objects.exists()


def test_export_carries_masked_names_only(cohort):
    factories.EnrolmentFactory(
        cohort=cohort, trainee=factories.TraineeFactory(full_name="김철용", phone="010-1234-5678")
    )
    exported = EnrolmentResource().export()
    assert "trainee_email" not in exported.headers and "trainee_phone" not in exported.headers
    assert "birth_year" not in exported.headers
    record = dict(zip(exported.headers, exported[0], strict=True))
    assert record["trainee_name"] == "김*용"
    assert (record["program_code"], record["cohort"]) == ("youth-academy", "3기")
    text = exported.export("csv")
    assert "김철용" not in text and "trainee" in text and "010-1234-5678" not in text
