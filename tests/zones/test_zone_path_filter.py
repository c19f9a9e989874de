"""filter_by_zone_path: the rows of some zones through a model's zone path, as nested "fk = ANY(ARRAY(ids))"
from the first hop, finding exactly the rows the joined lookup finds; the admin's zone filter uses it."""

import pytest
from django.contrib import admin
from django.urls import reverse

from programs.models import Application, Enrolment
from tests import factories as f
from zones.models import Zone
from zones.selectors import filter_by_zone_path

pytestmark = pytest.mark.django_db

ZONE_SCOPED = sorted(
    (
        (model, model_admin.zone_path)
        for model, model_admin in admin.site._registry.items()
        if getattr(model_admin, "zone_path", None) is not None
    ),
    key=lambda pair: pair[0]._meta.label,
)


@pytest.mark.parametrize(("model", "zone_path"), ZONE_SCOPED, ids=lambda value: getattr(value, "__name__", value))
def test_finds_the_same_rows_as_the_joined_lookup(model, zone_path):
    factory = getattr(f, f"{model.__name__}Factory")
    objects = [factory(), factory(), factory()]
    zone_ids = list(
        model._base_manager.filter(pk__in=[obj.pk for obj in objects]).values_list(zone_path, flat=True).distinct()
    )
    assert len(zone_ids) > 1, "each factory call should make a record of its own zone"

    for chosen in ([zone_ids[0]], zone_ids[:2], [], [f.ZoneFactory().pk]):
        rows = model._base_manager.all()
        found = filter_by_zone_path(rows, zone_path, chosen)
        joined = rows.filter(**{f"{zone_path}__in": chosen})
        assert sorted(found.values_list("pk", flat=True)) == sorted(joined.values_list("pk", flat=True))
    assert filter_by_zone_path(model._base_manager.all(), zone_path, [zone_ids[0]]).exists()


@pytest.mark.parametrize(
    ("model", "zone_path", "first_hop"),
    [
        (Application, "call__program__zone", "call_id"),
        (Enrolment, "cohort__training_program__zone", "cohort_id"),
    ],
)
def test_a_multi_hop_path_matches_the_first_foreign_key_against_the_zones_ids(model, zone_path, first_hop):
    sql = str(filter_by_zone_path(model.objects.order_by().values("pk"), zone_path, [1, 2]).query)

    assert "JOIN" not in sql
    assert f'"{first_hop}" = ANY(ARRAY(SELECT' in sql
    assert sql.count("= ANY(ARRAY(SELECT") == 2


def test_a_to_many_hop_keeps_the_joined_lookup():
    zone = f.ZoneFactory()
    f.ProgramFactory(zone=zone)
    f.ProgramFactory(zone=zone)
    f.ZoneFactory()

    found = filter_by_zone_path(Zone.objects.all(), "programs__zone", [zone.pk])

    assert list(found.values_list("pk", flat=True)) == [zone.pk, zone.pk]  # the join's rows, one per program
    assert "JOIN" in str(found.query)


def test_the_admin_zone_filter_shows_the_zones_rows(admin_client):
    ours, theirs = f.ApplicationFactory(), f.ApplicationFactory()
    zone_id = ours.call.program.zone_id

    response = admin_client.get(reverse("admin:programs_application_changelist"), {"zone": str(zone_id)})

    assert list(response.context["cl"].result_list) == [ours]
    assert theirs.call.program.zone_id != zone_id


def test_the_admin_zone_filter_refuses_a_zone_that_is_not_a_number(admin_client):
    f.ApplicationFactory()
    path = reverse("admin:programs_application_changelist")

    response = admin_client.get(path, {"zone": "abc"})

    assert response.status_code == 302
    assert response.url == f"{path}?e=1"
