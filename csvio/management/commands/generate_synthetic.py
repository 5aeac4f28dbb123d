"""Fill the database (or a folder of CSV files) with the synthetic data set of csvio/synthetic.py."""

import time

from django.core.management import BaseCommand, CommandError

from csvio import synthetic


class Command(BaseCommand):
    help = (
        "Generate a deterministic, clearly synthetic data set ('Synthetic Organisation 00042', example.org "
        "addresses) into the database, or with --csv FOLDER as import files instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=100_000)
        parser.add_argument("--memberships", type=int, default=200_000)
        parser.add_argument("--consortia", type=int, default=500)
        parser.add_argument("--contacts", type=int, default=20_000)
        parser.add_argument("--outputs", type=int, default=20_000)
        parser.add_argument("--relationships", type=int, default=None, help="Default: one per 20 organisations.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--csv", metavar="FOLDER", help="Write CSV import files to FOLDER instead.")

    def handle(self, *args, **options):
        counts = {
            key: options[key]
            for key in ("organisations", "memberships", "consortia", "contacts", "outputs", "relationships", "seed")
        }
        if counts["organisations"] < 1 or counts["consortia"] < 1:
            raise CommandError("At least one organisation and one consortium are needed.")
        started = time.perf_counter()
        try:
            if options["csv"]:
                paths = synthetic.write_csv_files(options["csv"], **counts)
                for kind, path in paths.items():
                    self.stdout.write(f"{kind}: {path}")
            else:
                synthetic.populate(**counts)
        except (RuntimeError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Synthetic data ready in {time.perf_counter() - started:.1f} s."))
