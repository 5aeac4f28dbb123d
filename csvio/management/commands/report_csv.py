"""python manage.py report_csv REPORT [...]: the reporting exports, as spreadsheet-safe CSV."""

import datetime
import sys

from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from consortia import reports
from csvio.safety import stream_csv
from directory.models.base import ends_before_start, parse_date_parameter


def _date(text: str, option: str) -> datetime.date:
    """The project's one ISO 8601 reader (docs/architecture.md), its message naming the option."""
    try:
        return parse_date_parameter(text, option)
    except ValidationError as error:
        raise CommandError(" ".join(f"{option}: {message}" for message in error.messages)) from None


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
            as_of = _date(options["as_of"], "--as-of") if options["as_of"] else timezone.localdate()
            header, rows = reports.members_by_role(as_of)
        else:
            start = _date(options["start"], "--from") if options["start"] else None
            end = _date(options["end"], "--to") if options["end"] else None
            if ends_before_start(start, end):
                raise CommandError("The --to date is before the --from date.")
            header, rows = reports.outputs_per_organisation(start, end, options["by"])
        # A file is for a spreadsheet: with a byte-order mark (docs/csv.md); standard output is for programs.
        lines = stream_csv(header, rows, bom=bool(options["output"]))
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as handle:
                handle.writelines(lines)
        else:
            out = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
            for line in lines:
                out.write(line)
