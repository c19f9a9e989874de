"""Several machines, as docs/deployment.md describes them: two web servers (gunicorn, two workers each) and two
Celery workers against one PostgreSQL and one Redis, one beat, uploads in one S3-compatible bucket.

Real processes on loopback. Companies withdraw their applications through both web servers at once (the same
form posted to each), a document uploaded through one server is downloaded through the other, the quarter's
KPI snapshot task is published twice and taken by both workers, and one e-mail is left in the outbox as if
its web process had died before publishing it. Afterwards every change is there once, every e-mail went out
exactly once (the beat's dispatcher sent the orphan), and both workers did some of the work.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from core.models import OutgoingEmail
from programs.models import Application, ApplicationDocument, ApplicationTransition
from tests import factories
from tests.faults.conftest import count_emails, free_port, wait_until
from tests.faults.test_s3_storage import ACCESS_KEY, BUCKET, REGION, SECRET_KEY, s3_server  # noqa: F401
from tests.programs.test_portal_support import PDF, call_with_form
from zones import kpi
from zones.models import KpiSnapshot

pytestmark = pytest.mark.django_db(transaction=True)

COMPANIES = 10
ZONES = 3
STABLE_SECONDS = 8  # longer than the visibility timeout of settings_worker: a redelivery would show by then


def recipients(mail_dir: Path) -> list[str]:
    found = []
    for message in count_emails(mail_dir):
        match = re.search(r"^To: (.+)$", message, re.MULTILINE)
        found.append(match.group(1).strip() if match else "?")
    return sorted(found)


def session_for(user) -> requests.Session:
    login = Client()
    login.force_login(user)
    session = requests.Session()
    session.cookies.update({"sessionid": login.cookies["sessionid"].value, "django_language": "en"})
    return session


def post_form(session: requests.Session, url: str, data: dict, files: dict | None = None) -> requests.Response:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code, page.text[:1000])
    return session.post(
        url,
        data={**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        files=files,
        headers={"Referer": url},
        allow_redirects=False,
        timeout=60,
    )


def test_two_web_servers_and_two_workers_do_everything_once(processes, s3_server, mail_dir, tmp_path):  # noqa: F811
    # One bucket for both web servers' uploads, configured as in production.
    s3_server.client().create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    processes.env.update(
        {
            "DJANGO_S3_BUCKET": BUCKET,
            "DJANGO_S3_ENDPOINT_URL": s3_server.endpoint_url,
            "DJANGO_S3_REGION": REGION,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }
    )

    # Companies with a submitted application each; zones with a council subscriber each.
    applications = []
    for index in range(COMPANIES):
        company = factories.CompanyFactory()
        email = f"owner-{index}@nodes.example.kr"
        owner = factories.UserFactory(username=email, email=email)
        factories.CompanyMemberFactory(company=company, user=owner)
        applications.append((owner, factories.ApplicationFactory(company=company, status=Application.Status.SUBMITTED)))
    zones = [factories.ZoneFactory() for _ in range(ZONES)]
    for zone in zones:
        factories.KpiSubscriberFactory(zone=zone, email=f"council-{zone.pk}@nodes.example.kr")
    uploader_company = factories.CompanyFactory()
    uploader = factories.UserFactory(username="docs@nodes.example.kr", email="")
    factories.CompanyMemberFactory(company=uploader_company, user=uploader)
    draft = factories.ApplicationFactory(
        call=call_with_form(), company=uploader_company, status=Application.Status.DRAFT, submitted_at=None
    )
    # The periodic schedules, the outbox dispatcher among them, as `make run` and a deployment create them.
    call_command("setup_schedules", stdout=io.StringIO())

    started = time.monotonic()
    workers = [processes.worker(wait_ready=False), processes.worker(wait_ready=False)]
    ports = [free_port(), free_port()]
    for port in ports:
        processes.web(port)
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    processes.beat()
    for log in sorted(processes.logs.glob("worker-*.log")):
        wait_until(lambda log=log: b"ready." in log.read_bytes(), 90, f"{log.name} to start")
    timings = {"start": time.monotonic() - started}

    # An e-mail whose web process died after its transaction committed and before it was published.
    orphan = OutgoingEmail.objects.create(
        key="orphan-1", recipients=["orphan@nodes.example.kr"], subject="[AI 특구] orphan", body="orphan"
    )
    OutgoingEmail.objects.filter(pk=orphan.pk).update(
        created_at=orphan.created_at - dt.timedelta(minutes=2),
        next_attempt_at=orphan.next_attempt_at - dt.timedelta(minutes=2),
    )

    # Each withdrawal is posted to both web servers at the same moment (sessions made here: the threads
    # only speak HTTP, they open no database connection of their own).
    sessions = {(index, which): session_for(owner) for index, (owner, _) in enumerate(applications) for which in (0, 1)}

    def withdraw(job: tuple[int, int]) -> int:
        index, which = job
        url = bases[which] + reverse("programs:application_withdraw", args=[applications[index][1].pk])
        return post_form(sessions[job], url, {"comment": "no longer needed"}).status_code

    jobs = [(index, which) for index in range(COMPANIES) for which in (0, 1)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(withdraw, jobs))
        # Meanwhile the quarter's snapshots are asked for twice (two beats would do this; the workers share it).
        from celery import Celery

        app = Celery("nodes", set_as_current=False)
        with app.connection_for_write(processes.env["CELERY_BROKER_URL"]) as conn:
            for _ in range(2):
                app.send_task("zones.tasks.take_last_quarter_kpi_snapshots", queue="celery", connection=conn)
        app.close()
    assert answers == [302] * len(jobs), (answers, processes.log())

    # A document uploaded through one web server is served by the other, from the shared bucket.
    uploader_session = session_for(uploader)
    edit = bases[0] + reverse("programs:application_edit", args=[draft.pk, 2])
    saved = post_form(
        uploader_session, edit, {"action": "save"}, files={"business_plan": ("plan.pdf", PDF, "application/pdf")}
    )
    assert saved.status_code == 302, (saved.status_code, saved.text[:2000])
    document = ApplicationDocument.objects.get(application=draft)
    download = uploader_session.get(bases[1] + reverse("programs:document_download", args=[document.pk]), timeout=30)
    assert download.status_code == 200
    assert download.content == PDF

    expected = sorted(
        [f"owner-{index}@nodes.example.kr" for index in range(COMPANIES)]
        + [f"council-{zone.pk}@nodes.example.kr" for zone in zones]
        + ["orphan@nodes.example.kr"]
    )
    try:
        wait_until(lambda: len(count_emails(mail_dir)) >= len(expected), 150, "every e-mail")
    except AssertionError:
        raise AssertionError(f"{recipients(mail_dir)}\n{processes.log()}") from None
    timings["e-mails"] = time.monotonic() - started
    time.sleep(STABLE_SECONDS)

    # Nothing twice, nothing lost.
    assert recipients(mail_dir) == expected, (timings, processes.log())
    assert OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).count() == 0
    assert OutgoingEmail.objects.count() == len(expected)
    withdrawn = (
        ApplicationTransition.objects.filter(to_status=Application.Status.WITHDRAWN)
        .values("application_id")
        .annotate(n=Count("id"))
    )
    assert sorted(row["n"] for row in withdrawn) == [1] * COMPANIES
    assert set(Application.objects.filter(pk__in=[a.pk for _, a in applications]).values_list("status", flat=True)) == {
        Application.Status.WITHDRAWN
    }
    for zone in zones:
        assert KpiSnapshot.objects.filter(zone=zone).count() == len(kpi.KPIS)
    # Both workers took part: the work is shared, not done by one while the other idles.
    logs = sorted(processes.logs.glob("worker-*.log"))
    assert len(logs) == 2
    for log in logs:
        assert "succeeded in" in log.read_text(errors="replace"), processes.log()
    assert all(worker.poll() is None for worker in workers)
