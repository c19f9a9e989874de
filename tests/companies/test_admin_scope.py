"""Zone officers see their own zones' tenancies and MOUs; records are archived, never deleted."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from companies.models import Company, Mou, Tenancy
from tests import factories

pytestmark = pytest.mark.django_db

OFFICER_PERMISSIONS = (
    "view_company",
    "view_tenancy",
    "change_tenancy",
    "view_mou",
    "change_mou",
    "view_moucommitment",
    "change_moucommitment",
)


@pytest.fixture
def two_zones():
    zone_a = factories.ZoneFactory(name_ko="양재 AI 특구")
    zone_b = factories.ZoneFactory(name_ko="광주 AI 집적단지")
    company = factories.CompanyFactory()
    records = {
        "zone_a": zone_a,
        "zone_b": zone_b,
        "company": company,
        "tenancy_a": factories.TenancyFactory(company=company, zone=zone_a),
        "tenancy_b": factories.TenancyFactory(company=company, zone=zone_b),
        "mou_a": factories.MouFactory(company=company, zone=zone_a, title="양재 협약"),
        "mou_b": factories.MouFactory(company=company, zone=zone_b, title="광주 협약"),
    }
    records["commitment_a"] = factories.MouCommitmentFactory(mou=records["mou_a"])
    records["commitment_b"] = factories.MouCommitmentFactory(mou=records["mou_b"])
    return records


@pytest.fixture
def officer_client(client, make_officer, two_zones):
    client.force_login(make_officer(two_zones["zone_a"], *OFFICER_PERMISSIONS))
    return client


@pytest.mark.parametrize(
    ("model", "mine"), [("tenancy", "tenancy_a"), ("mou", "mou_a"), ("moucommitment", "commitment_a")]
)
def test_zone_officer_sees_only_their_zones_records(officer_client, two_zones, model, mine):
    response = officer_client.get(reverse(f"admin:companies_{model}_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [two_zones[mine]]


def test_zone_officer_zone_filter_offers_only_their_zone(officer_client, two_zones):
    response = officer_client.get(reverse("admin:companies_tenancy_changelist"))

    html = response.content.decode()
    assert "양재 AI 특구" in html
    assert "광주 AI 집적단지" not in html


@pytest.mark.parametrize("model", ["mou", "tenancy"])
def test_zone_officer_cannot_open_another_zones_record_by_id(officer_client, two_zones, model):
    other = two_zones[f"{model}_b"]

    response = officer_client.get(reverse(f"admin:companies_{model}_change", args=[other.pk]))

    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    own = officer_client.get(reverse(f"admin:companies_{model}_change", args=[two_zones[f"{model}_a"].pk]))
    assert own.status_code == 200


def test_zone_officer_cannot_read_another_zones_mou_history(officer_client, two_zones):
    theirs, mine = two_zones["mou_b"], two_zones["mou_a"]
    version = theirs.history.latest().history_id

    assert officer_client.get(reverse("admin:companies_mou_history", args=[theirs.pk])).status_code == 404
    assert (
        officer_client.get(reverse("admin:companies_mou_simple_history", args=[theirs.pk, version])).status_code == 404
    )
    assert officer_client.get(reverse("admin:companies_mou_history", args=[mine.pk])).status_code == 200


def test_company_page_shows_an_officer_only_their_zones_tenancies_and_mous(officer_client, two_zones):
    response = officer_client.get(reverse("admin:companies_company_change", args=[two_zones["company"].pk]))

    assert response.status_code == 200
    shown = {
        inline.formset.model: [form.instance for form in inline.formset.initial_forms]
        for inline in response.context["inline_admin_formsets"]
    }
    assert shown[Tenancy] == [two_zones["tenancy_a"]]
    assert shown[Mou] == [two_zones["mou_a"]]
    html = response.content.decode()
    assert "양재 협약" in html
    assert "광주 협약" not in html


def test_superuser_company_page_shows_every_zone(admin_client, two_zones):
    response = admin_client.get(reverse("admin:companies_company_change", args=[two_zones["company"].pk]))

    shown = {
        inline.formset.model: {form.instance for form in inline.formset.initial_forms}
        for inline in response.context["inline_admin_formsets"]
    }
    assert shown[Mou] == {two_zones["mou_a"], two_zones["mou_b"]}


def test_zone_officer_cannot_put_a_tenancy_in_another_zone(client, make_officer, two_zones):
    client.force_login(make_officer(two_zones["zone_a"], *OFFICER_PERMISSIONS, "add_tenancy"))
    data = {"company": factories.CompanyFactory().pk, "zone": two_zones["zone_b"].pk, "status": "resident"}

    response = client.post(reverse("admin:companies_tenancy_add"), data)

    assert response.status_code == 200
    assert "zone" in response.context["adminform"].form.errors
    assert not Tenancy.objects.filter(company_id=data["company"]).exists()


def test_zone_officer_cannot_attach_a_commitment_to_another_zones_mou(client, make_officer, two_zones):
    client.force_login(make_officer(two_zones["zone_a"], *OFFICER_PERMISSIONS, "add_moucommitment"))
    data = {"mou": two_zones["mou_b"].pk, "kind": "jobs", "promised_value": "5"}

    response = client.post(reverse("admin:companies_moucommitment_add"), data)

    assert response.status_code == 200
    assert "mou" in response.context["adminform"].form.errors


# --- archive, never delete ----------------------------------------------------------


ARCHIVABLE = {
    "company": lambda: factories.CompanyFactory(),
    "tenancy": lambda: factories.TenancyFactory(),
    "mou": lambda: factories.MouFactory(),
}


@pytest.mark.parametrize("model", ARCHIVABLE)
def test_archive_action_moves_the_record_to_the_archived_list(admin_client, superuser, model):
    record, kept = ARCHIVABLE[model](), ARCHIVABLE[model]()
    path = reverse(f"admin:companies_{model}_changelist")

    response = admin_client.post(path, {"action": "archive_selected", "_selected_action": [record.pk]})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)]
    record.refresh_from_db()
    assert record.archived_at is not None
    assert record.archived_by == superuser
    assert list(admin_client.get(path).context["cl"].result_list) == [kept]
    assert list(admin_client.get(path, {"archived": "yes"}).context["cl"].result_list) == [record]


@pytest.mark.parametrize("model", ["aifield", "company", "companymember", "tenancy", "mou", "moucommitment"])
def test_nothing_can_be_deleted(admin_client, model):
    response = admin_client.get(reverse(f"admin:companies_{model}_changelist"))

    assert "delete_selected" not in dict(response.context["cl"].model_admin.get_action_choices(response.wsgi_request))
    obj = {
        "aifield": factories.AIFieldFactory,
        "company": factories.CompanyFactory,
        "companymember": factories.CompanyMemberFactory,
        "tenancy": factories.TenancyFactory,
        "mou": factories.MouFactory,
        "moucommitment": factories.MouCommitmentFactory,
    }[model]()
    assert admin_client.get(reverse(f"admin:companies_{model}_delete", args=[obj.pk])).status_code == 403


def test_restore_action_brings_an_archived_company_back(admin_client):
    company = factories.CompanyFactory()
    path = reverse("admin:companies_company_changelist")
    admin_client.post(path, {"action": "archive_selected", "_selected_action": [company.pk]})

    admin_client.post(f"{path}?archived=yes", {"action": "restore_selected", "_selected_action": [company.pk]})

    assert Company.objects.get(pk=company.pk).archived_at is None
