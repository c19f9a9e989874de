"""The zones admin: every page renders, lists stay one query deep, officers see their own zones only,
the plan decides who may use a special case, and records are archived instead of deleted."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from companies.models import Company
from tests import factories as f
from zones import models as z

pytestmark = pytest.mark.django_db


# --- one row of each model, inside a given zone --------------------------------


def _zone(zone):
    f.SpecialCaseFactory(zone=zone)
    f.TenancyFactory(zone=zone)
    f.PlanOperatorFactory(zone=zone, company=f.CompanyFactory())
    return zone


BUILDERS = {
    z.Zone: _zone,
    z.ZoneStaff: lambda zone: f.ZoneStaffFactory(zone=zone),
    z.ZonePartner: lambda zone: f.ZonePartnerFactory(zone=zone),
    z.ZoneTarget: lambda zone: f.ZoneTargetFactory(zone=zone),
    z.ProjectArea: lambda zone: f.SubProjectFactory(project_area__zone=zone).project_area,
    z.SubProject: lambda zone: (
        f.PlanOperatorFactory(
            zone=zone, sub_project=f.SubProjectFactory(project_area__zone=zone), company=f.CompanyFactory()
        ).sub_project
    ),
    z.PlanOperator: lambda zone: f.PlanOperatorFactory(
        zone=zone, sub_project=f.SubProjectFactory(project_area__zone=zone), company=f.CompanyFactory()
    ),
    z.PlanChange: lambda zone: f.PlanChangeFactory(zone=zone),
    z.SpecialCase: lambda zone: f.ExemptionGrantFactory(special_case__zone=zone).special_case,
    z.ExemptionGrant: lambda zone: f.ExemptionIncidentFactory(grant__special_case__zone=zone).grant,
    z.ExemptionIncident: lambda zone: f.ExemptionIncidentFactory(grant__special_case__zone=zone),
}
MODELS = list(BUILDERS)
ARCHIVABLE = [z.Zone, z.SpecialCase, z.ExemptionGrant]

# A search and the filters each list offers, applied together; "{zone}" is the row's zone id.
SEARCH_AND_FILTERS = {
    z.Zone: "q=AI&kind__exact=regional_specialized&region=서울특별시&designated_on__year=2024",
    z.ZoneStaff: "q=user&role__exact=officer&is_active__exact=1&zone__id__exact={zone}",
    z.ZonePartner: "q=협력기관&role__exact=academic&zone__id__exact={zone}",
    z.ZoneTarget: "q=AI&measure__exact=jobs_created&zone__id__exact={zone}",
    z.ProjectArea: "q=사업구역&zone__id__exact={zone}",
    z.SubProject: "q=특화사업&project_area__zone__id__exact={zone}",
    z.PlanOperator: "q=특화사업자&role__exact=specialized&in_plan=yes&registered=yes&zone__id__exact={zone}",
    z.PlanChange: "q=지정&kind__exact=designation&approved_on__year=2024&zone__id__exact={zone}",
    z.SpecialCase: "q=특허법&kind__exact=special_case&archived=no&zone__id__exact={zone}",
    z.ExemptionGrant: (
        "q=에이아이&status__exact=active&special_case__kind__exact=special_case"
        "&special_case__zone__id__exact={zone}&starts_on__year=2025"
    ),
    z.ExemptionIncident: "q=오류&severity__exact=minor&grant__special_case__zone__id__exact={zone}",
}


def zone_of(obj) -> z.Zone:
    for path in ("zone", "project_area.zone", "special_case.zone", "grant.special_case.zone"):
        target = obj
        try:
            for part in path.split("."):
                target = getattr(target, part)
        except AttributeError:
            continue
        return target
    assert isinstance(obj, z.Zone)
    return obj


def url(model, view: str, *args) -> str:
    return reverse(f"admin:zones_{model._meta.model_name}_{view}", args=args)


def result_pks(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def model_id(model) -> str:
    return model.__name__


# --- pages render --------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_changelist_add_change_and_history_pages_render_for_a_superuser(admin_client, model):
    obj = BUILDERS[model](f.ZoneFactory())

    for path in (
        url(model, "changelist"),
        url(model, "add"),
        url(model, "change", obj.pk),
        url(model, "history", obj.pk),
    ):
        assert admin_client.get(path).status_code == 200, path


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_changelist_with_a_search_and_every_filter_finds_the_row(admin_client, model):
    obj = BUILDERS[model](f.ZoneFactory())
    query = SEARCH_AND_FILTERS[model].format(zone=zone_of(obj).pk)

    response = admin_client.get(f"{url(model, 'changelist')}?{query}")

    assert response.status_code == 200
    assert "e=1" not in response.get("Location", "")  # an unknown filter redirects with ?e=1
    assert obj.pk in result_pks(response)


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, model):
    path = url(model, "changelist")
    BUILDERS[model](f.ZoneFactory())
    admin_client.get(path)  # warm caches (content types, sessions) before counting
    with_one_row = count_queries(admin_client, path)

    for _ in range(29):
        BUILDERS[model](f.ZoneFactory())
    with_thirty_rows = count_queries(admin_client, path)

    assert with_thirty_rows == with_one_row


def test_zone_changelist_shows_counts_and_budget_from_one_query(admin_client):
    zone = f.ZoneFactory(name_ko="양재 AI 특구", budget_krw=50_000_000_000)
    f.SpecialCaseFactory.create_batch(6, zone=zone)
    f.SpecialCaseFactory(zone=zone, archived_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    f.TenancyFactory.create_batch(3, zone=zone)
    f.TenancyFactory(zone=zone, status="graduated")
    f.PlanOperatorFactory.create_batch(2, zone=zone)
    f.PlanOperatorFactory(zone=zone, removed_on=dt.date(2025, 6, 30))

    response = admin_client.get(url(z.Zone, "changelist"))

    row = next(obj for obj in response.context["cl"].result_list if obj.pk == zone.pk)
    assert (row.special_case_count, row.resident_company_count, row.plan_operator_count) == (6, 3, 2)
    assert "500억원" in response.content.decode()


@pytest.mark.parametrize(
    ("make_parent", "add_row"),
    [
        (f.ZoneFactory, lambda zone: f.ZoneStaffFactory(zone=zone)),
        (f.ZoneFactory, lambda zone: f.SpecialCaseFactory(zone=zone)),
        (f.ZoneFactory, lambda zone: f.PlanChangeFactory(zone=zone)),
        (f.ProjectAreaFactory, lambda area: f.SubProjectFactory(project_area=area)),
        (
            f.SubProjectFactory,
            lambda sub_project: f.PlanOperatorFactory(
                zone=sub_project.project_area.zone, sub_project=sub_project, company=f.CompanyFactory()
            ),
        ),
        (f.ExemptionGrantFactory, lambda grant: f.ExemptionIncidentFactory(grant=grant)),
    ],
    ids=["zone-staff", "zone-special-cases", "zone-plan-changes", "area-sub-projects", "operators", "incidents"],
)
def test_change_page_query_count_does_not_grow_with_inline_rows(admin_client, make_parent, add_row):
    parent = make_parent()
    path = url(type(parent), "change", parent.pk)
    add_row(parent)
    admin_client.get(path)
    with_one_row = count_queries(admin_client, path)

    for _ in range(7):
        add_row(parent)

    assert count_queries(admin_client, path) == with_one_row


# --- zone officers see their own zones only ----------------------------------------


@pytest.fixture
def officer(db):
    user = f.StaffUserFactory()
    codenames = [f"{action}_{model._meta.model_name}" for model in MODELS for action in ("view", "change", "add")]
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="zones", codename__in=codenames))
    return user


@pytest.fixture
def zone_a(officer):
    zone = f.ZoneFactory(name_ko="양재 AI 특구")
    f.ZoneStaffFactory(zone=zone, user=officer)
    return zone


@pytest.fixture
def zone_b(db):
    return f.ZoneFactory(name_ko="광주 AI 클러스터")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_officer_lists_only_their_zones_rows(officer_client, zone_a, zone_b, model):
    own = BUILDERS[model](zone_a)
    other = BUILDERS[model](zone_b)

    response = officer_client.get(url(model, "changelist"))

    assert response.status_code == 200
    assert own.pk in result_pks(response)
    assert other.pk not in result_pks(response)


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_officer_cannot_open_another_zones_record_by_id(officer_client, zone_a, zone_b, model):
    own = BUILDERS[model](zone_a)
    other = BUILDERS[model](zone_b)

    assert officer_client.get(url(model, "change", own.pk)).status_code == 200
    response = officer_client.get(url(model, "change", other.pk), follow=True)

    # Django's admin answers an id outside the queryset with a redirect to the index and a message.
    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    assert len(list(response.context["messages"])) == 1
    assert str(other) not in response.content.decode()
    assert officer_client.get(url(model, "history", other.pk)).status_code == 404


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_officer_sees_another_zones_name_nowhere_on_a_list(officer_client, zone_a, zone_b, model):
    BUILDERS[model](zone_a)
    BUILDERS[model](zone_b)

    body = officer_client.get(url(model, "changelist")).content.decode()

    assert zone_a.name_ko in body
    assert zone_b.name_ko not in body  # neither in a row nor among a filter's choices


@pytest.mark.parametrize(
    ("model", "field_name", "make_target"),
    [
        (z.SpecialCase, "zone", lambda zone: zone),
        (z.ExemptionGrant, "special_case", lambda zone: f.SpecialCaseFactory(zone=zone)),
        (z.SubProject, "project_area", lambda zone: f.ProjectAreaFactory(zone=zone)),
    ],
)
def test_officer_autocomplete_offers_only_their_zones_rows(
    officer_client, zone_a, zone_b, model, field_name, make_target
):
    own, other = make_target(zone_a), make_target(zone_b)

    response = officer_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "zones", "model_name": model._meta.model_name, "field_name": field_name, "term": ""},
    )

    ids = {int(result["id"]) for result in response.json()["results"]}
    assert own.pk in ids
    assert other.pk not in ids


def test_officer_cannot_grant_another_zones_special_case(officer_client, zone_a, zone_b):
    company = f.CompanyFactory()
    other_case = f.SpecialCaseFactory(zone=zone_b)
    f.PlanOperatorFactory(zone=zone_b, company=company)

    response = officer_client.post(url(z.ExemptionGrant, "add"), grant_form_data(other_case, company))

    assert response.status_code == 200
    assert "special_case" in response.context["adminform"].form.errors
    assert not z.ExemptionGrant.objects.exists()


# --- only businesses named in the plan may use its special cases ------------------------


def grant_form_data(special_case, company, **overrides) -> dict:
    data = {
        "special_case": special_case.pk,
        "company": company.pk,
        "application": "",
        "status": z.ExemptionGrant.Status.REQUESTED,
        "purpose": "AI 특허 우선심사",
        "conditions": "",
        "starts_on": "2025-01-01",
        "ends_on": "2026-12-31",
        "insurer": "",
        "insurance_policy_no": "",
        "insurance_coverage_krw": "0",
        "certificate_no": "",
        "revoked_reason": "",
        "incidents-TOTAL_FORMS": "0",
        "incidents-INITIAL_FORMS": "0",
        "incidents-MIN_NUM_FORMS": "0",
        "incidents-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_grant_form_refuses_a_company_not_named_in_the_plan(admin_client):
    special_case = f.SpecialCaseFactory()
    located_in_zone = f.CompanyFactory()
    f.TenancyFactory(zone=special_case.zone, company=located_in_zone)  # inside the zone, but not in the plan

    response = admin_client.post(url(z.ExemptionGrant, "add"), grant_form_data(special_case, located_in_zone))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["company"]
    assert [error.code for error in form.errors.as_data()["company"]] == ["not_plan_operator"]
    assert located_in_zone.name_ko in form.errors["company"][0]  # the message names the company and the zone
    assert special_case.zone.name_ko in form.errors["company"][0]
    assert not z.ExemptionGrant.objects.exists()


def test_grant_form_refuses_a_company_removed_from_the_plan_or_named_in_another_zone(admin_client):
    special_case = f.SpecialCaseFactory()
    removed = f.PlanOperatorFactory(zone=special_case.zone, company=f.CompanyFactory(), removed_on=dt.date(2025, 1, 31))
    elsewhere = f.PlanOperatorFactory(company=f.CompanyFactory())

    for operator in (removed, elsewhere):
        response = admin_client.post(url(z.ExemptionGrant, "add"), grant_form_data(special_case, operator.company))
        assert "company" in response.context["adminform"].form.errors

    assert not z.ExemptionGrant.objects.exists()


def test_grant_form_accepts_a_company_named_in_the_plan(admin_client):
    special_case = f.SpecialCaseFactory()
    operator = f.PlanOperatorFactory(zone=special_case.zone, company=f.CompanyFactory())

    response = admin_client.post(url(z.ExemptionGrant, "add"), grant_form_data(special_case, operator.company))

    assert response.status_code == 302
    grant = z.ExemptionGrant.objects.get()
    assert (grant.special_case, grant.company) == (special_case, operator.company)


def test_grant_made_before_the_company_left_the_plan_can_still_be_revoked(admin_client):
    grant = f.ExemptionGrantFactory()  # its company is not (or no longer) in the plan

    # The status is a workflow step now (the change form shows it read-only): revoked with the reason as comment.
    response = admin_client.post(
        reverse("admin:zones_exemptiongrant_step", args=[grant.pk]),
        {"to": "revoked", "expected_from": grant.status, "comment": "조건 위반"},
    )

    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.status, grant.revoked_reason) == (z.ExemptionGrant.Status.REVOKED, "조건 위반")


def test_grant_form_refuses_another_companys_application(admin_client):
    special_case = f.SpecialCaseFactory()
    operator = f.PlanOperatorFactory(zone=special_case.zone, company=f.CompanyFactory())
    application = f.ApplicationFactory(call__program__zone=special_case.zone)

    response = admin_client.post(
        url(z.ExemptionGrant, "add"), grant_form_data(special_case, operator.company, application=application.pk)
    )

    assert list(response.context["adminform"].form.errors) == ["application"]


# --- plan operators ------------------------------------------------------------------


def operator_form_data(zone, **overrides) -> dict:
    data = {
        "zone": zone.pk,
        "sub_project": "",
        "organization_name": "",
        "role": z.PlanOperator.Role.SPECIALIZED,
        "is_company": "on",
        "company": "",
        "named_on": "2024-11-28",
        "removed_on": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_operator_that_is_a_company_must_be_linked_to_it(admin_client):
    zone = f.ZoneFactory()

    response = admin_client.post(url(z.PlanOperator, "add"), operator_form_data(zone, organization_name="에이아이랩"))

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["company"]


def test_institution_operator_needs_no_company_and_a_company_operator_takes_its_name(admin_client):
    zone = f.ZoneFactory()
    company = f.CompanyFactory(name_ko="주식회사 양재랩")

    institution = admin_client.post(
        url(z.PlanOperator, "add"),
        operator_form_data(zone, organization_name="KAIST", role="unit", is_company=None),
    )
    business = admin_client.post(url(z.PlanOperator, "add"), operator_form_data(zone, company=company.pk))

    assert (institution.status_code, business.status_code) == (302, 302)
    assert set(z.PlanOperator.objects.values_list("organization_name", "company")) == {
        ("KAIST", None),
        ("주식회사 양재랩", company.pk),
    }


def test_operator_sub_project_must_belong_to_the_operators_zone(admin_client):
    zone = f.ZoneFactory()
    other_zones_project = f.SubProjectFactory()

    response = admin_client.post(
        url(z.PlanOperator, "add"),
        operator_form_data(zone, organization_name="KAIST", is_company=None, sub_project=other_zones_project.pk),
    )

    assert list(response.context["adminform"].form.errors) == ["sub_project"]


def test_operator_added_on_a_sub_project_page_belongs_to_its_zone(admin_client):
    sub_project = f.SubProjectFactory()
    company = f.CompanyFactory()
    data = {
        "project_area": sub_project.project_area.pk,
        "code": sub_project.code,
        "name_ko": sub_project.name_ko,
        "name_en": "",
        "start_year": "2025",
        "end_year": "2029",
        "budget_krw": "1000000000",
        "operators-TOTAL_FORMS": "1",
        "operators-INITIAL_FORMS": "0",
        "operators-MIN_NUM_FORMS": "0",
        "operators-MAX_NUM_FORMS": "1000",
        "operators-0-organization_name": "",
        "operators-0-is_company": "on",
        "operators-0-company": company.pk,
        "operators-0-role": "specialized",
        "operators-0-named_on": "2025-01-02",
        "operators-0-removed_on": "",
    }

    response = admin_client.post(url(z.SubProject, "change", sub_project.pk), data)

    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    operator = z.PlanOperator.objects.get()
    assert (operator.zone, operator.sub_project, operator.company) == (
        sub_project.project_area.zone,
        sub_project,
        company,
    )


def test_operator_rows_show_their_company_in_the_autocomplete(admin_client):
    operator = f.PlanOperatorFactory(sub_project=f.SubProjectFactory(), company=f.CompanyFactory(name_ko="양재랩"))

    response = admin_client.get(url(z.SubProject, "change", operator.sub_project.pk))

    assert f'<option value="{operator.company.pk}" selected>양재랩</option>' in response.content.decode()


# --- archive instead of delete -----------------------------------------------------------


@pytest.mark.parametrize("model", ARCHIVABLE, ids=model_id)
def test_archive_hides_the_record_and_restore_brings_it_back(admin_client, superuser, model):
    obj = BUILDERS[model](f.ZoneFactory())
    changelist = url(model, "changelist")

    admin_client.post(changelist, {"action": "archive_selected", "_selected_action": [obj.pk]})

    obj.refresh_from_db()
    assert obj.archived_at is not None
    assert obj.archived_by == superuser
    assert obj.pk not in result_pks(admin_client.get(changelist))
    assert obj.pk in result_pks(admin_client.get(changelist, {"archived": "yes"}))

    admin_client.post(f"{changelist}?archived=yes", {"action": "restore_selected", "_selected_action": [obj.pk]})

    obj.refresh_from_db()
    assert obj.archived_at is None
    assert obj.pk in result_pks(admin_client.get(changelist))
    assert obj.history.first().history_user == superuser


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_nothing_can_be_deleted(admin_client, model):
    obj = BUILDERS[model](f.ZoneFactory())

    response = admin_client.get(url(model, "changelist"))

    action_form = response.context["action_form"]
    actions = {name for name, _label in action_form.fields["action"].choices} if action_form else set()
    assert "delete_selected" not in actions
    assert admin_client.get(url(model, "delete", obj.pk)).status_code == 403
    assert admin_client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


# --- Django's own admin checks ----------------------------------------------------------


class _CompanyAdminStandIn(ModelAdmin):
    search_fields = ("name_ko", "name_en", "brn")


def test_zones_admins_pass_djangos_admin_checks():
    """autocomplete_fields point at companies.Company, whose admin lives in the companies app."""
    site = AdminSite(name="checks")
    company_admin = admin.site._registry.get(Company)
    site.register(Company, type(company_admin) if company_admin else _CompanyAdminStandIn)
    site.register(get_user_model(), UserAdmin)
    zones_admins = {
        model: type(model_admin) for model, model_admin in admin.site._registry.items() if model in BUILDERS
    }
    assert set(zones_admins) == set(MODELS)  # every zones model is registered
    for model, admin_class in zones_admins.items():
        site.register(model, admin_class)

    errors = [error for model in MODELS for error in site.get_model_admin(model).check()]

    assert errors == []
