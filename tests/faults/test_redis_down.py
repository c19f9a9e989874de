"""Redis down: the portal keeps serving, an e-mail queued meanwhile is kept and sent once Redis is back.

Real processes: a Redis of the test's own (broker and cache), gunicorn and a Celery worker on the pytest
database. A company withdraws an application while Redis is stopped: the page works, the withdrawal is
saved, the e-mail waits in the spool (`core.notifications`) and goes out, once, when Redis returns.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

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

    worker = processes.worker()
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
    spool = Path(processes.env["FAULTS_SPOOL_DIR"])
    assert len(list(spool.glob("*.json"))) == 1
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
    assert list(spool.glob("*.json")) == []
    assert worker.poll() is None  # the worker outlived the outage
