"""Redis down: the portal keeps serving, an e-mail queued meanwhile is kept and sent once Redis is back.

Real processes: a Redis of the test's own (broker and cache), gunicorn, a Celery worker and Celery beat on the
pytest database. A company withdraws an application while Redis is stopped: the page works, the withdrawal is
saved with its e-mail in the outbox (`core.models.OutgoingEmail`, pending: its task could not be published),
and the e-mail goes out, once, when beat's next `dispatch_outbox` reaches the worker after Redis returns.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
import requests
from django.core.management import call_command
from django.db.models.functions import Now
from django.test import Client
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from rest_framework.authtoken.models import Token

from core.models import OutgoingEmail
from programs.models import Application
from tests import factories
from tests.faults.conftest import count_emails, free_port, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_redis_outage_keeps_the_portal_up_and_the_email_is_sent_once_it_is_back(
    redis_server, processes, mail_dir: Path
):
    company = factories.CompanyFactory()
    owner = factories.UserFactory(username="owner@redis.example.kr", email="owner@redis.example.kr")
    factories.CompanyMemberFactory(company=company, user=owner)
    application = factories.ApplicationFactory(company=company, status=Application.Status.SUBMITTED)
    token = Token.objects.create(user=owner).key
    login = Client()
    login.force_login(owner)
    cookies = {"sessionid": login.cookies["sessionid"].value, "django_language": "en"}

    # The schedules of `make run`, the outbox dispatch made to run every 2 seconds (as an officer may in the admin).
    call_command("setup_schedules")
    every_2_seconds = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.filter(task="core.tasks.dispatch_outbox").update(interval=every_2_seconds)
    PeriodicTask.objects.exclude(task="core.tasks.dispatch_outbox").update(enabled=False)

    worker = processes.worker()
    processes.beat()
    port = free_port()
    processes.web(port)
    base = f"http://127.0.0.1:{port}"
    withdraw = base + reverse("programs:application_withdraw", args=[application.pk])
    detail = base + reverse("programs:application_detail", args=[application.pk])
    session = requests.Session()
    session.cookies.update(cookies)
    page = session.get(withdraw, timeout=20)
    assert page.status_code == 200, page.text[:2000]

    redis_server.stop()
    started = time.monotonic()
    response = session.post(
        withdraw,
        data={"comment": "no longer needed"},
        headers={"X-CSRFToken": session.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, (response.status_code, response.text[:2000], processes.log())
    assert time.monotonic() - started < 20  # no hanging on the broker
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert session.get(detail, timeout=20).status_code == 200
    # The API's throttles read the cache: without Redis they let the request through instead of failing.
    api = requests.get(base + "/api/v1/companies/", headers={"Authorization": f"Token {token}"}, timeout=20)
    assert api.status_code == 200, api.text[:2000]
    assert [row["id"] for row in api.json()["results"]] == [company.pk]
    # The e-mail is in the outbox, committed with the withdrawal, waiting.
    outbox = list(OutgoingEmail.objects.values_list("recipients", "status", "attempts"))
    assert outbox == [(["owner@redis.example.kr"], OutgoingEmail.Status.PENDING, 0)], processes.log()
    time.sleep(3)  # beat ticks meanwhile and cannot publish
    assert count_emails(mail_dir) == []

    redis_server.start()
    try:
        wait_until(lambda: count_emails(mail_dir), 60, "the e-mail once Redis is back")
    except AssertionError:
        raise AssertionError(processes.log()) from None
    time.sleep(5)
    messages = count_emails(mail_dir)
    assert len(messages) == 1, messages
    assert "To: owner@redis.example.kr" in messages[0]
    assert list(OutgoingEmail.objects.values_list("status", flat=True)) == [OutgoingEmail.Status.SENT]
    assert worker.poll() is None  # the worker outlived the outage


def test_a_worker_that_starts_sends_what_waited_in_the_outbox(processes, mail_dir: Path):
    """No beat, no task published: the e-mails a lost publish left pending go out when a worker starts."""
    for index in range(2):
        OutgoingEmail.objects.create(
            key=f"waited-{index}", recipients=[f"waited-{index}@redis.example.kr"], subject="s", body="b"
        )
    OutgoingEmail.objects.update(next_attempt_at=Now() - dt.timedelta(minutes=5))

    processes.worker()
    try:
        wait_until(lambda: len(count_emails(mail_dir)) >= 2, 60, "the e-mails that waited")
    except AssertionError:
        raise AssertionError(processes.log()) from None
    time.sleep(3)
    assert len(count_emails(mail_dir)) == 2
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {OutgoingEmail.Status.SENT}
