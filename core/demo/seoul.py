"""Seoul: the Yangjae AI special zone (seed 003). The plan is in seoul_plan, the AI Hub, fund and training in
seoul_hub."""

from core.demo import seoul_hub, seoul_plan
from core.demo.common import Context, upsert
from core.demo.people import ensure_owner
from core.demo.seoul_plan import DESIGNATED_ON, ENDS_ON, EOK, PLAN
from zones.models import Zone, ZonePartner, ZoneTarget

LEGAL_BASIS = "규제자유특구 및 지역특화발전특구에 관한 규제특례법"

PARTNERS = [
    ("서초구", "Seocho-gu", ZonePartner.Role.CO_OPERATOR, "특구 총괄 운영 / overall operator"),
    ("KAIST AI대학원", "KAIST Graduate School of AI", ZonePartner.Role.ACADEMIC, "국가 AI 연구거점 운영"),
    ("서울대학교 산학협력단", "SNU R&DB Foundation", ZonePartner.Role.ACADEMIC, "공동연구·기술사업화"),
    ("한국전자통신연구원", "ETRI", ZonePartner.Role.PUBLIC, "AI 컴퓨팅 인프라"),
    ("서울특별시", "Seoul Metropolitan Government", ZonePartner.Role.FUNDER, "서울 AI 펀드 출자"),
]

TARGETS_2025 = {
    ZoneTarget.Measure.RESIDENT_COMPANIES: 100,
    ZoneTarget.Measure.COMPANIES_ATTRACTED: 30,
    ZoneTarget.Measure.JOBS_CREATED: 500,
    ZoneTarget.Measure.INVESTMENT_KRW: 100_000_000_000,
    ZoneTarget.Measure.TRAINEES: 10_000,
    ZoneTarget.Measure.TRAINEES_EMPLOYED: 3_000,
    ZoneTarget.Measure.FUND_INVESTED_KRW: 100_000_000_000,
}


def build(ctx: Context) -> Zone:
    zone = upsert(
        Zone,
        {"slug": "yangjae"},
        name_ko="양재 AI 특구",
        name_en="Yangjae AI Special Zone",
        kind=Zone.Kind.REGIONAL_SPECIALIZED,
        legal_basis=LEGAL_BASIS,
        region="서울특별시",
        designated_on=DESIGNATED_ON,
        ends_on=ENDS_ON,
        area_m2=400_000,
        overall_operator="서초구",
        budget_krw=sum(budget for *_, subs in PLAN for *_, budget in subs) * EOK,
        description=(
            "양재·우면·염곡동 일대 약 40만㎡, 지역특화발전특구 최초의 AI 특구 (2024-11-28 지정). "
            "서울 AI 허브 (2017~): 입주 100개, 졸업 110개, 멤버십 163개 기업. "
            "About 400,000 m² of Yangjae, Umyeon and Yeomgok-dong; the first AI zone of its kind."
        ),
    )
    ctx.zones["yangjae"] = zone
    for name_ko, name_en, role, note in PARTNERS:
        upsert(ZonePartner, {"zone": zone, "name_ko": name_ko}, name_en=name_en, role=role, note=note)
    for measure, value in TARGETS_2025.items():
        upsert(
            ZoneTarget, {"zone": zone, "year": 2025, "measure": measure}, value=value, note="데모 목표 / demo target"
        )

    sub_projects = seoul_plan.build_plan(zone)
    operators = seoul_plan.build_operators(ctx, zone, sub_projects)
    special_cases = seoul_plan.build_special_cases(zone)
    seoul_plan.build_grants(special_cases, operators)
    hub = seoul_hub.build_hub(ctx, zone, operators)
    seoul_hub.build_fund(ctx, zone, hub)
    seoul_hub.build_training(zone, hub)
    seoul_hub.build_mous(zone)
    owner_of = ctx.users["officer.yangjae"]
    ensure_owner(ctx, "owner.visionlab", operators["visionlab"], last_name="한", first_name="지우", invited_by=owner_of)
    ensure_owner(ctx, "owner.robotics", operators["robotics"], last_name="오", first_name="태현", invited_by=owner_of)
    return zone
