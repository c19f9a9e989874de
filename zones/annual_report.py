"""A zone's annual performance report (성과보고서) for the ministry: the selector and its XLSX and PDF writers.

The report gathers the year's KPIs against the plan's targets, the use of each special case, the companies
attracted, jobs, investment and sales. Every figure is an aggregate query; the number of queries does not
depend on how many special cases, companies or self-reports the zone has. Dates are the Asia/Seoul calendar;
money is whole KRW.
"""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import BigIntegerField, Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from companies.models import SelfReport, Tenancy
from core.exceptions import ApplicationError
from programs.models import Investment
from zones import kpi
from zones.models import (
    ExemptionGrant,
    ExemptionIncident,
    ExemptionUseReport,
    KpiSnapshot,
    SpecialCase,
    Zone,
    ZoneTarget,
)
from zones.reports import FONT_FAMILY, FORMATS, display_rows, format_percent, format_value, safe_cell
from zones.selectors import kpi_report

SEOUL = ZoneInfo("Asia/Seoul")
NEW_COMPANIES_LISTED = 50
# Self-reports the office counts: filed by the company (submitted) or accepted by the office (locked).
COUNTED_SELFREPORT_STATUSES = (SelfReport.Status.SUBMITTED, SelfReport.Status.LOCKED)
# Grants that were granted at some point (a refused or pending request never was).
EVER_GRANTED_STATUSES = (
    ExemptionGrant.Status.GRANTED,
    ExemptionGrant.Status.ACTIVE,
    ExemptionGrant.Status.EXTENDED,
    ExemptionGrant.Status.EXPIRED,
    ExemptionGrant.Status.REVOKED,
)
ANNUAL_FORMATS = ("pdf", "xlsx")
FIRST_YEAR = 2000
KRW_MEASURES = (
    ZoneTarget.Measure.INVESTMENT_KRW,
    ZoneTarget.Measure.SALES_KRW,
    ZoneTarget.Measure.FUND_INVESTED_KRW,
)


def _scalar(queryset: QuerySet, group_by: str, aggregate) -> Coalesce:
    """One aggregate of `queryset` (filtered on an OuterRef) as a scalar subquery; 0 when it has no rows."""
    values = queryset.order_by().values(group_by).annotate(value=aggregate).values("value")
    return Coalesce(Subquery(values, output_field=BigIntegerField()), 0, output_field=BigIntegerField())


def _bilingual_label(label) -> tuple[str, str]:
    with translation.override("ko"):
        korean = str(label)
    with translation.override("en"):
        english = str(label)
    return korean, english


def _whole(value) -> int | None:
    return None if value is None else int(value)


def _percent(value, target) -> Decimal | None:
    if value is None or not target:
        return None
    return round(Decimal(str(value)) * 100 / Decimal(target), 1)


def default_year() -> int:
    """The year whose report is due: last year (Asia/Seoul calendar)."""
    return timezone.localdate().year - 1


def parse_year(text: str | None) -> int:
    """A report year from user input: a whole number from 2000 to this year (Asia/Seoul)."""
    this_year = timezone.localdate().year
    text = str(text or "").strip()
    year = int(text) if text.isascii() and text.isdigit() else None
    if year is None or not FIRST_YEAR <= year <= this_year:
        raise ApplicationError(
            gettext('Unknown year "%(text)s": use a year from %(first)d to %(last)d.')
            % {"text": text, "first": FIRST_YEAR, "last": this_year},
            field="year",
        )
    return year


# --- the selector -------------------------------------------------------------------------------------------


