import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories


@pytest.mark.django_db
def test_home_lists_zones_with_residents_and_open_calls_in_korean(client):
    zone = factories.ZoneFactory(name_ko="양재 AI 특구", name_en="Yangjae AI Special Zone")
    factories.TenancyFactory.create_batch(3, zone=zone)
    factories.TenancyFactory(zone=zone, status="graduated")
    program = factories.ProgramFactory(zone=zone)
    factories.CallFactory(program=program)
    factories.CallFactory(
        program=program,
        closes_at=timezone.now() - dt.timedelta(days=1),
        opens_at=timezone.now() - dt.timedelta(days=30),
    )

    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ko")

    assert response.status_code == 200
    listed = {z.name_ko: z for z in response.context["zones"]}
    assert listed["양재 AI 특구"].resident_count == 3
    assert listed["양재 AI 특구"].open_call_count == 1
    assert "양재 AI 특구" in response.content.decode()


@pytest.mark.django_db
def test_home_shows_english_names_to_english_readers(client):
    factories.ZoneFactory(name_ko="양재 AI 특구", name_en="Yangjae AI Special Zone")
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Yangjae AI Special Zone" in response.content.decode()


@pytest.mark.django_db
def test_archived_zone_is_not_on_the_home_page(client):
    factories.ZoneFactory(name_ko="폐지된 특구", archived_at=timezone.now())
    response = client.get(reverse("home"))
    assert "폐지된 특구" not in response.content.decode()
