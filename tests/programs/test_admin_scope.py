"""A zone officer works on their own zone's records only, in lists, pages, history and choices."""

import pytest
from django.contrib import admin
from django.urls import reverse

from programs.models import Call
from tests import factories as f
from tests.programs.builders import build_application, build_fund

pytestmark = pytest.mark.django_db


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def test_officer_sees_their_zone_applications_and_not_another_zone(officer_client, zone_a, zone_b):
    mine, theirs = build_application(zone_a), build_application(zone_b)

    response = officer_client.get(reverse("admin:programs_application_changelist"))

    assert listed(response) == {mine.pk}
    assert theirs.company.name_ko not in response.content.decode()


def test_officer_sees_their_zone_funds_and_not_another_zone(officer_client, zone_a, zone_b):
    mine, theirs = build_fund(zone_a), build_fund(zone_b)

    response = officer_client.get(reverse("admin:programs_fund_changelist"))

    assert listed(response) == {mine.pk}
    assert theirs.name_ko not in response.content.decode()


def test_zone_filter_offers_only_the_officer_zones(officer_client, zone_a, zone_b):
    build_fund(zone_a)

    response = officer_client.get(reverse("admin:programs_fund_changelist"))

    zone_choices = next(spec for spec in response.context["cl"].filter_specs if spec.parameter_name == "zone")
    assert zone_choices.lookup_choices == [(str(zone_a.pk), zone_a.name_ko)]


def test_officer_cannot_open_another_zone_application_by_id(officer_client, zone_b):
    theirs = build_application(zone_b)

    response = officer_client.get(reverse("admin:programs_application_change", args=[theirs.pk]))

    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_officer_cannot_change_another_zone_application_by_posting(officer_client, zone_b):
    theirs = build_application(zone_b)

    response = officer_client.post(
        reverse("admin:programs_application_change", args=[theirs.pk]), {"title": "바뀐 제목"}
    )

    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.title != "바뀐 제목"


def test_officer_cannot_read_another_zone_application_history(officer_client, zone_b):
    theirs = build_application(zone_b)

    response = officer_client.get(reverse("admin:programs_application_history", args=[theirs.pk]))

    assert response.status_code == 404


def test_officer_can_open_their_zone_application_and_its_history(officer_client, zone_a):
    mine = build_application(zone_a)

    assert officer_client.get(reverse("admin:programs_application_change", args=[mine.pk])).status_code == 200
    assert officer_client.get(reverse("admin:programs_application_history", args=[mine.pk])).status_code == 200


def test_officer_can_file_a_call_only_under_their_zone_programs(officer, rf, zone_a, zone_b):
    request = rf.get("/")
    request.user = officer
    mine = f.ProgramFactory(zone=zone_a)
    f.ProgramFactory(zone=zone_b)

    field = admin.site.get_model_admin(Call).formfield_for_foreignkey(Call._meta.get_field("program"), request)

    assert list(field.queryset) == [mine]
