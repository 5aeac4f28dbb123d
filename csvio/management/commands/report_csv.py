"""python manage.py report_csv REPORT [...]: the reporting exports, as spreadsheet-safe CSV."""

import datetime
import sys

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from consortia import reports
from csvio.safety import stream_csv


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text}” is not a date: write it as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Reporting exports. members-by-role [--as-of DATE]: members of each consortium by role on a date. "
        "outputs-per-organisation [--from DATE] [--to DATE] [--by quarter|year|month|all]: joint outputs per "
        "organisation per period."
    )

    def add_arguments(self, parser):
        parser.add_argument("report", choices=list(reports.REPORTS))
        parser.add_argument("--as-of", help="members-by-role: the date (default today).")
        parser.add_argument("--from", dest="start", help="outputs-per-organisation: first publication date.")
        parser.add_argument("--to", dest="end", help="outputs-per-organisation: last publication date.")
        parser.add_argument("--by", default="quarter", choices=reports.PERIODS, help="Period (default quarter).")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, **options):
        if options["report"] == "members-by-role":
            as_of = _date(options["as_of"]) if options["as_of"] else timezone.localdate()
            header, rows = reports.members_by_role(as_of)
        else:
            start = _date(options["start"]) if options["start"] else None
            end = _date(options["end"]) if options["end"] else None
            if start and end and end < start:
                raise CommandError("The --to date is before the --from date.")
            header, rows = reports.outputs_per_organisation(start, end, options["by"])
        lines = stream_csv(header, rows)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as handle:
                handle.writelines(lines)
        else:
            out = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
            for line in lines:
                out.write(line)
