"""Demo data for `manage.py seed_demo`: Seoul's Yangjae AI special zone and the Gwangju AI cluster.

Deterministic (fixed dates and seeded generators; only the windows of the calls open today, and what hangs on
them, follow today's date) and idempotent (every row is found again by a natural key, so a second run writes
nothing new).
"""

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from core.demo import gwangju, indicators, people, portal, seoul
from core.demo.common import Context
from zones.models import KpiSnapshotRun
from zones.services_kpi_runs import kpi_snapshot_run_execute


@transaction.atomic
def seed(*, password: str, today: dt.date | None = None) -> Context:
    """Load every demo record; returns the context with the demo logins."""
    ctx = Context(today=today or timezone.localdate(), password_hash=make_password(password))
    people.build_ai_fields(ctx)
    people.build_users(ctx)
    seoul.build(ctx)
    gwangju.build(ctx)
    people.link_zone_staff(ctx)
    portal.build(ctx)
    indicators.build(ctx)
    # The 2025-Q3 KPI snapshots of both zones, taken by one recorded run (found again by a later seed: frozen).
    q3 = dt.date(2025, 7, 1)
    run = KpiSnapshotRun.objects.filter(period_kind="quarter", period_start=q3, requested_by=None).first()
    if run is None:
        run = KpiSnapshotRun.objects.create(period_kind="quarter", period_start=q3, total=len(ctx.zones))
        run.zones.set([ctx.zones[slug] for slug in sorted(ctx.zones)])
    kpi_snapshot_run_execute(run.pk)
    return ctx
