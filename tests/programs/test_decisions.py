"""The zone office's application steps: every allowed and refused transition, who may take them, and two
people deciding the same application at once."""

import threading
import time
from unittest import mock

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone, translation

from core.exceptions import ApplicationError
from programs.models import Application, ApplicationTransition, Program
from programs.services.decisions import (
    OFFICE_STEPS,
    application_approve,
    application_reject,
    application_send_to_review,
    application_start_screening,
    application_step,
    office_steps_for,
)
from tests import factories as f
from tests.programs.test_portal_support import member_of

Status = Application.Status
ALL_STATUSES = [status.value for status in Status]


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def staff(zone, role="officer", **kwargs):
    user = f.StaffUserFactory()
    f.ZoneStaffFactory(zone=zone, user=user, role=role, **kwargs)
    return user


def application_at(status: str, *, zone=None, kind=Program.Kind.RND_GRANT, **kwargs) -> Application:
    call = f.CallFactory(program=f.ProgramFactory(zone=zone or f.ZoneFactory(), kind=kind))
    submitted_at = None if status == Status.DRAFT else timezone.now()
    return f.ApplicationFactory(call=call, status=status, submitted_at=submitted_at, **kwargs)


# --- the TRANSITIONS table, exhaustively -----------------------------------------------------------------


OFFICE_PAIRS = [(status, to) for status in ALL_STATUSES for to in OFFICE_STEPS]


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "to"), OFFICE_PAIRS, ids=[f"{s}->{t}" for s, t in OFFICE_PAIRS])
def test_every_office_step_is_done_or_refused_as_the_table_says(status, to):
    application = application_at(status)
    administrator = staff(application.call.program.zone, role="administrator")
    allowed = to in Application.TRANSITIONS[status]

    if allowed:
        application_step(
            application=application, to=to, acting_user=administrator, comment="사유 / reason", expected_from=status
        )
        application.refresh_from_db()
        assert application.status == to
        row = ApplicationTransition.objects.get(application=application)
        assert (row.actor, row.from_status, row.to_status, row.comment) == (administrator, status, to, "사유 / reason")
        assert row.at is not None
    else:
        with pytest.raises(ApplicationError, match="cannot become"):
            application_step(application=application, to=to, acting_user=administrator, comment="사유")
        application.refresh_from_db()
        assert application.status == status
        assert not ApplicationTransition.objects.filter(application=application).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ALL_STATUSES)
@pytest.mark.parametrize("to", [Status.SUBMITTED, Status.WITHDRAWN])
def test_the_office_never_takes_the_companys_steps(status, to):
    application = application_at(status)
    with pytest.raises(ApplicationError, match="only the company"):
        application_step(application=application, to=to, acting_user=f.SuperUserFactory(), comment="x")
    application.refresh_from_db()
    assert application.status == status


@pytest.mark.django_db
def test_the_whole_office_path_leaves_one_audit_row_per_step():
    application = application_at(Status.SUBMITTED)
    zone = application.call.program.zone
    officer, administrator = staff(zone), staff(zone, role="administrator")

    application_start_screening(application=application, acting_user=officer)
    application_send_to_review(application=application, acting_user=officer, comment="서류 적합")
    approval = application_approve(application=application, acting_user=administrator, comment="선정")
    for to in (Status.AGREEMENT_SIGNED, Status.ACTIVE, Status.CLOSED):
        application_step(application=application, to=to, acting_user=officer)

    application.refresh_from_db()
    assert application.status == Status.CLOSED
    assert approval.application.decided_at is not None
    assert list(application.transitions.order_by("at", "pk").values_list("from_status", "to_status")) == [
        ("submitted", "screening"),
        ("screening", "under_review"),
        ("under_review", "approved"),
        ("approved", "agreement_signed"),
        ("agreement_signed", "active"),
        ("active", "closed"),
    ]


@pytest.mark.django_db
def test_a_rejection_needs_a_reason_and_tells_the_company_why():
    application = application_at(Status.UNDER_REVIEW)
    administrator = staff(application.call.program.zone, role="administrator")

    with mock.patch("programs.services.decisions._notify") as notify:
        with pytest.raises(ApplicationError, match="reason"):
            application_reject(application=application, acting_user=administrator, reason="  ")
        assert not notify.called
        application_reject(application=application, acting_user=administrator, reason="예산 소진 / budget spent")

    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert application.decided_at is not None
    assert application.transitions.get().comment == "예산 소진 / budget spent"
    notified, subject, body = notify.call_args.args
    assert notified.pk == application.pk
    assert application.title in subject()
    assert "예산 소진" in body()


