"""The Yangjae plan (seed 003, DOMAIN.md): 4 project areas, 15 sub-projects, the named operators, the six
special cases, and the grants that let named operators use them."""

import datetime as dt

from companies.models import Company
from core.demo.common import (
    BRN_SEOUL_INSTITUTIONS,
    BRN_SEOUL_SPECIALIZED,
    Context,
    at,
    demo_brn,
    demo_corporate_number,
    ensure_company_fields,
    person_name,
    upsert,
)
from zones.models import (
    ExemptionGrant,
    ExemptionIncident,
    ExemptionUseReport,
    PlanChange,
    PlanOperator,
    ProjectArea,
    SpecialCase,
    SubProject,
    Zone,
)

DESIGNATED_ON = dt.date(2024, 11, 28)
ENDS_ON = dt.date(2029, 12, 31)
EOK = 100_000_000
ANCHOR = "서울 AI 허브 앵커시설"

# The plan: 4 project areas, 15 sub-projects (code, Korean, English, budget in 억원), 2025-2029.
PLAN = [
    (
        "A1",
        "AI 연구·혁신 거점",
        "AI research and innovation hub",
        120_000,
        "양재동 서울 AI 허브 일대",
        [
            ("S01", "국가 AI 연구거점 운영", "National AI research hub", 300),
            ("S02", "AI 공동연구 및 기술사업화", "Joint AI research and commercialisation", 200),
            ("S03", "AI 컴퓨팅 인프라 지원", "AI compute infrastructure", 250),
            ("S04", "AI 특허·지식재산 지원", "AI patents and intellectual property", 40),
        ],
    ),
    (
        "A2",
        "AI 기업 성장",
        "AI company growth",
        110_000,
        "양재동 R&D 혁신지구",
        [
            ("S05", "AI 스타트업 입주·보육", "Startup tenancy and incubation", 150),
            ("S06", "AI 스타트업 펀드 융자·공동연구", "Startup fund loans and joint research", 100),
            ("S07", "글로벌 진출 및 투자유치", "Global expansion and investment", 60),
            ("S08", "AI 기업 실증 지원", "Demonstration support for AI companies", 80),
        ],
    ),
    (
        "A3",
        "AI 인재 양성",
        "AI talent",
        80_000,
        "우면동 일대",
        [
            ("S09", "AI 캠퍼스타운", "AI campus town", 120),
            ("S10", "청년취업사관학교 AI 과정", "Youth employment academy (AI)", 90),
            ("S11", "외국인 AI 전문인력 유치", "Attracting foreign AI professionals", 30),
            ("S12", "AI 석사과정 장학", "AI master's scholarships", 50),
        ],
    ),
    (
        "A4",
        "AI 도시 인프라·실증",
        "AI urban infrastructure and demonstration",
        90_000,
        "염곡동·양재천 일대",
        [
            ("S13", "자율주행 로봇·모빌리티 실증", "Autonomous robot and mobility testbed", 110),
            ("S14", "스마트 도로·센서 인프라", "Smart road and sensor infrastructure", 70),
            ("S15", "AI 시민공원·문화 실증", "AI in citizens' parks and culture", 40),
        ],
    ),
]

# The six special cases of the Yangjae plan (seed 003; DOMAIN.md).
SPECIAL_CASES = [
    (
        "YJ-SC-01",
        "특허법",
        "Patent Act",
        "제61조",
        "AI 특허출원 우선심사 특례",
        "Priority examination of AI patent applications",
        "특화사업자가 특구 사업과 관련하여 출원한 AI 특허를 우선심사 대상으로 한다.",
        "특구 특화사업과의 관련성 확인서 제출",
    ),
    (
        "YJ-SC-02",
        "출입국관리법",
        "Immigration Act",
        "제10조의2, 제25조",
        "외국인 AI 전문인력 사증 발급 및 체류기간 특례 (E-7 체류기간 3년 → 5년)",
        "Visas for foreign AI professionals; E-7 stay extended from 3 to 5 years",
        "특화사업자가 고용한 외국인 AI 전문인력의 사증 발급 요건을 완화하고 E-7 체류기간 상한을 5년으로 한다.",
        "고용계약서 및 특화사업 참여 확인서; 체류 현황 분기 보고",
    ),
    (
        "YJ-SC-03",
        "지방재정법",
        "Local Finance Act",
        "제17조",
        "특화사업자에 대한 지방자치단체 출연·보조 특례",
        "Local government contributions and subsidies to specialized businesses",
        "서초구가 특화사업 수행 기관에 출연 또는 보조할 수 있다.",
        "출연·보조금 집행 실적 연 1회 보고",
    ),
    (
        "YJ-SC-04",
        "도시공원 및 녹지 등에 관한 법률",
        "Urban Parks Act",
        "제24조",
        "도시공원 내 AI 실증·행사 시설 점용허가 특례",
        "Occupancy of urban parks for AI demonstrations and events",
        "양재 시민의 숲 등 도시공원에 AI 실증·행사 시설을 설치하도록 점용을 허가할 수 있다.",
        "시민 안전관리 계획 수립, 원상복구 이행보증",
    ),
    (
        "YJ-SC-05",
        "도로교통법",
        "Road Traffic Act",
        "제2조, 제13조",
        "자율주행 로봇·모빌리티 실증 통행 특례",
        "Road traffic special case for autonomous robot and mobility demonstrations",
        "실증 구역의 보도 및 도로에서 자율주행 로봇과 모빌리티의 통행을 허용한다.",
        "책임보험 가입, 원격 관제요원 배치, 사고 발생 시 24시간 내 보고",
    ),
    (
        "YJ-SC-06",
        "도로법",
        "Road Act",
        "제61조",
        "실증 인프라·센서 설치를 위한 도로점용 허가 특례",
        "Road occupancy permits for demonstration infrastructure and sensors",
        "도로에 실증용 센서, 통신 장비, 충전 시설의 설치를 위한 점용 허가 절차를 간소화한다.",
        "설치 위치도 제출, 도로관리청 정기 점검 수용",
    ),
]

