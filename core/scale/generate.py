"""The run: checks, one transaction, every table in foreign-key order, ANALYZE, VACUUM, a summary."""

import time
from collections.abc import Callable

from django.apps import apps
from django.db import connection, transaction

from companies.models import Company
from core.scale.common import BRN_PREFIX, FIRST_ZONE_SLUG, MAX_COMPANIES, Context, ScaleDataError, Sizes
from core.scale.companies import write_companies, write_mous
from core.scale.copy import TableWriter
from core.scale.funds import write_funds
from core.scale.programs import write_programs
from core.scale.training import write_training
from core.scale.zones import write_grants, write_zones
from zones.models import Zone

# In foreign-key order: each step points only at rows the steps before it wrote.
STEPS = (write_zones, write_companies, write_grants, write_mous, write_programs, write_funds, write_training)
GENERATED_MODELS = (
    "zones.Zone",
    "zones.ZoneStaff",
    "zones.ZoneTarget",
    "zones.SpecialCase",
    "zones.ExemptionGrant",
    "companies.Company",
    "companies.Tenancy",
    "companies.Mou",
    "companies.MouCommitment",
    "programs.Program",
    "programs.Call",
    "programs.RubricCriterion",
    "programs.Application",
    "programs.Review",
    "programs.ReviewScore",
    "programs.Fund",
    "programs.FundCommitment",
    "programs.Investment",
    "programs.ComputeAllocation",
    "programs.TrainingProgram",
    "programs.Cohort",
    "programs.Trainee",
    "programs.Enrolment",
)


def check_can_generate(sizes: Sizes) -> None:
    if connection.vendor != "postgresql":
        raise ScaleDataError(
            f"Scale data is written with PostgreSQL COPY: this database is {connection.vendor}. "
            "Point DATABASE_URL at a PostgreSQL database."
        )
    if Zone.objects.filter(slug=FIRST_ZONE_SLUG).exists():
        raise ScaleDataError(
            f"This database already holds generated scale data (zone {FIRST_ZONE_SLUG} exists). "
            "Generate into an empty database, or drop and recreate this one first."
        )
    if Company.objects.filter(brn__startswith=BRN_PREFIX).exists():
        raise ScaleDataError(
            f"Companies with registration numbers starting {BRN_PREFIX} exist: that range is reserved for "
            "generated companies, so nothing was generated."
        )
    if sizes.companies > MAX_COMPANIES:
        raise ScaleDataError(f"At most {MAX_COMPANIES:,} generated companies (their registration number range).")


def generate_scale_data(
    *, sizes: Sizes, seed: int = 1, review_scores: bool = True, log: Callable[[str], None] = print
) -> dict[str, int]:
    """Generate every table in one transaction (all or nothing); returns the rows written per model label."""
    check_can_generate(sizes)
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        # Check the foreign keys at the end of each COPY rather than all at commit: the time shows per table,
        # and the server does not hold every pending check of the whole run.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        writer = TableWriter(cursor, log)
        ctx = Context(sizes=sizes, seed=seed, writer=writer, review_scores=review_scores)
        for label in GENERATED_MODELS:
            model = apps.get_model(label)
            ctx.last_ids[model] = writer.last_id(model)
        for step in STEPS:
            step(ctx)
        writer.analyze()
    if not connection.in_atomic_block:  # VACUUM cannot run in a transaction (a test's, say)
        with connection.cursor() as cursor:
            writer.vacuum(cursor)
    total = sum(ctx.counts.values())
    elapsed = time.monotonic() - started
    log(f"Total: {total:,} rows (plus their history) in {elapsed:.1f}s")
    return ctx.counts
