"""Zones and what hangs off them: office users, zone staff, yearly targets, special cases, exemption grants."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from companies.models import Company
from core.scale.common import (
    AS_OF,
    GRANTS_PER_ZONE,
    REVIEWERS_PER_ZONE,
    SPECIAL_CASES_PER_ZONE,
    USERNAME_PREFIX,
    Context,
    ZoneRef,
    add_years,
    day,
    day_number,
    moment,
    office_hours,
    picker,
    zone_slug,
)
from zones.models import ExemptionGrant, SpecialCase, Zone, ZoneStaff, ZoneTarget

REGIONS = [
    ("서울특별시", "Seoul"),
    ("부산광역시", "Busan"),
    ("대구광역시", "Daegu"),
    ("인천광역시", "Incheon"),
    ("광주광역시", "Gwangju"),
    ("대전광역시", "Daejeon"),
    ("울산광역시", "Ulsan"),
    ("세종특별자치시", "Sejong"),
    ("경기도", "Gyeonggi"),
    ("강원특별자치도", "Gangwon"),
    ("충청북도", "Chungbuk"),
    ("충청남도", "Chungnam"),
    ("전북특별자치도", "Jeonbuk"),
    ("전라남도", "Jeonnam"),
    ("경상북도", "Gyeongbuk"),
    ("경상남도", "Gyeongnam"),
    ("제주특별자치도", "Jeju"),
]
LAWS = [
    ("개인정보 보호법", "Personal Information Protection Act", "제15조", "가명정보 활용 특례"),
    ("도로교통법", "Road Traffic Act", "제2조", "자율주행 로봇 보도 통행 실증"),
    ("의료법", "Medical Service Act", "제34조", "AI 원격 판독 실증"),
    ("전기통신사업법", "Telecommunications Business Act", "제22조", "AI 통신 서비스 임시허가"),
    ("항공안전법", "Aviation Safety Act", "제127조", "드론 비가시권 비행 실증"),
]


def write_users(ctx: Context) -> None:
    """One officer and a pool of reviewers per zone (unusable passwords: they are there to be pointed at)."""
    user_model = get_user_model()
    users = []
    for n in range(1, ctx.sizes.zones + 1):
        slug = zone_slug(n)
        users.append(user_model(username=f"{USERNAME_PREFIX}{n:03d}-officer", email=f"officer@{slug}.invalid"))
        users.extend(
            user_model(username=f"{USERNAME_PREFIX}{n:03d}-reviewer-{r:02d}", email=f"reviewer{r:02d}@{slug}.invalid")
            for r in range(1, REVIEWERS_PER_ZONE + 1)
        )
    for user in users:
        user.password = make_password(None)
        user.is_staff = True
    created = user_model.objects.bulk_create(users, batch_size=1000)
    per_zone = 1 + REVIEWERS_PER_ZONE
    for z in range(ctx.sizes.zones):
        chunk = created[z * per_zone : (z + 1) * per_zone]
        ctx.officer_ids.append(chunk[0].pk)
        ctx.reviewer_ids.append([u.pk for u in chunk[1:]])
    ctx.counts[user_model._meta.label] = len(created)
    ctx.writer.log(f"{user_model._meta.db_table:<36} {len(created):>10,} rows  (bulk_create)")


ZONE_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "slug",
    "name_ko",
    "name_en",
    "kind",
    "legal_basis",
    "region",
    "designated_on",
    "ends_on",
    "area_m2",
    "overall_operator",
    "budget_krw",
    "description",
)


def zone_rows(ctx: Context):
    rng = ctx.random("zone")
    kinds = list(Zone.Kind.values)
    for z in range(ctx.sizes.zones):
        region_ko, region_en = REGIONS[z % len(REGIONS)]
        designated = int(rng.random() * 540)
        created = moment(designated)
        ctx.zones.append(ZoneRef(id=ctx.id_of(Zone, z), index=z, designated_on=day(designated)))
        yield (
            ctx.id_of(Zone, z),
            created,
            created,
            zone_slug(z + 1),
            f"{region_ko} 규모시험 AI 특구 {z + 1:03d}",
            f"{region_en} scale-test AI zone {z + 1:03d}",
            kinds[z % len(kinds)],
            "규제자유특구 및 지역특화발전특구에 관한 규제특례법",
            region_ko,
            day(designated),
            add_years(day(designated), 10),
            50_000 + int(rng.random() * 2_000_000),
            f"{region_ko} 정보산업진흥원",
            int(5e9 + rng.random() * 95e9),
            "규모 시험용으로 생성된 특구입니다.",
        )


ZONE_STAFF_COLUMNS = ("id", "created_at", "updated_at", "zone_id", "user_id", "role", "is_active")


def zone_staff_rows(ctx: Context):
    index = 0
    for zone in ctx.zones:
        created = moment(day_number(zone.designated_on), 36_000)
        people = [(ctx.officer_ids[zone.index], ZoneStaff.Role.OFFICER)]
        people += [(user_id, ZoneStaff.Role.REVIEWER) for user_id in ctx.reviewer_ids[zone.index]]
        for user_id, role in people:
            yield (ctx.id_of(ZoneStaff, index), created, created, zone.id, user_id, role, True)
            index += 1


TARGET_COLUMNS = ("id", "created_at", "updated_at", "zone_id", "year", "measure", "value", "note")


def _yearly_targets(ctx: Context) -> dict[str, int]:
    """A zone's share of what the generated world delivers in a year, for the 2024 targets."""
    s, zones, years = ctx.sizes, ctx.sizes.zones, 7.5
    M = ZoneTarget.Measure
    return {
        M.RESIDENT_COMPANIES: round(s.companies / zones * 0.45),
        M.COMPANIES_ATTRACTED: round(s.companies / zones / years),
        M.JOBS_CREATED: round(s.mous / zones / years * 12),
        M.INVESTMENT_KRW: round(s.mous / zones / years * 1.5e9),
        M.SALES_KRW: round(s.companies / zones * 3e9),
        M.TRAINEES: round(s.enrolments / zones / years),
        M.TRAINEES_EMPLOYED: round(s.enrolments / zones / years * 0.3),
        M.GPU_HOURS: round(s.allocations / zones / years * 5_000),
        M.FUND_INVESTED_KRW: round(s.investments / zones / years * 4e8),
        M.MOU_OFFICES_OPENED: round(s.mous / zones / years * 0.2),
    }