# Institutions named as unit operators (registered, so they may use special cases too).
INSTITUTIONS = [
    ("kaist", "한국과학기술원 (KAIST)", "KAIST", "S01", "160171"),
    ("snu", "서울대학교 산학협력단", "SNU R&DB Foundation", "S02", "114671"),
    ("etri", "한국전자통신연구원 (ETRI)", "ETRI", "S03", "160171"),
]

# Fictional specialized business operators named in the plan (all Seoul AI Hub residents).
SPECIALIZED = [
    ("visionlab", "양재비전랩", "Yangjae Vision Lab", "S04", ["vision"]),
    ("robotics", "서초로보틱스", "Seocho Robotics", "S13", ["robotics", "vision"]),
    ("mobility", "우면모빌리티", "Umyeon Mobility", "S14", ["robotics", "agents"]),
    ("medi", "염곡메디AI", "Yeomgok Medi AI", "S08", ["medical-ai"]),
    ("agents", "허브에이전트", "Hub Agents", "S15", ["agents", "language"]),
]


def build_plan(zone: Zone) -> dict[str, SubProject]:
    sub_projects = {}
    for code, name_ko, name_en, area_m2, location, subs in PLAN:
        area = upsert(
            ProjectArea,
            {"zone": zone, "code": code},
            name_ko=name_ko,
            name_en=name_en,
            area_m2=area_m2,
            location=location,
        )
        for sub_code, sub_ko, sub_en, budget_eok in subs:
            sub_projects[sub_code] = upsert(
                SubProject,
                {"project_area": area, "code": sub_code},
                name_ko=sub_ko,
                name_en=sub_en,
                start_year=2025,
                end_year=2029,
                budget_krw=budget_eok * EOK,
            )
    upsert(
        PlanChange,
        {"zone": zone, "kind": PlanChange.Kind.DESIGNATION, "approved_on": DESIGNATED_ON},
        approved_by="지역특화발전특구위원회 (중소벤처기업부)",
        summary=(
            "양재 AI 특구 지정: 4개 사업구역, 15개 특화사업 (2025~2029), 규제특례 6건. "
            "Designation: 4 project areas, 15 sub-projects (2025-2029), 6 special cases."
        ),
        reference="지역특화발전특구 지정 고시 (데모)",
    )
    return sub_projects


def build_operators(ctx: Context, zone: Zone, sub_projects: dict[str, SubProject]) -> dict[str, Company]:
    """The named operators: Seocho-gu overall, three institutions, five specialized companies."""
    companies = {}
    for n, (key, name_ko, name_en, _sub, registry) in enumerate(INSTITUTIONS):
        companies[key] = upsert(
            Company,
            {"brn": demo_brn(BRN_SEOUL_INSTITUTIONS + n, kind=82)},
            name_ko=name_ko,
            name_en=name_en,
            corporate_number=demo_corporate_number(BRN_SEOUL_INSTITUTIONS + n, registry=registry),
            size=Company.Size.INSTITUTION,
            headcount=1_000 + 500 * n,
            sido="서울특별시",
            sigungu="서초구",
            road_name="태봉로",
            building_no=str(110 + n),
            postcode="06764",
        )
    for n, (key, name_ko, name_en, _sub, _codes) in enumerate(SPECIALIZED):
        index = BRN_SEOUL_SPECIALIZED + n
        companies[key] = upsert(
            Company,
            {"brn": demo_brn(index)},
            name_ko=name_ko,
            name_en=name_en,
            corporate_number=demo_corporate_number(index),
            size=Company.Size.STARTUP if n % 2 else Company.Size.SME,
            founded_on=dt.date(2019 + n, 3 + n, 2),
            headcount=18 + 9 * n,
            representative=person_name(n, salt=50),
            sido="서울특별시",
            sigungu="서초구",
            road_name="태봉로",
            building_no="114",
            address_detail=f"{ANCHOR} {3 + n}층",
            postcode="06764",
            email=f"contact@{key}.example.com",
        )
    ensure_company_fields({companies[key].pk: [ctx.fields[c] for c in codes] for key, *_, codes in SPECIALIZED})

    upsert(
        PlanOperator,
        {"zone": zone, "organization_name": "서초구", "role": PlanOperator.Role.OVERALL},
        named_on=DESIGNATED_ON,
    )
    for key, name_ko, _en, sub_code, _registry in INSTITUTIONS:
        upsert(
            PlanOperator,
            {"zone": zone, "organization_name": name_ko, "role": PlanOperator.Role.UNIT},
            sub_project=sub_projects[sub_code],
            company=companies[key],
            named_on=DESIGNATED_ON,
        )
    for key, name_ko, _en, sub_code, _fields in SPECIALIZED:
        upsert(
            PlanOperator,
            {"zone": zone, "organization_name": name_ko, "role": PlanOperator.Role.SPECIALIZED},
            sub_project=sub_projects[sub_code],
            company=companies[key],
            named_on=DESIGNATED_ON,
        )
    return companies