def special_case_use(zone: Zone, year: int) -> list[dict]:
    """Per special case of the zone (archived left out): grants in force on 31 December, grants that started in
    the year, uses reported for periods overlapping the year, incidents that occurred in the year. One query."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    lower = dt.datetime.combine(start, dt.time.min, tzinfo=SEOUL)
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=SEOUL)
    grants = ExemptionGrant.objects.filter(special_case=OuterRef("pk"), archived_at__isnull=True)
    # In force on the last day: a grant in an in-force status covering it, or one that has since expired on or
    # after it (its end date is when it expired). A revoked grant carries no revocation date and is left out.
    covers_end = Q(starts_on__isnull=True) | Q(starts_on__lte=end)
    in_force = grants.filter(covers_end).filter(
        Q(status__in=ExemptionGrant.IN_FORCE_STATUSES, ends_on__isnull=True)
        | Q(status__in=[*ExemptionGrant.IN_FORCE_STATUSES, ExemptionGrant.Status.EXPIRED], ends_on__gte=end)
    )
    granted = grants.filter(status__in=EVER_GRANTED_STATUSES, starts_on__range=(start, end))
    uses = ExemptionUseReport.objects.filter(
        grant__special_case=OuterRef("pk"),
        grant__archived_at__isnull=True,
        period_start__lte=end,
        period_end__gte=start,
    )
    incidents = ExemptionIncident.objects.filter(
        grant__special_case=OuterRef("pk"),
        grant__archived_at__isnull=True,
        occurred_at__gte=lower,
        occurred_at__lt=upper,
    )
    return list(
        SpecialCase.objects.filter(zone=zone, archived_at__isnull=True)
        .annotate(
            grants_in_force=_scalar(in_force, "special_case", Count("pk")),
            grants_granted=_scalar(granted, "special_case", Count("pk")),
            uses=_scalar(uses, "grant__special_case", Sum("uses")),
            incidents=_scalar(incidents, "grant__special_case", Count("pk")),
        )
        .order_by("code")
        .values(
            "code",
            "kind",
            "law_name_ko",
            "law_name_en",
            "article",
            "title_ko",
            "title_en",
            "grants_in_force",
            "grants_granted",
            "uses",
            "incidents",
        )
    )


def annual_report(zone: Zone, year: int) -> dict:
    """The zone's performance report for a calendar year: a fixed number of aggregate queries."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    kpis = kpi_report(zone, KpiSnapshot.PeriodKind.YEAR, start)
    by_code = {row["code"]: row for row in kpis}

    self_reports = SelfReport.objects.filter(zone=zone, year=year, status__in=COUNTED_SELFREPORT_STATUSES).aggregate(
        reports=Count("pk"),
        companies=Count("company", distinct=True),
        revenue_krw=Coalesce(Sum("revenue_krw"), 0),
        investment_raised_krw=Coalesce(Sum("investment_raised_krw"), 0),
        jobs_created=Coalesce(Sum("jobs_created"), 0),
    )
    fund_invested_in_year = Investment.objects.filter(
        fund__zone=zone, archived_at__isnull=True, invested_on__range=(start, end)
    ).aggregate(value=Coalesce(Sum("amount_krw"), 0))["value"]

    arrivals = Tenancy.objects.filter(zone=zone, archived_at__isnull=True, moved_in_on__range=(start, end))
    new_count = arrivals.aggregate(value=Count("pk"))["value"]
    new_companies = [
        {
            "name_ko": row["company__name_ko"],
            "name_en": row["company__name_en"],
            "moved_in_on": row["moved_in_on"],
            "status": Tenancy.Status(row["status"]).label,
        }
        for row in arrivals.order_by("moved_in_on", "pk").values(
            "company__name_ko", "company__name_en", "moved_in_on", "status"
        )[:NEW_COMPANIES_LISTED]
    ]

    code_for_measure = {measure: code for code, (measure, _basis) in kpi.TARGET_MEASURES.items()}
    targets = []
    plan_order = {measure: index for index, measure in enumerate(ZoneTarget.Measure.values)}
    for measure, value in sorted(
        ZoneTarget.objects.filter(zone=zone, year=year).values_list("measure", "value"),
        key=lambda pair: plan_order.get(pair[0], len(plan_order)),
    ):
        name_ko, name_en = _bilingual_label(ZoneTarget.Measure(measure).label)
        code = code_for_measure.get(measure)
        if code in by_code:
            achieved, unit, source = by_code[code]["value"], by_code[code]["unit"], code
        elif measure == ZoneTarget.Measure.SALES_KRW:
            achieved, unit, source = self_reports["revenue_krw"], kpi.Unit.KRW, "self_reports"
        else:
            achieved, source = None, ""
            unit = kpi.Unit.KRW if measure in KRW_MEASURES else kpi.Unit.COUNT
        if unit == kpi.Unit.KRW:
            achieved = _whole(achieved)
        targets.append(
            {
                "measure": measure,
                "name_ko": name_ko,
                "name_en": name_en,
                "unit": unit,
                "target": value,
                "achieved": achieved,
                "percent_of_target": _percent(achieved, value),
                "source": source,
            }
        )

    def figure(code: str):
        value = by_code[code]["value"] if code in by_code else None
        return _whole(value) if value is not None else None

    cases = special_case_use(zone, year)
    return {
        "zone": zone,
        "year": year,
        "period_start": start,
        "period_end": end,
        "generated_at": timezone.localtime(),
        "kpis": kpis,
        "targets": targets,
        "special_cases": cases,
        "special_case_totals": {
            key: sum(row[key] for row in cases) for key in ("grants_in_force", "grants_granted", "uses", "incidents")
        },
        "companies": {
            "new_count": new_count,
            "new_companies": new_companies,
            "listed_limit": NEW_COMPANIES_LISTED,
            "residents_at_year_end": figure("companies_residents"),
        },
        "jobs": {
            "mou_promised": figure("mou_jobs_promised"),
            "mou_created": figure("mou_jobs_created"),
            "mou_created_in_year": figure("mou_jobs_created_ytd"),
            "self_reported": self_reports["jobs_created"],
        },
        "investment": {
            "mou_promised_krw": figure("mou_investment_promised_krw"),
            "mou_made_krw": figure("mou_investment_made_krw"),
            "mou_made_in_year_krw": figure("mou_investment_made_ytd_krw"),
            "fund_invested_in_year_krw": fund_invested_in_year,
            "fund_invested_to_date_krw": figure("fund_invested_krw"),
            "self_reported_raised_krw": self_reports["investment_raised_krw"],
        },
        "sales": {"self_reported_revenue_krw": self_reports["revenue_krw"]},
        "self_reports": {"reports": self_reports["reports"], "companies": self_reports["companies"]},
    }


