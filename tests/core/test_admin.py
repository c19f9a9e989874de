"""core.admin's shared behaviour, as every app's admin inherits it: history in scope, business numbers as typed."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

ZONE_SCOPED = sorted(
    (
        model
        for model, model_admin in admin.site._registry.items()
        if getattr(model_admin, "zone_path", None) is not None
    ),
    key=lambda model: model._meta.label,
)


def label(model) -> str:
    return model._meta.label


def staff_of(zone_id: int, model):
    """A zone officer who may view `model`'s records."""
    user = f.StaffUserFactory()
    user.user_permissions.add(
        Permission.objects.get(content_type=ContentType.objects.get_for_model(model), codename__startswith="view_")
    )
    f.ZoneStaffFactory(zone_id=zone_id, user=user)
    return user


def test_every_app_has_zone_scoped_admins():
    assert {model._meta.app_label for model in ZONE_SCOPED} >= {"zones", "companies", "programs"}


@pytest.mark.parametrize("model", ZONE_SCOPED, ids=label)
def test_history_of_a_record_outside_the_officers_zones_is_not_found(client, model):
    obj = getattr(f, f"{model.__name__}Factory")()
    zone_path = admin.site.get_model_admin(model).zone_path
    zone_id = model._default_manager.filter(pk=obj.pk).values_list(zone_path, flat=True).get()
    info = (model._meta.app_label, model._meta.model_name)
    version = obj.history.latest().history_id

    client.force_login(staff_of(f.ZoneFactory().pk, model))
    assert client.get(reverse("admin:{}_{}_history".format(*info), args=[obj.pk])).status_code == 404
    assert client.get(reverse("admin:{}_{}_simple_history".format(*info), args=[obj.pk, version])).status_code == 404

    client.force_login(staff_of(zone_id, model))
    assert client.get(reverse("admin:{}_{}_history".format(*info), args=[obj.pk])).status_code == 200


# --- business numbers ---------------------------------------------------------------

# One zone record per app whose company is searched by its business number.
BY_COMPANY = {
    "programs": lambda company: f.ApplicationFactory(company=company),
    "zones": lambda company: f.ExemptionGrantFactory(company=company),
    "companies": lambda company: f.MouFactory(company=company),
}


def search(client, build, term: str):
    mine = build(f.CompanyFactory(brn="2208162517", name_ko="주식회사 양재에이아이"))
    build(f.CompanyFactory())  # another company's row, which must not match
    info = (mine._meta.app_label, mine._meta.model_name)
    response = client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": term})
    assert response.status_code == 200
    return mine, [row.pk for row in response.context["cl"].result_list]


@pytest.mark.parametrize("app", BY_COMPANY)
@pytest.mark.parametrize("term", ["220-81-62517", "2208162517", "220-81", " 22081 "])
def test_records_are_found_by_their_company_number_with_or_without_dashes_or_its_beginning(admin_client, app, term):
    mine, found = search(admin_client, BY_COMPANY[app], term)

    assert found == [mine.pk]


@pytest.mark.parametrize("app", ["programs", "zones"])
def test_a_dashed_number_within_a_longer_search_is_matched_as_digits(admin_client, app):
    mine, found = search(admin_client, BY_COMPANY[app], "양재 220-81-62517")

    assert found == [mine.pk]
