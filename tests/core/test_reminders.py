"""Each reminder kind: who is told, when, and that a re-run sends nothing new (ReminderLog)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache

from companies.models import SelfReport
from core import reminders
from core.models import ReminderLog
from programs.models import Application, ApplicationMessage
from tests import factories
from zones.models import ExemptionGrant, ZoneStaff

SEOUL = dt.timezone(dt.timedelta(hours=9))
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_slate():
    cache.clear()
    mail.outbox.clear()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a reminder function with the e-mails it queues sent (eager Celery)."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def member_of(company, email):
    user = factories.UserFactory(username=email.split("@")[0], email=email)
    factories.CompanyMemberFactory(company=company, user=user)
    return user


def staff_of(zone, email, role=ZoneStaff.Role.OFFICER):
    user = factories.StaffUserFactory(username=email.split("@")[0], email=email)
    factories.ZoneStaffFactory(zone=zone, user=user, role=role)
    return user


# --- call closing soon --------------------------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 3, 10, 10, 0, tzinfo=SEOUL), tick=False)
def test_call_closing_in_three_days_reminds_companies_with_a_draft_once(run):
    call = factories.CallFactory(
        opens_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=SEOUL), closes_at=dt.datetime(2026, 3, 12, 18, 0, tzinfo=SEOUL)
    )
    later = factories.CallFactory(
        opens_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=SEOUL), closes_at=dt.datetime(2026, 3, 20, 18, 0, tzinfo=SEOUL)
    )
    drafting = factories.CompanyFactory()
    member_of(drafting, "ceo@draft.example.kr")
    factories.ApplicationFactory(call=call, company=drafting, status=Application.Status.DRAFT, submitted_at=None)
    submitted = factories.CompanyFactory()
    member_of(submitted, "ceo@done.example.kr")
    factories.ApplicationFactory(call=call, company=submitted)
    factories.ApplicationFactory(call=later, company=submitted, status=Application.Status.DRAFT, submitted_at=None)

    assert run(reminders.remind_calls_closing) == 1
    assert [m.to for m in mail.outbox] == [["ceo@draft.example.kr"]]
    message = mail.outbox[0]
    assert message.subject.startswith("[AI 특구] 공모 마감 임박")
    assert "2026-03-12 18:00" in message.body
    assert message.body.index("마감") < message.body.index("closes")  # Korean first, then English
    log = ReminderLog.objects.get()
    assert (log.kind, log.due_on) == (reminders.CALL_CLOSING, dt.date(2026, 3, 12))

    assert run(reminders.remind_calls_closing) == 0
    assert len(mail.outbox) == 1


@time_machine.travel(dt.datetime(2026, 3, 10, 10, 0, tzinfo=SEOUL), tick=False)
def test_an_extended_deadline_is_a_new_reminder(run):
    call = factories.CallFactory(
        opens_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=SEOUL), closes_at=dt.datetime(2026, 3, 11, 18, 0, tzinfo=SEOUL)
    )
    company = factories.CompanyFactory()
    member_of(company, "ceo@late.example.kr")
    factories.ApplicationFactory(call=call, company=company, status=Application.Status.DRAFT, submitted_at=None)
    run(reminders.remind_calls_closing)
    call.closes_at = dt.datetime(2026, 3, 12, 18, 0, tzinfo=SEOUL)
    call.save()
    assert run(reminders.remind_calls_closing) == 1
    assert len(mail.outbox) == 2


def test_a_company_without_members_is_not_logged_so_it_is_reminded_once_someone_joins(run):
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, 0, tzinfo=SEOUL), tick=False):
        call = factories.CallFactory(
            opens_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=SEOUL),
            closes_at=dt.datetime(2026, 3, 12, 18, 0, tzinfo=SEOUL),
        )
        company = factories.CompanyFactory()
        factories.ApplicationFactory(call=call, company=company, status=Application.Status.DRAFT, submitted_at=None)
        assert run(reminders.remind_calls_closing) == 0
        assert not ReminderLog.objects.exists()
        member_of(company, "new@member.example.kr")
        assert run(reminders.remind_calls_closing) == 1


# --- information overdue ------------------------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=SEOUL), tick=False)
def test_information_overdue_reminds_the_company_once(run):
    company = factories.CompanyFactory()
    member_of(company, "ceo@slow.example.kr")
    office = factories.StaffUserFactory()
    overdue = factories.ApplicationFactory(company=company, status=Application.Status.INFO_REQUESTED)
    ApplicationMessage.objects.create(
        application=overdue,
        author=office,
        from_office=True,
        kind=ApplicationMessage.Kind.INFO_REQUEST,
        body="재무제표를 보내 주세요.",
        due_on=dt.date(2026, 3, 9),
    )
    not_yet = factories.ApplicationFactory(company=company, status=Application.Status.INFO_REQUESTED)
    ApplicationMessage.objects.create(
        application=not_yet,
        author=office,
        from_office=True,
        kind=ApplicationMessage.Kind.INFO_REQUEST,
        body="사업계획서를 보내 주세요.",
        due_on=dt.date(2026, 3, 10),
    )
    answered = factories.ApplicationFactory(company=company, status=Application.Status.SUBMITTED)
    ApplicationMessage.objects.create(
        application=answered,
        author=office,
        from_office=True,
        kind=ApplicationMessage.Kind.INFO_REQUEST,
        body="답변 완료",
        due_on=dt.date(2026, 3, 1),
    )

    assert run(reminders.remind_information_overdue) == 1
    assert mail.outbox[0].to == ["ceo@slow.example.kr"]
    assert overdue.title in mail.outbox[0].body
    assert "2026-03-09" in mail.outbox[0].body
    assert run(reminders.remind_information_overdue) == 0
    assert len(mail.outbox) == 1


# --- MOU commitments ------------------------------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=SEOUL), tick=False)
def test_mou_commitments_due_within_14_days_or_overdue_remind_the_zone_office(run):
    zone = factories.ZoneFactory()
    staff_of(zone, "officer@zone.example.kr")
    staff_of(zone, "admin@zone.example.kr", role=ZoneStaff.Role.ADMINISTRATOR)
    staff_of(zone, "reviewer@zone.example.kr", role=ZoneStaff.Role.REVIEWER)
    mou = factories.MouFactory(zone=zone)
    due_soon = factories.MouCommitmentFactory(mou=mou, due_on=dt.date(2026, 3, 20))
    overdue = factories.MouCommitmentFactory(
        mou=mou, kind="investment", promised_value=10**9, due_on=dt.date(2026, 3, 1)
    )
    factories.MouCommitmentFactory(mou=mou, due_on=dt.date(2026, 3, 30))  # too far
    factories.MouCommitmentFactory(
        mou=mou, due_on=dt.date(2026, 3, 5), actual_value=10, actual_on=dt.date(2026, 3, 4)
    )  # delivered

    assert run(reminders.remind_mou_commitments_due) == 2
    for message in mail.outbox:
        assert message.to == ["admin@zone.example.kr", "officer@zone.example.kr"]
    subjects = sorted(m.subject for m in mail.outbox)
    assert "기한 경과" in subjects[0] and "기한 임박" in subjects[1]
    logged = set(ReminderLog.objects.values_list("kind", "object_id", "due_on"))
    assert logged == {
        (reminders.MOU_COMMITMENT_DUE, due_soon.pk, dt.date(2026, 3, 20)),
        (reminders.MOU_COMMITMENT_OVERDUE, overdue.pk, dt.date(2026, 3, 1)),
    }
    assert run(reminders.remind_mou_commitments_due) == 0
    assert len(mail.outbox) == 2


def test_a_commitment_reminded_as_due_is_reminded_again_once_overdue(run):
    zone = factories.ZoneFactory()
    staff_of(zone, "officer2@zone.example.kr")
    factories.MouCommitmentFactory(mou=factories.MouFactory(zone=zone), due_on=dt.date(2026, 3, 20))
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=SEOUL), tick=False):
        assert run(reminders.remind_mou_commitments_due) == 1
    with time_machine.travel(dt.datetime(2026, 3, 25, 9, 0, tzinfo=SEOUL), tick=False):
        assert run(reminders.remind_mou_commitments_due) == 1
        assert run(reminders.remind_mou_commitments_due) == 0


# --- exemptions expiring -----------------------------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=SEOUL), tick=False)
def test_exemption_expiring_in_30_days_reminds_the_company_and_the_zone_office(run):
    zone = factories.ZoneFactory()
    staff_of(zone, "officer3@zone.example.kr")
    case = factories.SpecialCaseFactory(zone=zone)
    company = factories.CompanyFactory()
    member_of(company, "ceo@exempt.example.kr")
    factories.ExemptionGrantFactory(special_case=case, company=company, ends_on=dt.date(2026, 4, 9))
    factories.ExemptionGrantFactory(
        special_case=case, company=company, status=ExemptionGrant.Status.EXTENDED, ends_on=dt.date(2026, 4, 10)
    )  # 31 days
    factories.ExemptionGrantFactory(
        special_case=case, company=company, status=ExemptionGrant.Status.REVOKED, ends_on=dt.date(2026, 3, 20)
    )

    assert run(reminders.remind_exemptions_expiring) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ceo@exempt.example.kr", "officer3@zone.example.kr"]
    assert all("2026-04-09" in m.body for m in mail.outbox)
    assert ReminderLog.objects.filter(kind=reminders.EXEMPTION_EXPIRING).count() == 1
    assert run(reminders.remind_exemptions_expiring) == 0
    assert len(mail.outbox) == 2


# --- self-reports overdue -----------------------------------------------------------------------------------------------


def test_selfreports_not_filed_30_days_after_the_quarter_remind_the_company_once_per_quarter(run):
    zone = factories.ZoneFactory(name_ko="양재 AI 특구")
    company = factories.CompanyFactory()
    member_of(company, "ceo@resident.example.kr")
    factories.TenancyFactory(company=company, zone=zone, moved_in_on=dt.date(2024, 3, 1))
    factories.SelfReportFactory(company=company, zone=zone, year=2025, quarter=1)  # filed
    factories.SelfReportFactory(
        company=company, zone=zone, year=2025, quarter=2, status=SelfReport.Status.DRAFT, submitted_at=None
    )
    quiet = factories.CompanyFactory()  # not resident, not funded: owes nothing
    member_of(quiet, "ceo@quiet.example.kr")

    with time_machine.travel(dt.datetime(2025, 7, 30, 9, 0, tzinfo=SEOUL), tick=False):
        assert run(reminders.remind_selfreports_overdue) == 0  # Q2 ended 06-30: 30 days not yet passed
    with time_machine.travel(dt.datetime(2025, 8, 1, 9, 0, tzinfo=SEOUL), tick=False):
        assert run(reminders.remind_selfreports_overdue) == 1
        assert run(reminders.remind_selfreports_overdue) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ceo@resident.example.kr"]
    assert "2025년 2분기" in mail.outbox[0].body
    assert "1분기" not in mail.outbox[0].body
    with time_machine.travel(dt.datetime(2025, 11, 5, 9, 0, tzinfo=SEOUL), tick=False):
        assert run(reminders.remind_selfreports_overdue) == 1
    assert "2025년 3분기" in mail.outbox[1].body
    assert "2분기" not in mail.outbox[1].body
    assert set(ReminderLog.objects.values_list("due_on", flat=True)) == {dt.date(2025, 6, 30), dt.date(2025, 9, 30)}


# --- the Celery tasks call these (eager) -----------------------------------------------------------------------------------


def test_the_reminder_tasks_run_the_reminder_functions(run):
    from core import tasks

    for task in (
        tasks.remind_calls_closing,
        tasks.remind_information_overdue,
        tasks.remind_mou_commitments_due,
        tasks.remind_exemptions_expiring,
        tasks.remind_selfreports_overdue,
    ):
        assert task.delay().get() == 0