# --- shown figures ------------------------------------------------------------------------------------------


def outcome_rows(report: dict) -> list[dict]:
    """Jobs, investment and sales as (Korean name, English name, value, unit) rows, in the report's order."""
    jobs, investment, sales = report["jobs"], report["investment"], report["sales"]
    count, krw = kpi.Unit.COUNT, kpi.Unit.KRW
    rows = [
        ("일자리", "Jobs", "MOU 약속 일자리(누적)", "Jobs promised in MOUs (to date)", jobs["mou_promised"], count),
        ("일자리", "Jobs", "MOU 실제 일자리 창출(누적)", "Jobs actually created, MOUs (to date)", jobs["mou_created"], count),
        ("일자리", "Jobs", "MOU 실제 일자리 창출(연간)", "Jobs actually created, MOUs (in the year)", jobs["mou_created_in_year"], count),
        ("일자리", "Jobs", "자체 성과보고 일자리 창출", "Jobs created, self-reports", jobs["self_reported"], count),
        ("투자", "Investment", "MOU 약속 투자액(누적)", "Investment promised in MOUs (to date)", investment["mou_promised_krw"], krw),
        ("투자", "Investment", "MOU 실제 투자액(누적)", "Investment actually made, MOUs (to date)", investment["mou_made_krw"], krw),
        ("투자", "Investment", "MOU 실제 투자액(연간)", "Investment actually made, MOUs (in the year)", investment["mou_made_in_year_krw"], krw),
        ("투자", "Investment", "펀드 투자 집행액(연간)", "Fund invested in the year", investment["fund_invested_in_year_krw"], krw),
        ("투자", "Investment", "펀드 투자 집행액(누적)", "Fund invested (to date)", investment["fund_invested_to_date_krw"], krw),
        ("투자", "Investment", "자체 성과보고 투자 유치액", "Investment raised, self-reports", investment["self_reported_raised_krw"], krw),
        ("매출", "Sales", "자체 성과보고 매출액", "Revenue, self-reports", sales["self_reported_revenue_krw"], krw),
    ]  # fmt: skip
    return [
        {
            "group_ko": group_ko,
            "group_en": group_en,
            "name_ko": name_ko,
            "name_en": name_en,
            "value": value,
            "unit": unit,
            "value_display": format_value(value, unit),
        }
        for group_ko, group_en, name_ko, name_en, value, unit in rows
    ]


def display_report(report: dict) -> dict:
    """The report with its figures formatted for a page or a PDF."""
    return {
        **report,
        "kpis": display_rows(report["kpis"]),
        "targets": [
            {
                **row,
                "target_display": format_value(row["target"], row["unit"]),
                "achieved_display": format_value(row["achieved"], row["unit"]),
                "percent_of_target_display": format_percent(row["percent_of_target"]),
            }
            for row in report["targets"]
        ],
        "outcomes": outcome_rows(report),
        "residents_display": format_value(report["companies"]["residents_at_year_end"], kpi.Unit.COUNT),
    }


# --- files --------------------------------------------------------------------------------------------------


def annual_report_filename(zone: Zone, year: int, fmt: str) -> str:
    return f"annual-report-{zone.slug}-{year}.{FORMATS[fmt][1]}"


