"""setup_schedules creates the periodic schedules once and keeps what the office changed in the admin."""

import pytest
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from core.management.commands.setup_schedules import SCHEDULES

pytestmark = pytest.mark.django_db


def test_creates_one_daily_0900_seoul_task_per_reminder_and_is_idempotent():
    call_command("setup_schedules")
    call_command("setup_schedules")
    assert sorted(PeriodicTask.objects.values_list("task", flat=True)) == sorted(task for _name, task in SCHEDULES)
    tasks = PeriodicTask.objects.filter(task__startswith="core.tasks.remind_")
    assert tasks.count() == 6
    assert all(t.enabled for t in tasks)
    schedule = CrontabSchedule.objects.get(hour="9")
    assert (schedule.minute, schedule.hour, str(schedule.timezone)) == ("0", "9", "Asia/Seoul")
    assert {t.crontab_id for t in tasks} == {schedule.pk}


def test_keeps_an_officers_schedule_and_enabled_flag():
    call_command("setup_schedules")
    edited = PeriodicTask.objects.get(task="core.tasks.remind_calls_closing")
    evening = CrontabSchedule.objects.create(minute="30", hour="18", timezone="Asia/Seoul")
    edited.crontab = evening
    edited.enabled = False
    edited.name = "공모 마감 알림 (수정)"
    edited.save()

    call_command("setup_schedules")

    edited.refresh_from_db()
    assert (edited.crontab_id, edited.enabled, edited.name) == (evening.pk, False, "공모 마감 알림 (수정)")
    assert PeriodicTask.objects.filter(task="core.tasks.remind_calls_closing").count() == 1


def test_recreates_a_deleted_task_only():
    call_command("setup_schedules")
    PeriodicTask.objects.filter(task="core.tasks.remind_selfreports_overdue").delete()
    call_command("setup_schedules")
    assert PeriodicTask.objects.filter(task__in=[task for _, task in SCHEDULES]).count() == len(SCHEDULES)


def test_kpi_snapshots_are_scheduled_early_in_the_morning_korea_time():
    call_command("setup_schedules")
    periodic = PeriodicTask.objects.get(task="zones.tasks.take_last_quarter_kpi_snapshots")
    assert (periodic.crontab.hour, periodic.crontab.minute, str(periodic.crontab.timezone)) == ("6", "0", "Asia/Seoul")
    assert periodic.enabled


def test_the_email_outbox_is_dispatched_every_minute_once():
    call_command("setup_schedules")
    call_command("setup_schedules")
    periodic = PeriodicTask.objects.get(task="core.tasks.dispatch_outbox")
    assert periodic.enabled and periodic.crontab is None
    assert (periodic.interval.every, periodic.interval.period) == (1, IntervalSchedule.MINUTES)
    assert IntervalSchedule.objects.count() == 1


def test_keeps_an_officers_outbox_interval():
    call_command("setup_schedules")
    every_5_minutes = IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.filter(task="core.tasks.dispatch_outbox").update(interval=every_5_minutes)

    call_command("setup_schedules")

    assert PeriodicTask.objects.get(task="core.tasks.dispatch_outbox").interval == every_5_minutes
    assert PeriodicTask.objects.filter(task="core.tasks.dispatch_outbox").count() == 1
