"""Gwangju: the AI cluster (seed 002). Companies and MOUs are in gwangju_mous, programs in gwangju_programs."""

import datetime as dt

from core.demo import gwangju_mous, gwangju_programs
from core.demo.common import Context, upsert
from zones.models import Zone, ZonePartner, ZoneTarget

BUDGET_KRW = 426_900_000_000  # invested since 2020

PARTNERS = [
    ("인공지능산업융합사업단", "AI Industry Convergence Agency (AICA)", ZonePartner.Role.CO_OPERATOR, "집적단지 운영"),
    ("과학기술정보통신부", "Ministry of Science and ICT", ZonePartner.Role.FUNDER, "국가균형발전 프로젝트"),
    ("광주과학기술원", "GIST", ZonePartner.Role.ACADEMIC, "AI 인재 양성·공동연구"),
]
TARGETS_2025 = {
    ZoneTarget.Measure.COMPANIES_ATTRACTED: 60,
    ZoneTarget.Measure.MOU_OFFICES_OPENED: 170,
    ZoneTarget.Measure.JOBS_CREATED: 600,
    ZoneTarget.Measure.INVESTMENT_KRW: 50_000_000_000,
    ZoneTarget.Measure.GPU_HOURS: 250_000,
    ZoneTarget.Measure.TRAINEES: 300,
    ZoneTarget.Measure.TRAINEES_EMPLOYED: 150,
}


def build(ctx: Context) -> Zone:
    zone = upsert(
        Zone,
        {"slug": "gwangju"},
        name_ko="광주 인공지능 집적단지",
        name_en="Gwangju AI Cluster",
        kind=Zone.Kind.AI_CLUSTER,
        legal_basis="국가균형발전 프로젝트: 인공지능 중심 산업융합 집적단지 조성사업",
        region="광주광역시",
        designated_on=dt.date(2020, 1, 1),
        overall_operator="인공지능산업융합사업단",
        budget_krw=BUDGET_KRW,
        description=(
            "2020년부터 4,269억 원 투입. 광주첨단3지구 공공형 AI데이터센터 (2023): 1,166개 기업, AI 과제 2만2천 건, "
            "1,000억 원 상당의 컴퓨팅 지원 (평균 경쟁률 3:1). 299개 기업과 업무협약, 150개 기업 사무실 개소. "
            "426.9 billion KRW invested since 2020; public AI data centre; 299 MOUs, 150 offices opened."
        ),
    )
    ctx.zones["gwangju"] = zone
    for name_ko, name_en, role, note in PARTNERS:
        upsert(ZonePartner, {"zone": zone, "name_ko": name_ko}, name_en=name_en, role=role, note=note)
    for measure, value in TARGETS_2025.items():
        upsert(
            ZoneTarget, {"zone": zone, "year": 2025, "measure": measure}, value=value, note="데모 목표 / demo target"
        )

    companies, opened = gwangju_mous.build_mous(ctx, zone)
    gwangju_programs.build_startup_camp(ctx, zone, companies, opened)
    gwangju_programs.build_compute(ctx, zone, companies, opened)
    gwangju_programs.build_academy(zone, companies, opened)
    return zone
