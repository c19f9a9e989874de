"""A Celery worker killed with SIGKILL in the middle of a task: the next worker finishes the work, once.

Real processes: a Redis of the test's own, workers started as subprocesses on the pytest database. The task
is held at a known point by a row lock the test takes from a connection of its own; the worker is killed
while it waits there, the lock released, a new worker started: the broker hands the unacknowledged message
to it (late acknowledgement, a visibility timeout of a few seconds in `settings_worker`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import time

import psycopg
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from psycopg import sql

from core import reminders
from core.models import ReminderLog
from programs.models import Application
from tests import factories
from tests.faults.conftest import count_emails, wait_until
from zones import kpi
from zones.models import KpiSnapshot, Zone

pytestmark = pytest.mark.django_db(transaction=True)

STABLE_SECONDS = 8  # longer than the visibility timeout: a duplicate delivery would show up by then


def lock_connection() -> psycopg.Connection:
    sd = connection.settings_dict
    return psycopg.connect(
        host=sd["HOST"], port=sd["PORT"], user=sd["USER"], password=sd["PASSWORD"] or None, dbname=sd["NAME"]
    )


def someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def recipients(mail_dir) -> list[str]:
    found = []
    for message in count_emails(mail_dir):
        match = re.search(r"^To: (.+)$", message, re.MULTILINE)
        found.append(match.group(1).strip() if match else "?")
    return sorted(found)


def kill(process) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)


def test_kpi_snapshots_survive_a_killed_worker_once_each(processes, publish, mail_dir):
    zones = [factories.ZoneFactory() for _ in range(3)]
    for zone in zones:
        factories.KpiSubscriberFactory(zone=zone, email=f"council-{zone.pk}@faults.example.kr")
    first, second = sorted(zones, key=lambda zone: zone.pk)[:2]
    measures = len(kpi.KPIS)

    worker = processes.worker()
    holder = lock_connection()
    try:
        holder.execute(
            sql.SQL("SELECT id FROM {} WHERE id = %s FOR UPDATE").format(sql.Identifier(Zone._meta.db_table)),
            [second.pk],
        )
        publish("zones.tasks.take_last_quarter_kpi_snapshots")
        # The first zone is taken and committed; the worker waits for the second zone's lock.
        wait_until(lambda: KpiSnapshot.objects.filter(zone=first).count() == measures, 60, "the first zone")
        wait_until(someone_waits_for_a_lock, 30, "the worker to wait on the second zone")
        assert KpiSnapshot.objects.filter(zone=second).count() == 0
        kill(worker)
    finally:
        holder.rollback()
        holder.close()

    processes.worker()
    expected = sorted(f"council-{zone.pk}@faults.example.kr" for zone in zones)
    try:
        wait_until(lambda: KpiSnapshot.objects.count() == measures * len(zones), 60, "every zone's snapshots")
        wait_until(lambda: len(count_emails(mail_dir)) >= len(zones), 60, "the reports")
    except AssertionError:
        raise AssertionError(processes.log()) from None
    time.sleep(STABLE_SECONDS)

    for zone in zones:
        codes = list(KpiSnapshot.objects.filter(zone=zone).values_list("code", flat=True))
        assert sorted(codes) == sorted(definition.code for definition in kpi.KPIS)
    assert recipients(mail_dir) == expected, processes.log()


def test_reminders_survive_a_killed_worker_one_email_each(processes, publish, mail_dir):
    now = timezone.now()
    applications = []
    for index in range(2):
        call = factories.CallFactory(
            opens_at=now - dt.timedelta(days=5), closes_at=now + dt.timedelta(days=2, hours=index)
        )
        company = factories.CompanyFactory()
        email = f"owner-{index}@faults.example.kr"
        factories.CompanyMemberFactory(company=company, user=factories.UserFactory(username=email, email=email))
        applications.append(
            factories.ApplicationFactory(call=call, company=company, status=Application.Status.DRAFT, submitted_at=None)
        )
    first, second = applications
    content_type = ContentType.objects.get_for_model(Application)

    worker = processes.worker()
    holder = lock_connection()
    try:
        # An uncommitted log row of the second reminder: the worker's insert of the same row waits for it.
        holder.execute(
            sql.SQL(
                "INSERT INTO {} (kind, content_type_id, object_id, due_on, recipients, sent_at)"
                " VALUES (%s, %s, %s, %s, '', now())"
            ).format(sql.Identifier(ReminderLog._meta.db_table)),
            [reminders.CALL_CLOSING, content_type.pk, second.pk, timezone.localtime(second.call.closes_at).date()],
        )
        publish("core.tasks.remind_calls_closing")
        # The first reminder is logged and its e-mail queued (not sent: the solo worker is busy) ...
        wait_until(lambda: ReminderLog.objects.filter(object_id=first.pk).exists(), 60, "the first reminder")
        wait_until(someone_waits_for_a_lock, 30, "the worker to wait on the second reminder")
        assert count_emails(mail_dir) == []
        kill(worker)  # ... and the worker dies before it sends anything.
    finally:
        holder.rollback()
        holder.close()

    processes.worker()
    try:
        wait_until(lambda: ReminderLog.objects.count() == 2, 60, "the second reminder")
        wait_until(lambda: len(count_emails(mail_dir)) >= 2, 60, "both e-mails")
    except AssertionError:
        raise AssertionError(processes.log()) from None
    time.sleep(STABLE_SECONDS)

    assert recipients(mail_dir) == ["owner-0@faults.example.kr", "owner-1@faults.example.kr"], processes.log()
    assert ReminderLog.objects.filter(kind=reminders.CALL_CLOSING).count() == 2
