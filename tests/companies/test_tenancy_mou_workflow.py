"""The tenancy and MOU workflows: every step the tables allow, every step they refuse, and the data steps need."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from companies import services
from companies.models import Mou, MouCommitment, Tenancy
from core.exceptions import ApplicationError
from core.models import TransitionLog
from tests import factories

pytestmark = pytest.mark.django_db

TS = Tenancy.Status
MS = Mou.Status


def _pairs(table: dict, *, allowed: bool) -> list[tuple[str, str]]:
    return [(a, b) for a in table for b in table if (b in table[a]) is allowed]


def _logs(obj):
    return TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def officer(db):
    return factories.StaffUserFactory()


# --- tenancy ---------------------------------------------------------------------------


def _tenancy(status: str) -> Tenancy:
    moved_in_on = None if status == TS.APPLICANT else dt.date(2024, 3, 1)
    return factories.TenancyFactory(status=status, moved_in_on=moved_in_on)


@pytest.mark.parametrize(("current", "to"), _pairs(Tenancy.TRANSITIONS, allowed=True))
def test_tenancy_allowed_step_records_status_date_and_log(officer, current, to):
    tenancy = _tenancy(current)

    result = services.tenancy_transition(
        tenancy=tenancy, to=to, acting_user=officer, on=dt.date(2025, 6, 30), comment="위원회 결정"
    )

    assert result.status == to
    tenancy.refresh_from_db()
    assert tenancy.status == to
    date_field = services.TENANCY_STEP_DATES.get(to)
    if date_field:
        assert getattr(tenancy, date_field) == dt.date(2025, 6, 30)
    log = _logs(tenancy).get()
    assert (log.actor, log.from_status, log.to_status, log.comment) == (officer, current, to, "위원회 결정")


@pytest.mark.parametrize(("current", "to"), _pairs(Tenancy.TRANSITIONS, allowed=False))
def test_tenancy_refused_step_changes_nothing(officer, current, to):
    tenancy = _tenancy(current)

    with pytest.raises(ApplicationError, match="not allowed"):
        services.tenancy_transition(tenancy=tenancy, to=to, acting_user=officer)

    tenancy.refresh_from_db()
    assert tenancy.status == current
    assert not _logs(tenancy).exists()


def test_tenancy_membership_keeps_dates_and_exit_records_end(officer):
    tenancy = _tenancy(TS.RESIDENT)

    services.tenancy_transition(tenancy=tenancy, to=TS.MEMBERSHIP, acting_user=officer, on=dt.date(2025, 1, 1))
    services.tenancy_transition(tenancy=tenancy, to=TS.EXITED, acting_user=officer, on=dt.date(2026, 1, 1))

    tenancy.refresh_from_db()
    assert (tenancy.moved_in_on, tenancy.graduated_on, tenancy.ended_on) == (
        dt.date(2024, 3, 1),
        None,
        dt.date(2026, 1, 1),
    )
    assert [(log.from_status, log.to_status) for log in _logs(tenancy)] == [
        (TS.RESIDENT, TS.MEMBERSHIP),
        (TS.MEMBERSHIP, TS.EXITED),
    ]


@pytest.mark.parametrize(("to", "field"), [(TS.GRADUATED, "graduated on"), (TS.EXITED, "ended on")])
def test_tenancy_step_date_before_move_in_is_refused(officer, to, field):
    tenancy = _tenancy(TS.RESIDENT)

    with pytest.raises(ApplicationError, match=field) as refusal:
        services.tenancy_transition(tenancy=tenancy, to=to, acting_user=officer, on=dt.date(2024, 1, 1))

    assert refusal.value.field == services.TENANCY_STEP_DATES[to]
    assert not _logs(tenancy).exists()


def test_tenancy_step_from_a_stale_page_is_refused(officer):
    tenancy = _tenancy(TS.RESIDENT)

    with pytest.raises(ApplicationError, match="Someone else changed"):
        services.tenancy_transition(tenancy=tenancy, to=TS.RESIDENT, acting_user=officer, expected_from=TS.APPLICANT)


# --- MOU -------------------------------------------------------------------------------


def _mou(status: str, *commitments: tuple[int, int | None]) -> Mou:
    mou = factories.MouFactory(status=status)
    for promised, actual in commitments:
        factories.MouCommitmentFactory(
            mou=mou,
            promised_value=promised,
            actual_value=actual,
            actual_on=dt.date(2025, 3, 1) if actual is not None else None,
        )
    return mou


# The commitments that make each target step's data valid.
READY_FOR = {MS.FULFILLED: [(10, 12)], MS.PARTLY_FULFILLED: [(10, 12), (5, 2)]}


@pytest.mark.parametrize(("current", "to"), _pairs(Mou.TRANSITIONS, allowed=True))
def test_mou_allowed_step_records_status_and_log(officer, current, to):
    mou = _mou(current, *READY_FOR.get(to, [(10, None)]))

    services.mou_transition(mou=mou, to=to, acting_user=officer, comment="점검")

    mou.refresh_from_db()
    assert mou.status == to
    log = _logs(mou).get()
    assert (log.actor, log.from_status, log.to_status, log.comment) == (officer, current, to, "점검")


@pytest.mark.parametrize(("current", "to"), _pairs(Mou.TRANSITIONS, allowed=False))
def test_mou_refused_step_changes_nothing(officer, current, to):
    mou = _mou(current, *READY_FOR.get(to, [(10, None)]))

    with pytest.raises(ApplicationError, match="not allowed"):
        services.mou_transition(mou=mou, to=to, acting_user=officer)

    mou.refresh_from_db()
    assert mou.status == current
    assert not _logs(mou).exists()


@pytest.mark.parametrize(
    ("commitments", "message"),
    [
        ([], "no commitments"),
        ([(10, 12), (5, 4)], "Not every commitment is delivered"),
        ([(10, None)], "Not every commitment is delivered"),
    ],
)
def test_mou_fulfilled_needs_every_commitment_delivered(officer, commitments, message):
    mou = _mou(MS.IN_PROGRESS, *commitments)

    with pytest.raises(ApplicationError, match=message):
        services.mou_transition(mou=mou, to=MS.FULFILLED, acting_user=officer)

    mou.refresh_from_db()
    assert mou.status == MS.IN_PROGRESS


@pytest.mark.parametrize(
    ("commitments", "message"),
    [
        ([(10, None)], "No actual value is recorded"),
        ([], "No actual value is recorded"),
        ([(10, 10)], "mark the MOU fulfilled instead"),
    ],
)
def test_mou_partly_fulfilled_needs_some_actual_value(officer, commitments, message):
    mou = _mou(MS.IN_PROGRESS, *commitments)

    with pytest.raises(ApplicationError, match=message):
        services.mou_transition(mou=mou, to=MS.PARTLY_FULFILLED, acting_user=officer)


def test_mou_partly_fulfilled_becomes_fulfilled_once_the_rest_is_recorded(officer):
    mou = _mou(MS.IN_PROGRESS, (10, 12), (1, None))
    services.mou_transition(mou=mou, to=MS.PARTLY_FULFILLED, acting_user=officer)
    short = mou.commitments.get(actual_value__isnull=True)

    services.mou_commitment_record_actual(
        commitment=short, actual_value=1, actual_on=dt.date(2025, 9, 1), evidence="사무소 개소식", acting_user=officer
    )
    services.mou_transition(mou=mou, to=MS.FULFILLED, acting_user=officer)

    mou.refresh_from_db()
    assert mou.status == MS.FULFILLED
    short.refresh_from_db()
    assert (short.actual_value, short.actual_on, short.evidence) == (1, dt.date(2025, 9, 1), "사무소 개소식")
    assert short.history.first().history_user == officer


def test_commitment_actual_needs_a_date(officer):
    commitment = factories.MouCommitmentFactory()

    with pytest.raises(ApplicationError) as refusal:
        services.mou_commitment_record_actual(
            commitment=commitment, actual_value=3, actual_on=None, evidence="", acting_user=officer
        )

    assert refusal.value.field == "actual_on"


@pytest.mark.parametrize("status", [MS.FULFILLED, MS.LAPSED, MS.TERMINATED])
def test_commitment_of_a_closed_mou_is_refused(officer, status):
    commitment = factories.MouCommitmentFactory(mou=factories.MouFactory(status=status))

    with pytest.raises(ApplicationError, match="closed"):
        services.mou_commitment_record_actual(
            commitment=commitment, actual_value=3, actual_on=dt.date(2025, 1, 1), evidence="", acting_user=officer
        )

    commitment.refresh_from_db()
    assert commitment.actual_value is None


def test_commitment_kinds_cover_jobs_investment_and_office():
    assert {MouCommitment.Kind.JOBS, MouCommitment.Kind.INVESTMENT, MouCommitment.Kind.OFFICE_OPENING} <= set(
        MouCommitment.Kind.values
    )