def target_rows(ctx: Context):
    base = _yearly_targets(ctx)
    index = 0
    for zone in ctx.zones:
        for year in (2024, 2025, 2026):
            created = moment(day_number(dt.date(year - 1, 12, 15)))
            growth = 1.1 ** (year - 2024)
            for measure, value in base.items():
                yield (
                    ctx.id_of(ZoneTarget, index),
                    created,
                    created,
                    zone.id,
                    year,
                    measure,
                    round(value * growth),
                    "",
                )
                index += 1


SPECIAL_CASE_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "zone_id",
    "code",
    "kind",
    "law_name_ko",
    "law_name_en",
    "article",
    "title_ko",
    "title_en",
    "allows",
    "conditions",
    "valid_from",
    "valid_until",
)


def special_case_rows(ctx: Context):
    kinds = list(SpecialCase.Kind.values)
    index = 0
    for zone in ctx.zones:
        ids = []
        for n in range(SPECIAL_CASES_PER_ZONE):
            law_ko, law_en, article, title = LAWS[n % len(LAWS)]
            case_id = ctx.id_of(SpecialCase, index)
            ids.append(case_id)
            created = moment(day_number(zone.designated_on), 39_600)
            yield (
                case_id,
                created,
                created,
                zone.id,
                f"SC-{n + 1:02d}",
                kinds[n % len(kinds)],
                law_ko,
                law_en,
                article,
                title,
                "",
                f"{title}을(를) 특구 안에서 허용합니다.",
                "책임보험 가입, 분기별 실적 보고",
                zone.designated_on,
                add_years(zone.designated_on, 8),
            )
            index += 1
        ctx.special_case_ids.append(ids)


GRANT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "special_case_id",
    "company_id",
    "status",
    "purpose",
    "conditions",
    "starts_on",
    "ends_on",
    "insurer",
    "insurance_policy_no",
    "insurance_coverage_krw",
    "certificate_no",
    "revoked_reason",
)
S = ExemptionGrant.Status
GRANT_STATUS = picker(
    [
        (S.REQUESTED, 6),
        (S.UNDER_REVIEW, 6),
        (S.GRANTED, 8),
        (S.ACTIVE, 40),
        (S.EXTENDED, 10),
        (S.EXPIRED, 15),
        (S.REVOKED, 5),
        (S.REFUSED, 10),
    ]
)
GRANTED = {S.GRANTED, S.ACTIVE, S.EXTENDED, S.EXPIRED, S.REVOKED}


def grant_rows(ctx: Context):
    rng = ctx.random("grant")
    index = 0
    for zone in ctx.zones:
        for n in range(GRANTS_PER_ZONE):
            status = GRANT_STATUS(rng.random())
            company_id = ctx.id_of(Company, int(rng.random() * ctx.sizes.companies))
            requested = day_number(zone.designated_on) + 60 + int(rng.random() * 1_800)
            starts_on = ends_on = None
            insurer = policy = certificate = ""
            coverage = 0
            if status in GRANTED:
                years = 4 if status == S.EXTENDED else 2
                starts = requested + 30 + int(rng.random() * 60)
                if status == S.EXPIRED:
                    starts = min(starts, _last_start_ended_by_as_of(years))
                    requested = min(requested, starts - 30)
                starts_on, ends_on = day(starts), add_years(day(starts), years)
                insurer, policy = "한국AI손해보험", f"POL-{zone.index + 1:03d}-{n + 1:04d}"
                coverage = 1_000_000_000
                certificate = f"{zone_slug(zone.index + 1).upper()}-{n + 1:04d}"
            created = moment(requested, office_hours(rng))
            yield (
                ctx.id_of(ExemptionGrant, index),
                created,
                created,
                ctx.special_case_ids[zone.index][n % SPECIAL_CASES_PER_ZONE],
                company_id,
                status,
                "특구 안 실증 사업",
                "분기별 실적 보고" if starts_on else "",
                starts_on,
                ends_on,
                insurer,
                policy,
                coverage,
                certificate,
                "조건 위반" if status == S.REVOKED else "",
            )
            index += 1


def _last_start_ended_by_as_of(years: int) -> int:
    """The last start day from which a grant of `years` has ended by the generated world's date."""
    return day_number(add_years(AS_OF, -years)) - 1


def write_zones(ctx: Context) -> None:
    write_users(ctx)
    ctx.write(Zone, ZONE_COLUMNS, zone_rows(ctx))
    ctx.write(ZoneStaff, ZONE_STAFF_COLUMNS, zone_staff_rows(ctx))
    ctx.write(ZoneTarget, TARGET_COLUMNS, target_rows(ctx))
    ctx.write(SpecialCase, SPECIAL_CASE_COLUMNS, special_case_rows(ctx))


def write_grants(ctx: Context) -> None:
    ctx.write(ExemptionGrant, GRANT_COLUMNS, grant_rows(ctx))
