"""The annual performance report reminder: the zone office, once a year, from 1 February to 31 March."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core import reminders
from core.models import ReminderLog
from tests import factories
from zones.models import ZoneStaff

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


def staff_of(zone, email, role=ZoneStaff.Role.OFFICER):
    user = factories.StaffUserFactory(username=email.split("@")[0], email=email)
    factories.ZoneStaffFactory(zone=zone, user=user, role=role)
    return user


@pytest.fixture
def zone():
    zone = factories.ZoneFactory(name_ko="양재 AI 특구", name_en="Yangjae AI Special Zone")
    staff_of(zone, "officer@yangjae.example.kr")
    staff_of(zone, "admin@yangjae.example.kr", role=ZoneStaff.Role.ADMINISTRATOR)
    staff_of(zone, "reviewer@yangjae.example.kr", role=ZoneStaff.Role.REVIEWER)
    return zone


def _at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=SEOUL), tick=False)


def test_in_february_the_zone_office_is_reminded_once_of_last_years_report(run, zone):
    with _at(2026, 2, 1, 9, 0):
        assert run(reminders.remind_annual_report_due) == 1
        assert run(reminders.remind_annual_report_due) == 0
    with _at(2026, 3, 15, 9, 0):
        assert run(reminders.remind_annual_report_due) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["admin@yangjae.example.kr", "officer@yangjae.example.kr"]
    assert "2025년 성과보고서" in message.subject and "양재 AI 특구" in message.subject
    assert "2026-03-31" in message.body
    assert reverse("admin:zones_zone_annual_report", args=[zone.pk]) + "?year=2025" in message.body
    assert message.body.index("제출") < message.body.index("is due")  # Korean first, then English
    log = ReminderLog.objects.get()
    assert (log.kind, log.object_id, log.due_on) == (reminders.ANNUAL_REPORT_DUE, zone.pk, dt.date(2026, 3, 31))


def test_the_last_day_still_reminds_and_each_year_is_a_new_reminder(run, zone):
    with _at(2026, 3, 31, 23, 0):
        assert run(reminders.remind_annual_report_due) == 1
    with _at(2027, 2, 1, 9, 0):
        assert run(reminders.remind_annual_report_due) == 1
    assert "2026년 성과보고서" in mail.outbox[1].subject


@pytest.mark.parametrize("moment", [(2026, 1, 31, 23, 59), (2026, 4, 1, 0, 0), (2026, 12, 1, 9, 0)])
def test_nothing_is_sent_before_february_or_after_march(run, zone, moment):
    with _at(*moment):
        assert run(reminders.remind_annual_report_due) == 0
    assert mail.outbox == []
    assert not ReminderLog.objects.exists()


def test_an_archived_zone_is_not_reminded(run, zone):
    zone.archived_at = timezone.now()
    zone.save()
    with _at(2026, 2, 2, 9, 0):
        assert run(reminders.remind_annual_report_due) == 0
    assert mail.outbox == []


def test_a_zone_without_office_staff_is_reminded_once_someone_joins(run):
    zone = factories.ZoneFactory()
    with _at(2026, 2, 2, 9, 0):
        assert run(reminders.remind_annual_report_due) == 0
        staff_of(zone, "new@zone.example.kr")
        assert run(reminders.remind_annual_report_due) == 1


def test_the_task_runs_the_reminder(run, zone):
    from core import tasks

    with _at(2026, 2, 3, 9, 0):
        assert run(lambda: tasks.remind_annual_report_due.delay().get()) == 1
    assert len(mail.outbox) == 1


def test_setup_schedules_creates_the_daily_reminder():
    call_command("setup_schedules")
    periodic = PeriodicTask.objects.get(task="core.tasks.remind_annual_report_due")
    assert periodic.name == "리마인더: 연간 성과보고서 제출 / Reminder: annual performance report due"
    assert (periodic.crontab.hour, periodic.crontab.minute, str(periodic.crontab.timezone)) == ("9", "0", "Asia/Seoul")
    assert periodic.enabled