def _cell(value):
    """A workbook cell: text made formula-safe, numbers as numbers, "-" for a figure without a source."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def annual_report_xlsx(zone: Zone, year: int) -> bytes:
    """The report as a workbook: one sheet per section, Korean headers over English ones."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    report = annual_report(zone, year)
    companies = report["companies"]
    workbook = Workbook()
    bold = Font(bold=True)

    def sheet(title: str, korean: tuple[str, ...], english: tuple[str, ...], rows: list[list]):
        worksheet = workbook.create_sheet(title)
        worksheet.append(list(korean))
        worksheet.append(list(english))
        for cell in (*worksheet[1], *worksheet[2]):
            cell.font = bold
        for row in rows:
            worksheet.append([_cell(value) for value in row])
        worksheet.freeze_panes = "A3"
        for column in worksheet.columns:
            width = max(len(str(cell.value or "")) for cell in column)
            worksheet.column_dimensions[column[0].column_letter].width = min(max(width + 4, 10), 60)

    workbook.remove(workbook.active)
    sheet(
        "개요 Overview",
        ("항목", "값"),
        ("Item", "Value"),
        [
            ["특구 / Zone", zone.name_ko],
            ["특구(영문) / Zone (English)", zone.name_en],
            ["연도 / Year", year],
            ["기간 / Period", f"{report['period_start']:%Y-%m-%d} – {report['period_end']:%Y-%m-%d}"],
            ["작성일 / Generated", f"{report['generated_at']:%Y-%m-%d %H:%M}"],
            ["신규 입주기업 수 / New residents in the year", companies["new_count"]],
            ["연말 입주기업 수 / Residents at year end", companies["residents_at_year_end"]],
            ["반영된 자체 성과보고 / Self-reports counted", report["self_reports"]["reports"]],
            ["보고 기업 수 / Companies reporting", report["self_reports"]["companies"]],
        ],
    )
    sheet(
        "목표 대비 실적 Targets",
        ("지표", "지표(영문)", "단위", "목표", "실적", "달성률(%)"),
        ("Measure (Korean)", "Measure (English)", "Unit", "Target", "Achieved", "% of target"),
        [
            [
                row["name_ko"],
                row["name_en"],
                row["unit"],
                row["target"],
                row["achieved"],
                row["percent_of_target"],
            ]
            for row in report["targets"]
        ],
    )
    sheet(
        "KPI",
        ("코드", "지표", "지표(영문)", "단위", "값", "목표", "달성률(%)", "전년", "증감", "실시간 계산"),
        ("Code", "Measure (Korean)", "Measure (English)", "Unit", "Value", "Target", "% of target", "Previous year",
         "Change", "Computed live"),
        [
            [row["code"], row["name_ko"], row["name_en"], row["unit"], row["value"], row["target"],
             row["percent_of_target"], row["previous"], row["change"], "Y" if row["live"] else ""]
            for row in report["kpis"]
        ],
    )  # fmt: skip
    sheet(
        "규제특례 Special cases",
        ("코드", "법령", "조항", "특례", "연말 유효 승인", "연중 승인", "이용 횟수", "사고 건수"),
        ("Code", "Law", "Article", "Special case", "Grants in force at year end", "Granted in the year", "Uses",
         "Incidents"),
        [
            [row["code"], row["law_name_ko"], row["article"], row["title_ko"], row["grants_in_force"],
             row["grants_granted"], row["uses"], row["incidents"]]
            for row in report["special_cases"]
        ],
    )  # fmt: skip
    sheet(
        "기업 유치 Companies",
        ("신규 입주기업", "기업명(영문)", "입주일", "상태"),
        ("New resident", "Company (English)", "Moved in on", "Status"),
        [
            [row["name_ko"], row["name_en"], row["moved_in_on"], str(row["status"])]
            for row in companies["new_companies"]
        ],
    )
    sheet(
        "일자리·투자·매출 Outcomes",
        ("구분", "지표", "값", "단위"),
        ("Group", "Measure", "Value", "Unit"),
        [
            [
                f"{row['group_ko']} / {row['group_en']}",
                f"{row['name_ko']} / {row['name_en']}",
                row["value"],
                row["unit"],
            ]
            for row in outcome_rows(report)
        ],
    )
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue()


def annual_report_pdf(zone: Zone, year: int) -> bytes:
    """The report as an A4 PDF in Korean with English beside it."""
    from weasyprint import HTML

    context = {**display_report(annual_report(zone, year)), "font_family": FONT_FAMILY}
    html = render_to_string("zones/annual_report_pdf.html", context)
    return HTML(string=html).write_pdf()


def export_annual_report(zone: Zone, year: int, fmt: str) -> bytes:
    if fmt == "pdf":
        return annual_report_pdf(zone, year)
    if fmt == "xlsx":
        return annual_report_xlsx(zone, year)
    raise ValueError(f"Unknown annual report format {fmt!r}")
