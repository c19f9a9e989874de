"""`manage.py kpi_report --zone yangjae --period 2025-Q4 --format csv --output report.csv`."""

import csv
import json
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApplicationError
from zones.models import Zone
from zones.selectors import kpi_report
from zones.services_kpi import parse_period

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


class Command(BaseCommand):
    help = "Write a zone's KPI report for a period (from snapshots when taken, else computed live)."

    def add_arguments(self, parser):
        parser.add_argument("--zone", required=True, help="zone slug")
        parser.add_argument("--period", required=True, help="2025, 2025-Q4 or 2025-11")
        parser.add_argument("--format", default="csv", choices=["csv", "json", "xlsx", "pdf"])
        parser.add_argument("--output", required=True, help="file to write")

    def handle(self, *args, **options):
        if options["format"] == "pdf":
            raise CommandError("PDF reports are not available yet.")
        zone = Zone.objects.filter(slug=options["zone"]).first()
        if zone is None:
            raise CommandError(f'Unknown zone "{options["zone"]}".')
        try:
            kind, start, end = parse_period(options["period"])
        except ApplicationError as error:
            raise CommandError(str(error)) from error
        rows = kpi_report(zone, kind, start)
        writer = {"csv": self._csv, "json": self._json, "xlsx": self._xlsx}[options["format"]]
        writer(options["output"], rows, zone=zone, kind=kind, start=start, end=end)
        self.stdout.write(f"{len(rows)} measures written to {options['output']}")

    def _csv(self, path, rows, **meta):
        # utf-8-sig: the BOM makes Excel read the Korean names correctly.
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for row in rows:
                writer.writerow([safe_cell(row[column]) for column in COLUMNS])

    def _json(self, path, rows, *, zone, kind, start, end):
        document = {
            "zone": zone.slug,
            "period_kind": kind,
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "measures": [{column: _json_value(row[column]) for column in COLUMNS} for row in rows],
        }
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, indent=2)

    def _xlsx(self, path, rows, *, zone, kind, start, end):
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
        workbook.save(path)
