"""Delivery through a real Celery worker on the Redis broker that `make test` starts (not eager mode).

The worker runs in a thread of this process, so the locmem e-mail backend's outbox sees what it sends.
"""

import datetime as dt
import time

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache

from config.celery import app as celery_app
from core import reminders, tasks
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


@pytest.fixture
def worker():
    from celery.contrib.testing.worker import start_worker

    cache.clear()
    mail.outbox.clear()
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


def wait_for_mail(count: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(mail.outbox) >= count, f"expected {count} e-mails, the worker sent {len(mail.outbox)}"


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


def test_a_task_delivered_twice_sends_once(worker):
    for _ in range(2):
        tasks.send_email.delay(key="decision-42", recipients=["ceo@twice.example.kr"], subject="s", body="b")
    wait_for_mail(1)
    drain("marker-2")
    assert [m.to for m in mail.outbox] == [["ceo@twice.example.kr"]]


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
