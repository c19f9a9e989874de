import datetime as dt

import pytest
import time_machine

from tests import factories
from zones.models import KpiSnapshot
from zones.tasks import take_last_quarter_kpi_snapshots

pytestmark = pytest.mark.django_db


@time_machine.travel("2025-10-02 06:00 +0900", tick=False)
def test_subscribers_get_the_report_once_after_the_quarter_is_frozen(django_capture_on_commit_callbacks, mailoutbox):
    zone = factories.ZoneFactory(name_ko="양재 AI 특구", name_en="Yangjae AI Special Zone")
    factories.KpiSubscriberFactory(zone=zone, email="council@seoul.example.kr")
    factories.KpiSubscriberFactory(zone=zone, email="former@seoul.example.kr", is_active=False)
    factories.MouFactory.create_batch(2, zone=zone)

    with django_capture_on_commit_callbacks(execute=True):
        take_last_quarter_kpi_snapshots()
    with django_capture_on_commit_callbacks(execute=True):
        take_last_quarter_kpi_snapshots()  # the quarter is frozen already: nothing new, nothing sent

    assert KpiSnapshot.objects.filter(zone=zone, period_start=dt.date(2025, 7, 1)).exists()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["council@seoul.example.kr"]
    assert "2025-Q3" in message.subject
    assert message.body.index("양재 AI 특구 KPI 보고") < message.body.index("Yangjae AI Special Zone KPI report")
    assert "MOU 체결 건수(누적): 2" in message.body


def test_indicator_belongs_to_its_pillar():
    indicator = factories.ZoneIndicatorFactory(indicator="cs_phd_students")
    assert indicator.pillar == "talent"
    indicator.full_clean()