def build_special_cases(zone: Zone) -> dict[str, SpecialCase]:
    cases = {}
    for code, law_ko, law_en, article, title_ko, title_en, allows, conditions in SPECIAL_CASES:
        cases[code] = upsert(
            SpecialCase,
            {"zone": zone, "code": code},
            kind=SpecialCase.Kind.SPECIAL_CASE,
            law_name_ko=law_ko,
            law_name_en=law_en,
            article=article,
            title_ko=title_ko,
            title_en=title_en,
            allows=allows,
            conditions=conditions,
            valid_from=DESIGNATED_ON,
            valid_until=ENDS_ON,
        )
    return cases


def build_grants(cases: dict[str, SpecialCase], operators: dict[str, Company]) -> None:
    """Grants only to businesses named in the plan; one with an incident."""
    grants = [
        (
            "YJ-SC-01",
            "visionlab",
            ExemptionGrant.Status.ACTIVE,
            dt.date(2025, 2, 1),
            dt.date(2026, 1, 31),
            "",
            "AI 영상 분석 특허 3건 우선심사",
        ),
        (
            "YJ-SC-02",
            "kaist",
            ExemptionGrant.Status.ACTIVE,
            dt.date(2025, 3, 1),
            ENDS_ON,
            "",
            "외국인 AI 연구원 12명 E-7 사증 및 5년 체류",
        ),
        ("YJ-SC-02", "medi", ExemptionGrant.Status.UNDER_REVIEW, None, None, "", "의료 AI 외국인 연구원 3명 채용"),
        (
            "YJ-SC-05",
            "robotics",
            ExemptionGrant.Status.ACTIVE,
            dt.date(2025, 4, 1),
            dt.date(2027, 3, 31),
            "한결화재해상보험 (가상)",
            "양재천 산책로 자율주행 배송로봇 실증",
        ),
        (
            "YJ-SC-06",
            "mobility",
            ExemptionGrant.Status.GRANTED,
            dt.date(2025, 8, 1),
            dt.date(2027, 7, 31),
            "한결화재해상보험 (가상)",
            "양재대로 스마트 교차로 센서 설치",
        ),
        (
            "YJ-SC-04",
            "agents",
            ExemptionGrant.Status.EXPIRED,
            dt.date(2025, 4, 1),
            dt.date(2025, 6, 30),
            "",
            "양재 시민의 숲 AI 안내 에이전트 행사",
        ),
    ]
    stored = {}
    for n, (case_code, company_key, status, starts_on, ends_on, insurer, purpose) in enumerate(grants, start=1):
        case = cases[case_code]
        stored[company_key] = upsert(
            ExemptionGrant,
            {"special_case": case, "company": operators[company_key]},
            status=status,
            purpose=purpose,
            conditions=case.conditions,
            starts_on=starts_on,
            ends_on=ends_on,
            insurer=insurer,
            insurance_policy_no=f"HG-2025-{n:05d}" if insurer else "",
            insurance_coverage_krw=1_000_000_000 if insurer else 0,
            certificate_no=f"양재특구-2025-{n:03d}" if starts_on else "",
        )
    upsert(
        ExemptionIncident,
        {"grant": stored["robotics"], "occurred_at": at(dt.date(2025, 5, 14), 10, 20)},
        reported_at=at(dt.date(2025, 5, 14), 15, 0),
        severity=ExemptionIncident.Severity.MINOR,
        description="자율주행 배송로봇이 양재천 산책로 볼라드와 저속 접촉 (인명·재산 피해 없음).",
        action_taken="운행 경로 재설정 및 라이다 센서 보정 후 5월 16일 운행 재개; 결과 보고서 제출.",
    )
    upsert(
        ExemptionUseReport,
        {"grant": stored["robotics"], "period_start": dt.date(2025, 4, 1)},
        period_end=dt.date(2025, 6, 30),
        uses=312,
        results="양재천 산책로 배송 312건 완료, 평균 배송시간 18분; 주민 만족도 조사 4.3/5.",
        issues="5월 14일 볼라드 저속 접촉 1건 (사고 보고 완료).",
        submitted_at=at(dt.date(2025, 7, 10), 11, 0),
    )
