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
from zones.services_kpi import kpi_snapshot_take


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
    # The 2025-Q3 KPI snapshots of both zones, named explicitly so a later run finds them again (they are frozen).
    for slug in sorted(ctx.zones):
        kpi_snapshot_take(zone=ctx.zones[slug], period_kind="quarter", period_start=dt.date(2025, 7, 1))
    return ctx