@pytest.mark.django_db
def test_a_decision_queues_the_companys_email_for_after_commit(django_capture_on_commit_callbacks):
    application = application_at(Status.UNDER_REVIEW)
    member_of(application.company, email="cto@example.kr")
    administrator = staff(application.call.program.zone, role="administrator")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_approve(application=application, acting_user=administrator)

    assert callbacks  # queued, not sent: nothing goes out if the transaction rolls back
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_a_stale_expected_status_is_a_conflict_and_changes_nothing():
    application = application_at(Status.REJECTED)
    administrator = staff(application.call.program.zone, role="administrator")

    with pytest.raises(ApplicationError, match="Someone else changed"):
        application_approve(application=application, acting_user=administrator, expected_from=Status.UNDER_REVIEW)
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    assert not application.transitions.exists()


# --- who may act -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_officer_of_another_zone_is_refused():
    application = application_at(Status.SUBMITTED)
    stranger = staff(f.ZoneFactory(), role="administrator")
    with pytest.raises(ApplicationError, match="zone office"):
        application_step(application=application, to=Status.SCREENING, acting_user=stranger)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


@pytest.mark.django_db
def test_an_officer_screens_and_sends_to_review_but_does_not_decide():
    application = application_at(Status.SUBMITTED)
    officer = staff(application.call.program.zone)

    application_step(application=application, to=Status.SCREENING, acting_user=officer)
    application_step(application=application, to=Status.UNDER_REVIEW, acting_user=officer)
    for to in (Status.APPROVED, Status.REJECTED):
        with pytest.raises(ApplicationError, match="Only a zone administrator"):
            application_step(application=application, to=to, acting_user=officer, comment="사유")
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW


@pytest.mark.django_db
def test_an_administrator_decides():
    application = application_at(Status.UNDER_REVIEW)
    administrator = staff(application.call.program.zone, role="administrator")
    approval = application_approve(application=application, acting_user=administrator)
    assert approval.application.status == Status.APPROVED


@pytest.mark.django_db
@pytest.mark.parametrize("to", [Status.SCREENING, Status.APPROVED])
def test_a_reviewer_never_moves_an_application(to):
    application = application_at(Status.SUBMITTED if to == Status.SCREENING else Status.UNDER_REVIEW)
    reviewer = staff(application.call.program.zone, role="reviewer")
    with pytest.raises(ApplicationError, match="Reviewers"):
        application_step(application=application, to=to, acting_user=reviewer)


@pytest.mark.django_db
def test_inactive_staff_are_refused():
    application = application_at(Status.SUBMITTED)
    former = staff(application.call.program.zone, role="administrator", is_active=False)
    with pytest.raises(ApplicationError, match="zone office"):
        application_step(application=application, to=Status.SCREENING, acting_user=former)


@pytest.mark.django_db
def test_the_steps_offered_depend_on_the_role():
    application = application_at(Status.UNDER_REVIEW)
    zone = application.call.program.zone
    assert office_steps_for(application, staff(zone, role="administrator")) == (Status.APPROVED, Status.REJECTED)
    assert office_steps_for(application, f.SuperUserFactory()) == (Status.APPROVED, Status.REJECTED)
    assert office_steps_for(application, staff(zone)) == ()
    assert office_steps_for(application, staff(zone, role="reviewer")) == ()
    screening = application_at(Status.SCREENING, zone=zone)
    assert office_steps_for(screening, staff(zone)) == (Status.INFO_REQUESTED, Status.UNDER_REVIEW)


# --- two people deciding at once (PostgreSQL row locks) ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_administrators_deciding_at_once_one_wins_the_other_gets_a_conflict():
    application = application_at(Status.UNDER_REVIEW)
    zone = application.call.program.zone
    first, second = staff(zone, role="administrator"), staff(zone, role="administrator")
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def slow_outcome(**kwargs):
        time.sleep(0.3)  # the approval holds the row lock a while: the rejection has to wait for it
        return None

    def decide(name, service):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):  # each thread has its own language; messages are checked in English
                service()
            results[name] = "done"
        except ApplicationError as error:
            results[name] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=decide,
            args=(
                "approve",
                lambda: application_approve(
                    application=application, acting_user=first, expected_from=Status.UNDER_REVIEW
                ),
            ),
        ),
        threading.Thread(
            target=decide,
            args=(
                "reject",
                lambda: application_reject(
                    application=application, acting_user=second, reason="미달", expected_from=Status.UNDER_REVIEW
                ),
            ),
        ),
    ]
    with mock.patch("programs.services.decisions.outcome_create", side_effect=slow_outcome):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert sorted(type(value).__name__ for value in results.values()) == ["ApplicationError", "str"]
    winner = next(name for name, value in results.items() if value == "done")
    loser_error = next(value for value in results.values() if isinstance(value, ApplicationError))
    assert "Someone else changed" in loser_error.message
    application.refresh_from_db()
    assert application.status == (Status.APPROVED if winner == "approve" else Status.REJECTED)
    assert list(application.transitions.values_list("from_status", "to_status")) == [
        ("under_review", application.status)
    ]
