"""Import new companies from a large CSV file: every row checked, all or nothing (companies/imports.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from companies.imports import import_companies_csv, read_lines


class Command(BaseCommand):
    help = (
        "기업 일괄 등록 / Import new companies from a CSV file (the admin export's columns: brn, name_ko, size, "
        "...). Every row is checked; one bad row imports nothing and every bad row is named by number and field."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file, UTF-8, header first")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")

    def handle(self, *args, file: str, dry_run: bool, **options):
        started = time.monotonic()
        try:
            report = import_companies_csv(read_lines(file), dry_run=dry_run)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: {error}") from error
        seconds = time.monotonic() - started
        for error in report.errors:
            self.stderr.write(str(error))
        if report.more_errors:
            self.stderr.write(f"... 외 {report.more_errors}건 / and {report.more_errors} more")
        if not report.ok:
            raise CommandError(
                f"{report.rows:,}행 중 오류가 있어 아무것도 가져오지 않았습니다 / "
                f"nothing imported: errors in {report.rows:,} rows"
            )
        if dry_run:
            self.stdout.write(f"{report.rows:,}행 모두 정상 (시험 실행) / all {report.rows:,} rows valid (dry run)")
        else:
            self.stdout.write(
                f"{report.imported:,}개 기업을 가져왔습니다 / imported {report.imported:,} companies "
                f"in {seconds:.1f}s ({report.imported / max(seconds, 1e-9):,.0f} rows/s)"
            )
