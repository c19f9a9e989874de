"""The KPI snapshot task through a real Celery worker on the Redis broker that `make test` starts."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from config.celery import app as celery_app
from tests import factories
from zones.models import KpiSnapshot
from zones.tasks import take_last_quarter_kpi_snapshots

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker():
    from celery.contrib.testing.worker import start_worker

    assert settings.CELERY_BROKER_URL.startswith("redis://"), "make test runs the suite against Redis"
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@time_machine.travel("2025-10-02 06:00 +0900", tick=True)
def test_the_worker_freezes_last_quarter_for_every_active_zone_once(worker):
    zone = factories.ZoneFactory()
    factories.MouFactory.create_batch(3, zone=zone)
    factories.ZoneFactory(archived_at=dt.datetime(2025, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=9))))

    take_last_quarter_kpi_snapshots.delay().get(timeout=60)
    first = dict(KpiSnapshot.objects.filter(zone=zone).values_list("code", "value"))
    factories.MouFactory(zone=zone)  # a later edit does not change the frozen quarter
    take_last_quarter_kpi_snapshots.delay().get(timeout=60)

    rows = KpiSnapshot.objects.filter(zone=zone)
    assert rows.count() == len(first) > 0
    assert set(rows.values_list("period_start", flat=True)) == {dt.date(2025, 7, 1)}
    assert dict(rows.values_list("code", "value")) == first
    assert first["mous_signed"] == 3
    assert not KpiSnapshot.objects.exclude(zone=zone).exists()


def _wait_for(condition, timeout: float = 60.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the worker did not finish in time"
        time.sleep(0.2)


@time_machine.travel("2025-10-02 06:00 +0900", tick=True)
def test_the_worker_mails_the_report_to_each_subscriber_once(worker, mailoutbox):
    zone = factories.ZoneFactory(name_ko="양재 AI 특구")
    factories.MouFactory.create_batch(2, zone=zone)
    factories.KpiSubscriberFactory(zone=zone, email="council@example.go.kr")
    factories.KpiSubscriberFactory(zone=zone, email="ministry@example.go.kr")
    factories.KpiSubscriberFactory(zone=zone, email="former@example.go.kr", is_active=False)

    take_last_quarter_kpi_snapshots.delay().get(timeout=60)
    _wait_for(lambda: len(mailoutbox) >= 1)
    take_last_quarter_kpi_snapshots.delay().get(timeout=60)  # the quarter is frozen: nothing new to send

    import time

    time.sleep(2)  # give a wrongly queued second e-mail the time to arrive
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to + message.bcc) == ["council@example.go.kr", "ministry@example.go.kr"]
    assert "양재 AI 특구" in message.subject and "2025-Q3" in message.subject
    assert "MOU 체결 건수(누적): 2" in message.body
