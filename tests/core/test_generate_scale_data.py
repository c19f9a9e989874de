import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from companies.models import Company, Mou, Tenancy
from core.scale import GENERATED_MODELS, Sizes
from core.scale.common import Context
from core.scale.companies import company_rows
from programs.models import (
    Application,
    Call,
    Cohort,
    ComputeAllocation,
    Enrolment,
    Investment,
    Program,
    Review,
    Trainee,
    TrainingProgram,
)
from zones.kpi import compute_all
from zones.models import ExemptionGrant, SpecialCase, Zone, ZoneStaff, ZoneTarget

SIZES = {
    "zones": 2,
    "companies": 60,
    "mous": 90,
    "applications": 150,
    "enrolments": 200,
    "investments": 40,
    "allocations": 30,
}
SAMPLE = 30


def generate(**sizes) -> str:
    out = io.StringIO()
    args = [f"--{name}={value}" for name, value in {**SIZES, **sizes}.items()]
    call_command("generate_scale_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def output(db):
    return generate()


def generated_models():
    return [apps.get_model(label) for label in GENERATED_MODELS]


def test_rows_per_model_follow_the_sizes(output):
    zones = SIZES["zones"]
    assert Zone.objects.count() == zones
    assert Company.objects.count() == SIZES["companies"]
    assert Tenancy.objects.count() == SIZES["companies"]
    assert Mou.objects.count() == SIZES["mous"]
    assert Application.objects.count() == SIZES["applications"]
    assert Enrolment.objects.count() == SIZES["enrolments"]
    assert Trainee.objects.count() == SIZES["enrolments"]
    assert Investment.objects.count() == SIZES["investments"]
    assert ComputeAllocation.objects.count() == SIZES["allocations"]
    assert ZoneStaff.objects.count() == zones * 7
    assert ZoneTarget.objects.count() == zones * 3 * 10
    assert SpecialCase.objects.count() == zones * 5
    assert ExemptionGrant.objects.count() == zones * 50
    assert Program.objects.count() == zones * 5
    assert Call.objects.count() == zones * 5 * 10
    assert TrainingProgram.objects.count() == zones * 3
    assert Cohort.objects.count() == zones * 3 * 8
    assert Review.objects.exists()


def test_scale_multiplies_every_size(db):
    generate(scale=0.5)
    assert Zone.objects.count() == 1
    assert Company.objects.count() == 30
    assert Enrolment.objects.count() == 100


def test_progress_is_reported_per_table_with_its_rate(output):
    assert "companies_company" in output
    assert "rows/s" in output
    assert "Total:" in output


def _sample(model):
    """Rows spread over the whole table, plus the first row of every status."""
    pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
    chosen = set(pks[:: max(1, len(pks) // SAMPLE)])
    if any(f.name == "status" for f in model._meta.fields):
        for status in model.objects.values_list("status", flat=True).distinct():
            chosen.add(model.objects.filter(status=status).order_by("pk").values_list("pk", flat=True)[0])
    return model.objects.filter(pk__in=chosen)


def test_every_generated_model_passes_its_validation(output):
    for model in generated_models():
        rows = list(_sample(model))
        assert rows, model
        for row in rows:
            row.full_clean()


def test_statuses_are_spread_over_the_workflows(output):
    assert Application.objects.values("status").distinct().count() >= 8
    assert Enrolment.objects.filter(status=Enrolment.Status.EMPLOYED).exists()
    assert Tenancy.objects.filter(status=Tenancy.Status.RESIDENT).exists()
    assert not Application.objects.filter(status=Application.Status.DRAFT, submitted_at__isnull=False).exists()
    assert not Application.objects.filter(status=Application.Status.REJECTED, decided_at__isnull=True).exists()


def test_applications_and_enrolments_carry_their_zone(output):
    from django.db.models import F

    assert Application.objects.exists() and Enrolment.objects.exists()
    assert not Application.objects.exclude(zone=F("call__program__zone")).exists()
    assert not Enrolment.objects.exclude(zone=F("cohort__training_program__zone")).exists()


def test_every_generated_row_has_its_creation_history(output):
    for model in generated_models():
        ids = set(model.objects.values_list("pk", flat=True))
        created = model.history.filter(history_type="+", history_change_reason="generated")
        assert set(created.values_list("id", flat=True)) == ids, model
        assert created.count() == len(ids), model


def test_history_dates_are_the_creation_times(output):
    company = Company.objects.order_by("pk").first()
    assert company.history.get().history_date == company.created_at


def test_ids_continue_after_the_generated_rows(output):
    company = Company.objects.create(name_ko="새 기업", brn="2208162517", size=Company.Size.SME)
    assert company.pk == Company.objects.exclude(pk=company.pk).order_by("-pk").first().pk + 1


def test_a_second_run_is_refused(output):
    with pytest.raises(CommandError, match="already holds generated scale data"):
        generate()
    assert Zone.objects.count() == SIZES["zones"]


def test_another_database_than_postgresql_is_refused(db, monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        generate()
    assert not Zone.objects.exists()


def test_the_same_seed_gives_the_same_rows():
    def rows(seed):
        ctx = Context(sizes=Sizes().scaled(0.0002), seed=seed, writer=None)
        ctx.last_ids[Company] = 0
        return list(company_rows(ctx))

    assert rows(1) == rows(1)
    assert rows(1) != rows(2)


def test_kpis_of_a_generated_zone_compute(output):
    zone = Zone.objects.get(slug="scale-001")
    figures = compute_all(zone, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert figures
    assert all(value is None or isinstance(value, int | float) for value in figures.values())
    assert figures["mous_signed"] > 0
    assert figures["companies_residents"] > 0


def test_admin_company_list_loads(output, admin_client):
    response = admin_client.get("/admin/companies/company/")
    assert response.status_code == 200
