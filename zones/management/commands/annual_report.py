"""`manage.py annual_report --zone yangjae --year 2025 --format pdf --output report.pdf`."""

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApplicationError
from zones.annual_report import ANNUAL_FORMATS, export_annual_report, parse_year
from zones.models import Zone


class Command(BaseCommand):
    help = "Write a zone's annual performance report (성과보고서) for a calendar year as PDF or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--zone", required=True, help="zone slug")
        parser.add_argument("--year", required=True, help="calendar year, e.g. 2025")
        parser.add_argument("--format", default="pdf", help="pdf or xlsx")
        parser.add_argument("--output", required=True, help="file to write")

    def handle(self, *args, **options):
        zone = Zone.objects.filter(slug=options["zone"]).first()
        if zone is None:
            raise CommandError(f'Unknown zone "{options["zone"]}".')
        try:
            year = parse_year(options["year"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        fmt = options["format"]
        if fmt not in ANNUAL_FORMATS:
            raise CommandError(f'Unknown format "{fmt}": use {" or ".join(ANNUAL_FORMATS)}.')
        content = export_annual_report(zone, year, fmt)
        with open(options["output"], "wb") as handle:
            handle.write(content)
        self.stdout.write(f"Annual report {year} ({fmt}) written to {options['output']}")
