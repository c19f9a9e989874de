"""Delivery through a real Celery worker on the Redis broker that `make test` starts (not eager mode).

The worker runs in a thread of this process, so the locmem e-mail backend's outbox sees what it sends, and a
backend of this module can play a mail server that is down.
"""

import contextlib
import datetime as dt
import smtplib
import time

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone

from config.celery import app as celery_app
from core import notifications, reminders, tasks
from core.models import OutgoingEmail
from core.notifications import notify_company, notify_users
from programs.models import Application
from tests import factories

SEOUL = dt.timezone(dt.timedelta(hours=9))

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL.startswith("redis://"),
        reason="needs the Redis broker of make test (CELERY_BROKER_URL=redis://...)",
    ),
]


class SmtpDownBackend(LocmemBackend):
    """A mail server that drops the connection for addresses at down.example.kr and takes the others."""

    def send_messages(self, messages):
        for message in messages:
            if any(address.endswith("@down.example.kr") for address in message.recipients()):
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@contextlib.contextmanager
def not_eager():
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@contextlib.contextmanager
def running_worker():
    from celery.contrib.testing.worker import start_worker

    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
        yield


@pytest.fixture
def worker():
    mail.outbox.clear()
    with not_eager(), running_worker():
        yield


def wait_for(predicate, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert predicate(), f"timed out waiting for {what}"


def wait_for_mail(count: int, timeout: float = 20.0) -> None:
    wait_for(lambda: len(mail.outbox) >= count, f"{count} e-mail(s); the worker sent {len(mail.outbox)}", timeout)


def drain(marker: str) -> None:
    """Queue one more message and wait for it: the solo worker takes tasks in order, so all before it ran."""
    before = len(mail.outbox)
    notify_users(["marker@example.kr"], subject=marker, body=marker)
    wait_for_mail(before + 1)
    assert mail.outbox[-1].subject.endswith(marker)
    mail.outbox.pop()


def test_notify_company_delivers_to_every_active_member_through_the_worker(worker):
    company = factories.CompanyFactory()
    for email in ("ceo@worker.example.kr", "cto@worker.example.kr"):
        factories.CompanyMemberFactory(company=company, user=factories.UserFactory(username=email, email=email))
    gone = factories.UserFactory(username="gone", email="gone@worker.example.kr")
    factories.CompanyMemberFactory(company=company, user=gone, is_active=False)

    notify_company(company, subject="선정 안내 / Selected", body="축하합니다.\n\n----\n\nCongratulations.")

    wait_for_mail(1)
    drain("marker-1")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["ceo@worker.example.kr", "cto@worker.example.kr"]
    assert message.subject == "[AI 특구] 선정 안내 / Selected"
    row = OutgoingEmail.objects.get(recipients=["ceo@worker.example.kr", "cto@worker.example.kr"])
    assert (row.status, row.attempts) == (OutgoingEmail.Status.SENT, 0)


def test_a_task_delivered_twice_sends_once(worker):
    with transaction.atomic():
        notify_users(["ceo@twice.example.kr"], subject="s", body="b", key="decision-42")
    row = OutgoingEmail.objects.get(key="decision-42")
    # Two more deliveries of the task the commit published (late acks, a worker lost mid-send).
    for _ in range(2):
        tasks.send_email.delay(row.pk)
    wait_for_mail(1)
    drain("marker-2")
    assert [m.to for m in mail.outbox] == [["ceo@twice.example.kr"]]
    assert mail.outbox[0].extra_headers["Message-ID"] == notifications.message_id("decision-42")
    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.SENT


def test_a_reminder_run_twice_sends_once(worker):
    now = dt.datetime.now(tz=SEOUL)
    call = factories.CallFactory(opens_at=now - dt.timedelta(days=5), closes_at=now + dt.timedelta(days=2))
    company = factories.CompanyFactory()
    factories.CompanyMemberFactory(company=company, user=factories.UserFactory(username="r", email="r@rem.example.kr"))
    factories.ApplicationFactory(call=call, company=company, status=Application.Status.DRAFT, submitted_at=None)

    tasks.remind_calls_closing.delay()
    wait_for_mail(1)
    tasks.remind_calls_closing.delay()
    drain("marker-3")
    # The second run queued nothing: its e-mail would have come before the marker.
    assert [m.to for m in mail.outbox] == [["r@rem.example.kr"]]
    assert reminders.ReminderLog.objects.count() == 1
    assert OutgoingEmail.objects.filter(key__startswith="reminder:").count() == 1


def test_a_message_whose_transaction_rolls_back_is_never_sent(worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify_users(["ceo@rollback.example.kr"], subject="선정 / Selected", body="b", key="rolled-back")
        raise RuntimeError("the decision failed")
    tasks.dispatch_outbox.delay()
    drain("marker-4")
    assert mail.outbox == []
    assert not OutgoingEmail.objects.filter(key="rolled-back").exists()


def test_a_failed_smtp_send_is_retried_then_marked_failed(worker, settings):
    settings.EMAIL_BACKEND = f"{__name__}.SmtpDownBackend"
    notify_users(["ceo@down.example.kr"], subject="s", body="b", key="smtp-down")
    row = OutgoingEmail.objects.get(key="smtp-down")

    for attempt in range(1, notifications.MAX_ATTEMPTS + 1):
        wait_for(lambda attempt=attempt: OutgoingEmail.objects.get(pk=row.pk).attempts == attempt, f"attempt {attempt}")
        row.refresh_from_db()
        assert row.last_error.startswith("SMTPServerDisconnected")
        if attempt == notifications.MAX_ATTEMPTS:
            break
        assert row.status == OutgoingEmail.Status.PENDING
        wait_until = row.next_attempt_at - timezone.now()
        delay = notifications.retry_delay(attempt)
        assert delay - dt.timedelta(seconds=10) < wait_until <= delay
        # Not due yet: the dispatcher leaves it.
        tasks.dispatch_outbox.delay()
        drain(f"marker-5-{attempt}")
        assert OutgoingEmail.objects.get(pk=row.pk).attempts == attempt
        # The back-off has passed: the dispatcher tries again.
        OutgoingEmail.objects.filter(pk=row.pk).update(next_attempt_at=Now() - dt.timedelta(minutes=1))
        tasks.dispatch_outbox.delay()

    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at) == (OutgoingEmail.Status.FAILED, 8, None)
    OutgoingEmail.objects.filter(pk=row.pk).update(next_attempt_at=Now() - dt.timedelta(minutes=1))
    tasks.dispatch_outbox.delay()
    tasks.send_email.delay(row.pk)
    drain("marker-5-end")
    assert OutgoingEmail.objects.get(pk=row.pk).attempts == 8
    assert mail.outbox == []


def test_the_dispatcher_sends_a_pending_row_whose_publish_was_lost():
    mail.outbox.clear()
    with not_eager():
        with transaction.atomic():
            notify_users(["ceo@lost.example.kr"], subject="s", body="b", key="publish-lost")
        # No worker runs yet: the task waits in Redis. The broker loses it.
        assert celery_app.control.purge() >= 1
        # A minute passes.
        OutgoingEmail.objects.filter(key="publish-lost").update(next_attempt_at=Now() - dt.timedelta(minutes=1))
        with running_worker():
            drain("marker-6")
            assert mail.outbox == []  # nothing else was queued
            tasks.dispatch_outbox.delay()
            wait_for_mail(1)
            drain("marker-7")
    assert [m.to for m in mail.outbox] == [["ceo@lost.example.kr"]]
    assert OutgoingEmail.objects.get(key="publish-lost").status == OutgoingEmail.Status.SENT
