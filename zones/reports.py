"""KPI reports as files: CSV, JSON, XLSX and PDF of `kpi_report`, and the trend chart as server-side SVG.

The command (`manage.py kpi_report`) and the admin's report page share these writers, so a download from
the admin is the same file the command writes.
"""

import base64
import csv
import datetime as dt
import io
import json
from decimal import Decimal
from functools import lru_cache

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.formatting import format_krw
from zones import kpi
from zones.models import KpiSnapshot, Zone
from zones.selectors import kpi_report
from zones.services_kpi import last_finished_quarter, period_end, previous_period_start

COLUMNS = (
    "code",
    "name_ko",
    "name_en",
    "unit",
    "pillar",
    "value",
    "live",
    "target",
    "percent_of_target",
    "previous",
    "change",
)
FORMULA_PREFIXES = ("=", "+", "-", "@")
FONT_FAMILY = "Noto Sans CJK KR"

# The headline charts of the report page and the PDF: one chart per group, so one unit per chart.
HEADLINE_CHARTS: tuple[tuple[str, ...], ...] = (
    ("companies_residents",),
    ("mous_conversion_rate",),
    ("mou_jobs_promised", "mou_jobs_created"),
)

# format -> (content type, file extension)
FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pdf": ("application/pdf", "pdf"),
}


# --- cells and values ---------------------------------------------------------------------------------------


def safe_cell(value):
    """Spreadsheet-safe text: a value starting with = + - @ is prefixed with ' so it is never run as a formula.

    Numbers are numbers: a negative change stays -3 (only text can carry a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def _json_value(value):
    return float(value) if isinstance(value, Decimal) else value


def format_value(value, unit: str, *, signed: bool = False) -> str:
    """A measure's value as an officer reads it: KRW in 억원, percent with %, counts with thousands separators."""
    if value is None:
        return "-"
    value = Decimal(str(value))
    sign = "+" if signed and value > 0 else ""
    if unit == kpi.Unit.KRW:
        return sign + format_krw(int(value))
    if unit == kpi.Unit.PERCENT:
        return f"{sign}{value:,.1f}%p" if signed else f"{value:,.1f}%"  # a change of a rate is in points
    if unit == kpi.Unit.RATIO:
        return f"{sign}{value:,.2f}"
    if value == value.to_integral_value():
        return f"{sign}{int(value):,}"
    return f"{sign}{value:,.1f}"


def format_percent(value) -> str:
    return "-" if value is None else f"{Decimal(str(value)):,.1f}%"


def display_rows(rows: list[dict]) -> list[dict]:
    """`kpi_report` rows with their figures formatted for a page or a PDF."""
    return [
        {
            **row,
            "value_display": format_value(row["value"], row["unit"]),
            "target_display": format_value(row["target"], row["unit"]),
            "percent_of_target_display": format_percent(row["percent_of_target"]),
            "previous_display": format_value(row["previous"], row["unit"]),
            "change_display": format_value(row["change"], row["unit"], signed=True),
        }
        for row in rows
    ]


def period_label(period_kind: str, period_start: dt.date) -> str:
    """2025-Q3, 2025-07 or 2025: the form `parse_period` reads back."""
    if period_kind == KpiSnapshot.PeriodKind.QUARTER:
        return f"{period_start.year}-Q{(period_start.month - 1) // 3 + 1}"
    if period_kind == KpiSnapshot.PeriodKind.MONTH:
        return f"{period_start.year}-{period_start.month:02d}"
    return str(period_start.year)


def quarter_containing(day: dt.date) -> dt.date:
    """The first day of the quarter `day` falls in: a month's or a year's report charts up to its last quarter."""
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def report_filename(zone: Zone, period_kind: str, period_start: dt.date, fmt: str) -> str:
    return f"kpi-{zone.slug}-{period_label(period_kind, period_start)}.{FORMATS[fmt][1]}"


# --- writers ------------------------------------------------------------------------------------------------


def write_csv(rows: list[dict]) -> bytes:
    # utf-8-sig: the BOM makes Excel read the Korean names correctly.
    handle = io.StringIO(newline="")
    writer = csv.writer(handle)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([safe_cell(row[column]) for column in COLUMNS])
    return handle.getvalue().encode("utf-8-sig")


