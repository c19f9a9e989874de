"""`manage.py kpi_report --zone yangjae --period 2025-Q4 --format csv --output report.csv`."""

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApplicationError
from zones.models import Zone
from zones.reports import FORMATS, export_kpi_report, safe_cell
from zones.services_kpi import parse_period

__all__ = ["Command", "safe_cell"]


class Command(BaseCommand):
    help = "Write a zone's KPI report for a period (from snapshots when taken, else computed live)."

    def add_arguments(self, parser):
        parser.add_argument("--zone", required=True, help="zone slug")
        parser.add_argument("--period", required=True, help="2025, 2025-Q4 or 2025-11")
        parser.add_argument("--format", default="csv", choices=list(FORMATS))
        parser.add_argument("--output", required=True, help="file to write")

    def handle(self, *args, **options):
        zone = Zone.objects.filter(slug=options["zone"]).first()
        if zone is None:
            raise CommandError(f'Unknown zone "{options["zone"]}".')
        try:
            kind, start, _end = parse_period(options["period"])
        except ApplicationError as error:
            raise CommandError(str(error)) from error
        content = export_kpi_report(zone, kind, start, options["format"])
        with open(options["output"], "wb") as handle:
            handle.write(content)
        self.stdout.write(f"KPI report ({options['format']}) written to {options['output']}")
