"""python manage.py export_csv KIND [--output FILE]: every record of a kind, in the import columns."""

import sys

from django.core.management import BaseCommand, CommandError

from csvio.kinds import IMPORTERS, kind_name
from csvio.services import csv_export


class Command(BaseCommand):
    help = (
        f"Export every record of one kind as CSV that imports back unchanged. KIND is one of: {', '.join(IMPORTERS)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, **options):
        try:
            kind = kind_name(options["kind"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        # A file is for a spreadsheet as much as for re-import: with a byte-order mark (docs/csv.md).
        lines = csv_export(kind, bom=bool(options["output"]))
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as handle:
                handle.writelines(lines)
        else:
            out = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
            for line in lines:
                out.write(line)