def write_json(rows: list[dict], *, zone: Zone, period_kind: str, period_start: dt.date) -> bytes:
    document = {
        "zone": zone.slug,
        "period_kind": period_kind,
        "period_start": period_start.isoformat(),
        "period_end": period_end(period_kind, period_start).isoformat(),
        "measures": [{column: _json_value(row[column]) for column in COLUMNS} for row in rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def write_xlsx(rows: list[dict]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "KPI"
    sheet.append(COLUMNS)
    for row in rows:
        cells = []
        for column in COLUMNS:
            value = row[column]
            if isinstance(value, Decimal):
                value = float(value)
            elif isinstance(value, str):
                value = safe_cell(value)
            cells.append(value)
        sheet.append(cells)
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue()


def export_kpi_report(zone: Zone, period_kind: str, period_start: dt.date, fmt: str) -> bytes:
    """The report in one of FORMATS, as the bytes of the file."""
    if fmt == "pdf":
        return render_kpi_report_pdf(zone, period_kind, period_start)
    rows = kpi_report(zone, period_kind, period_start)
    if fmt == "csv":
        return write_csv(rows)
    if fmt == "json":
        return write_json(rows, zone=zone, period_kind=period_kind, period_start=period_start)
    if fmt == "xlsx":
        return write_xlsx(rows)
    raise ValueError(f"Unknown report format {fmt!r}")


# --- the trend chart ----------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def chart_font_family() -> str | None:
    """The first Korean-capable font matplotlib knows of, or None for its default."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    for name in ("Noto Sans CJK KR", "Noto Sans CJK JP"):
        if name in installed:
            return name
    return None


def kpi_trend(zone: Zone, codes: tuple[str, ...] | list[str], periods: int, *, last_start: dt.date | None = None):
    """(quarter labels, {code: [value or None per quarter]}) over the last `periods` quarters up to `last_start`.

    Snapshots are read in one query; a quarter without a snapshot is computed live."""
    starts = [last_start or last_finished_quarter()]
    for _index in range(periods - 1):
        starts.insert(0, previous_period_start(KpiSnapshot.PeriodKind.QUARTER, starts[0]))
    quarter = KpiSnapshot.PeriodKind.QUARTER
    snapshots = {
        (row.code, row.period_start): row.value
        for row in KpiSnapshot.objects.filter(
            zone=zone, period_kind=quarter, code__in=list(codes), period_start__in=starts
        )
    }
    series: dict[str, list[float | None]] = {}
    for code in codes:
        definition = kpi.KPI_BY_CODE[code]
        values = []
        for start in starts:
            if (code, start) in snapshots:
                value = snapshots[(code, start)]
            else:
                value = definition.compute(kpi.Frame(zone, start, period_end(quarter, start)))
            values.append(None if value is None else float(value))
        series[code] = values
    return [period_label(quarter, start) for start in starts], series


def render_kpi_chart_svg(
    zone: Zone, codes: tuple[str, ...] | list[str], periods: int = 4, *, last_start: dt.date | None = None
) -> str:
    """A line chart of the measures' trend over the last `periods` quarters, as an inline <svg> element.

    Text stays text (svg.fonttype "none") in a Korean-capable font, so it can be searched and read back."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    labels, series = kpi_trend(zone, codes, periods, last_start=last_start)
    family = chart_font_family()
    # One salt per chart: the clip-path ids of two charts on one page must not collide.
    style = {"svg.fonttype": "none", "svg.hashsalt": "-".join(codes), "font.size": 9}
    if family:
        style["font.family"] = [family, "sans-serif"]
    with matplotlib.rc_context(style):
        figure = Figure(figsize=(6.4, 2.3), layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        for code, values in series.items():
            definition = kpi.KPI_BY_CODE[code]
            axes.plot(
                labels,
                [float("nan") if value is None else value for value in values],
                marker="o",
                label=f"{definition.name_ko} ({definition.name_en})",
            )
        unit = kpi.KPI_BY_CODE[codes[0]].unit
        if unit == kpi.Unit.PERCENT:
            axes.set_ylabel("%")
        if unit in (kpi.Unit.COUNT, kpi.Unit.GPU_HOURS):
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        highest = max((value for values in series.values() for value in values if value is not None), default=0)
        axes.set_ylim(bottom=0, top=max(highest * 1.15, 100 if unit == kpi.Unit.PERCENT else 1))
        axes.grid(axis="y", alpha=0.3)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1), frameon=False)  # above the plot
        handle = io.StringIO()
        figure.savefig(handle, format="svg", metadata={"Date": None})
    svg = handle.getvalue()
    return svg[svg.index("<svg") :]  # no XML prolog or doctype: the element is embedded in HTML


# --- the PDF ------------------------------------------------------------------------------------------------


def render_kpi_report_pdf(zone: Zone, period_kind: str, period_start: dt.date) -> bytes:
    """The report as an A4 PDF: the zone and period, every measure's figures, and the headline trend charts."""
    from weasyprint import HTML

    rows = display_rows(kpi_report(zone, period_kind, period_start))
    last_quarter = quarter_containing(period_end(period_kind, period_start))
    context = {
        "zone": zone,
        "period": period_label(period_kind, period_start),
        "period_start": period_start,
        "period_end": period_end(period_kind, period_start),
        "rows": rows,
        # As data: URIs, so each chart keeps its own ids and styles inside the page.
        "charts": [
            "data:image/svg+xml;base64,"
            + base64.b64encode(render_kpi_chart_svg(zone, codes, 4, last_start=last_quarter).encode()).decode()
            for codes in HEADLINE_CHARTS
        ],
        "font_family": FONT_FAMILY,
        "title": _("KPI report"),
    }
    html = render_to_string("zones/kpi_report_pdf.html", context)
    return HTML(string=html).write_pdf()
