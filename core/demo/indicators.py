"""AI-readiness indicators (Brookings pillars) and KPI report subscribers for the demo zones.

The indicator values are illustrative, marked as such in their source: the seeds report these measures for
US metros (Miami), not for Seoul or Gwangju. The office replaces them with figures from its own sources.
"""

from decimal import Decimal

from core.demo.common import Context, upsert
from zones.models import KpiSubscriber, ZoneIndicator

DEMO_SOURCE = "데모 예시 값 / illustrative demo value"

INDICATORS = {
    "yangjae": {
        "ai_talent_profiles": 5200,
        "cs_phd_students": 940,
        "ai_patents": 610,
        "rnd_contracts": 12,
        "top_publications": 15,
        "ai_startups": 373,
        "startup_funding_rounds": 88,
        "job_exposure_pct": Decimal("31.5"),
    },
    "gwangju": {
        "ai_talent_profiles": 1400,
        "cs_phd_students": 210,
        "ai_patents": 120,
        "rnd_contracts": 9,
        "top_publications": 4,
        "ai_startups": 270,
        "startup_funding_rounds": 21,
        "job_exposure_pct": Decimal("27.0"),
    },
}

SUBSCRIBERS = {
    "yangjae": [("서울시의회 경제위원회", "서울특별시의회", "council.economy@seoul.example.kr")],
    "gwangju": [("광주시의회 산업건설위원회", "광주광역시의회", "council.industry@gwangju.example.kr")],
}


def build(ctx: Context) -> None:
    for slug, values in INDICATORS.items():
        zone = ctx.zones[slug]
        for indicator, value in values.items():
            upsert(
                ZoneIndicator,
                {"zone": zone, "year": 2025, "indicator": indicator},
                value=Decimal(value),
                source=DEMO_SOURCE,
            )
    for slug, people in SUBSCRIBERS.items():
        for name, organization, email in people:
            upsert(KpiSubscriber, {"zone": ctx.zones[slug], "email": email}, name=name, organization=organization)
