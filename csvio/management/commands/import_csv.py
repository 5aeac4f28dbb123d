"""python manage.py import_csv KIND FILE [--dry-run]: all or nothing, with a report."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError

from csvio.kinds import IMPORTERS, kind_name
from csvio.services import csv_import


class Command(BaseCommand):
    help = (
        "Import a CSV file of one kind of record. Every row is checked first; if any row is invalid nothing "
        f"is written and each problem is listed. KIND is one of: {', '.join(IMPORTERS)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind")
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check and report, but write nothing.")
        parser.add_argument(
            "--allow-duplicate-names",
            action="store_true",
            help="Create new organisations even when their names match recorded ones.",
        )
        parser.add_argument("--user", help="Username to record in the history as the one who imported.")
        parser.add_argument("--show", type=int, default=50, help="How many new or changed rows to list.")

    def handle(self, *args, **options):
        try:
            kind = kind_name(options["kind"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"There is no user called “{options['user']}”.")
        report = csv_import(
            kind,
            path,
            user=user,
            filename=path.name,
            dry_run=options["dry_run"],
            allow_duplicate_names=options["allow_duplicate_names"],
        )
        text = report.as_text(max_changes=options["show"])
        if report.errors:
            self.stderr.write(text)
            raise CommandError("Nothing was imported.")
        self.stdout.write(text)
