"""The enrolment workflow: every allowed and refused step, the date each records, the employer employment needs."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from core.exceptions import ApplicationError
from core.models import TransitionLog
from programs.models import Enrolment
from programs.services import training as services
from tests import factories

pytestmark = pytest.mark.django_db

S = Enrolment.Status


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
    table = Enrolment.TRANSITIONS
    return [(a, b) for a in table for b in table if (b in table[a]) is allowed]


def _enrolment(status: str) -> Enrolment:
    enrolled_on = None if status == S.APPLIED else dt.date(2025, 3, 2)
    extra = {}
    if status == S.EMPLOYED:
        extra = {"employer_name": "네이버클라우드", "employed_on": dt.date(2025, 10, 1)}
    return factories.EnrolmentFactory(status=status, enrolled_on=enrolled_on, **extra)


def _step(enrolment, to, user, comment=""):
    if to == S.EMPLOYED:
        return services.enrolment_employ(
            enrolment=enrolment,
            employed_by=factories.CompanyFactory(),
            employed_on=dt.date(2025, 10, 1),
            job_title="ML 엔지니어",
            acting_user=user,
            comment=comment,
        )
    return services.enrolment_transition(
        enrolment=enrolment, to=to, acting_user=user, on=dt.date(2025, 8, 29), comment=comment
    )


@pytest.mark.parametrize(("current", "to"), _pairs(allowed=True))
def test_allowed_step_records_status_date_and_log(officer, current, to):
    enrolment = _enrolment(current)

    _step(enrolment, to, officer, comment="수료 심사")

    enrolment.refresh_from_db()
    assert enrolment.status == to
    date_field = services.ENROLMENT_STEP_DATES.get(to)
    if date_field:
        assert getattr(enrolment, date_field) == dt.date(2025, 8, 29)
    log = _logs(enrolment).get()
    assert (log.actor, log.from_status, log.to_status, log.comment) == (officer, current, to, "수료 심사")


@pytest.mark.parametrize(("current", "to"), _pairs(allowed=False))
def test_refused_step_changes_nothing(officer, current, to):
    enrolment = _enrolment(current)

    with pytest.raises(ApplicationError, match="not allowed"):
        _step(enrolment, to, officer)

    enrolment.refresh_from_db()
    assert enrolment.status == current
    assert not _logs(enrolment).exists()


def test_employment_by_a_registered_company(officer):
    enrolment = _enrolment(S.COMPLETED)
    company = factories.CompanyFactory()

    services.enrolment_employ(
        enrolment=enrolment, employed_by=company, employed_on=dt.date(2025, 9, 15), acting_user=officer
    )

    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.employed_by, enrolment.employed_on) == (
        S.EMPLOYED,
        company,
        dt.date(2025, 9, 15),
    )


def test_employment_by_an_unregistered_employer(officer):
    enrolment = _enrolment(S.COMPLETED)

    services.enrolment_employ(
        enrolment=enrolment, employer_name="광주광역시청", employed_on=dt.date(2025, 9, 15), acting_user=officer
    )

    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.employer_name) == (S.EMPLOYED, "광주광역시청")


@pytest.mark.parametrize(
    ("data", "named", "field"),
    [
        ({"employed_on": dt.date(2025, 9, 15)}, "employer", "employed_by"),
        ({"employer_name": "  ", "employed_on": dt.date(2025, 9, 15)}, "employer", "employed_by"),
        ({"employer_name": "광주광역시청", "employed_on": None}, "employed on", "employed_on"),
    ],
)
def test_employment_without_employer_or_date_is_refused(officer, data, named, field):
    enrolment = _enrolment(S.COMPLETED)

    with pytest.raises(ApplicationError, match=f"fill in: .*{named}") as refusal:
        services.enrolment_employ(enrolment=enrolment, acting_user=officer, **data)

    assert refusal.value.field == field
    enrolment.refresh_from_db()
    assert enrolment.status == S.COMPLETED
    assert not _logs(enrolment).exists()


def test_employed_is_not_a_plain_step(officer):
    enrolment = _enrolment(S.COMPLETED)

    with pytest.raises(ApplicationError, match="employer and the hiring date"):
        services.enrolment_transition(enrolment=enrolment, to=S.EMPLOYED, acting_user=officer)


@pytest.mark.parametrize(("to", "named"), [(S.COMPLETED, "completed on"), (S.DROPPED, "dropped on")])
def test_step_date_before_enrolment_is_refused(officer, to, named):
    enrolment = _enrolment(S.ENROLLED)

    with pytest.raises(ApplicationError, match=named):
        services.enrolment_transition(enrolment=enrolment, to=to, acting_user=officer, on=dt.date(2025, 1, 1))


def test_step_from_a_stale_page_is_refused(officer):
    enrolment = _enrolment(S.ENROLLED)

    with pytest.raises(ApplicationError, match="Someone else changed"):
        services.enrolment_transition(enrolment=enrolment, to=S.COMPLETED, acting_user=officer, expected_from=S.APPLIED)
