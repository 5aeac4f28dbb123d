"""CSV import and export benchmark (issue 4). Not a test: it measures, it does not assert.

    python benchmarks/csv_import.py                       # 100,000 organisations, PostgreSQL and SQLite
    python benchmarks/csv_import.py --organisations 10000 --databases sqlite
    python benchmarks/csv_import.py --only-groups --group-rows 20000   # the few-groups shape alone

It writes the synthetic data set of csvio/synthetic.py as CSV files
(100,000 organisations, 200,000 memberships across 500 consortia, 20,000
contacts), then on each database measures rows per second and peak memory for:

- the physical limit: COPY into a scratch table (PostgreSQL) or one-transaction
  ``executemany`` (SQLite); the re-import is a staging table and one UPDATE … FROM
  (PostgreSQL) or ``executemany`` UPDATE (SQLite);
- plain ``bulk_create`` of the organisation rows (no lists, no validation, no
  history); the re-import is an ORM upsert, ``bulk_create(update_conflicts=True)``;
- django-import-export with its default settings (a ModelResource keyed by slug,
  themes and regions through ManyToManyWidget; it cannot load identifiers or
  other names, so it does less work than ours);
- our import (``csv_import``): every cell validated, natural keys resolved,
  identifiers, other names, themes and regions, history rows naming the user and
  file, and the search index, all in one transaction;

each for a first import into an empty table and a re-import of the same file;
memberships in few groups with many rows each (issue 13: the overlap check
was quadratic in a group's size): 200,000 rows in 5 organisation–consortium–role
groups, 200,000 in one group, and the one-group file plus one overlapping row,
which must be refused naming that row; and for export, a plain ``csv.writer`` over ``values_list().iterator()`` against
our streaming export (with the list columns and spreadsheet escaping) and
django-import-export's resource export.

Every measurement runs in its own process, on a database restored from a
migrated template, so peak memory (the process's maximum resident set) belongs
to that measurement alone. Results are printed as a Markdown table and written
to benchmarks/results/csv_import-<database>.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csvio.columns import ORGANISATION_FIELDS  # noqa: E402

PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/consortia_csv_bench"
PLAIN_FIELDS = list(ORGANISATION_FIELDS)


# ---------------------------------------------------------------------------
# Worker side: one measurement per process.
# ---------------------------------------------------------------------------


def _setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def _rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _plain_value(field: str, text: str):
    if field in ("founded_on", "dissolved_on"):
        return text or None
    if field == "member_count":
        return int(text) if text else None
    if field == "is_public":
        return text == "true"
    return text


def _organisation_objects(path: Path):
    from directory.models import Organisation

    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield Organisation(**{field: _plain_value(field, row[field]) for field in PLAIN_FIELDS})


def step_copy(folder: Path, phase: str) -> int:
    """The physical limit: the file's text into a scratch table of text columns."""
    from django.db import connection, transaction

    path = folder / "organisations.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    columns = ", ".join(f'"{name}" text' if name != "slug" else '"slug" text PRIMARY KEY' for name in header)
    with transaction.atomic(), connection.cursor() as cursor:
        if phase == "first":
            cursor.execute(f"CREATE TABLE IF NOT EXISTS bench_scratch ({columns})")
        if connection.vendor == "postgresql":
            if phase == "first":
                with path.open(encoding="utf-8") as handle:
                    cursor.copy_expert("COPY bench_scratch FROM STDIN WITH (FORMAT csv, HEADER true)", handle)
            else:
                cursor.execute("CREATE TEMP TABLE bench_staging (LIKE bench_scratch) ON COMMIT DROP")
                with path.open(encoding="utf-8") as handle:
                    cursor.copy_expert("COPY bench_staging FROM STDIN WITH (FORMAT csv, HEADER true)", handle)
                sets = ", ".join(f'"{name}" = s."{name}"' for name in header if name != "slug")
                cursor.execute(f"UPDATE bench_scratch t SET {sets} FROM bench_staging s WHERE t.slug = s.slug")
        else:
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                next(reader)
                if phase == "first":
                    marks = ", ".join(["%s"] * len(header))
                    cursor.executemany(f"INSERT INTO bench_scratch VALUES ({marks})", reader)
                else:
                    sets = ", ".join(f'"{name}" = %s' for name in header[1:])
                    cursor.executemany(
                        f"UPDATE bench_scratch SET {sets} WHERE slug = %s", ([*row[1:], row[0]] for row in reader)
                    )
    return _rows(path)


def step_bulk_create(folder: Path, phase: str) -> int:
    from django.db import connection, transaction

    from directory.models import Organisation

    path = folder / "organisations.csv"
    batch = 1000 if connection.vendor == "postgresql" else 999 // len(PLAIN_FIELDS) - 1
    with transaction.atomic():
        if phase == "first":
            Organisation.objects.bulk_create(_organisation_objects(path), batch_size=batch)
        else:
            Organisation.objects.bulk_create(
                list(_organisation_objects(path)),
                batch_size=batch,
                update_conflicts=True,
                unique_fields=["slug"],
                update_fields=[f for f in PLAIN_FIELDS if f != "slug"],
            )
    return _rows(path)


def _import_export_resource():
    from import_export import fields, resources, widgets

    from directory.models import Organisation, Region, Theme

    class OrganisationResource(resources.ModelResource):
        themes = fields.Field(
            attribute="themes",
            column_name="themes",
            widget=widgets.ManyToManyWidget(Theme, separator=";", field="slug"),
        )
        regions = fields.Field(
            attribute="regions",
            column_name="regions",
            widget=widgets.ManyToManyWidget(Region, separator=";", field="slug"),
        )

        class Meta:
            model = Organisation
            import_id_fields = ["slug"]
            fields = [*PLAIN_FIELDS, "themes", "regions"]

    return OrganisationResource


def step_import_export(folder: Path, phase: str, limit: int = 0) -> int:
    import tablib

    path = folder / "organisations.csv"
    text = path.read_text(encoding="utf-8")
    if limit:
        lines = list(csv.reader(io.StringIO(text, newline="")))
        buffer = io.StringIO(newline="")
        csv.writer(buffer).writerows(lines[: limit + 1])
        text = buffer.getvalue()
    dataset = tablib.Dataset().load(text, format="csv")
    result = _import_export_resource()().import_data(dataset, dry_run=False, raise_errors=True)
    assert not result.has_errors() and not result.has_validation_errors()
    return len(dataset)


def step_ours(folder: Path, phase: str, kind: str = "organisations") -> int:
    from django.contrib.auth import get_user_model

    from csvio.services import csv_import

    user, _ = get_user_model().objects.get_or_create(username="benchmark")
    report = csv_import(kind, folder / f"{kind}.csv", user=user, filename=f"{kind}.csv")
    if not report.written:
        raise SystemExit(report.as_text()[:3000])
    if phase == "first":
        assert report.new == report.total, report.summary()
    else:
        assert report.unchanged == report.total, report.summary()
    step_ours.timings = report.timings
    return report.total


GROUP_ORGANISATIONS = [f"group-organisation-{n}" for n in range(5)]
GROUP_CONSORTIUM = "group-network"
GROUP_FIRST_DAY = "1500-01-01"


def step_group_setup(folder: Path, phase: str) -> int:
    """The organisations and the consortium the few-groups files name."""
    from consortia.models import Consortium
    from directory.models import Organisation

    for slug in GROUP_ORGANISATIONS:
        Organisation.objects.create(slug=slug, name=slug.replace("-", " ").title())
    Consortium.objects.create(slug=GROUP_CONSORTIUM, name="Group Network")
    return len(GROUP_ORGANISATIONS) + 1


def step_groups(folder: Path, phase: str, file: str = "") -> int:
    """Our import of a few-groups memberships file: written (first, re-import) or refused naming its last row."""
    from django.contrib.auth import get_user_model

    from csvio.services import csv_import

    user, _ = get_user_model().objects.get_or_create(username="benchmark")
    report = csv_import("memberships", folder / file, user=user, filename=file)
    if phase == "refused":
        refused = [(error.row, error.column) for error in report.errors]
        assert not report.written and refused == [(report.total + 1, "start_date")], report.as_text()[:3000]
    elif not report.written:
        raise SystemExit(report.as_text()[:3000])
    elif phase == "first":
        assert report.new == report.total, report.summary()
    else:
        assert report.unchanged == report.total, report.summary()
    step_groups.timings = report.timings
    return report.total


def _written_tables() -> list[str]:
    """Every table a first import of organisations writes to (the search document is filled by its trigger)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from directory.models import Organisation, OrganisationIdentifier, OrganisationName

    tables = [get_user_model()._meta.db_table]
    for model in (Organisation, OrganisationIdentifier, OrganisationName):
        tables += [model._meta.db_table, model.history.model._meta.db_table]
    for field in ("themes", "regions"):
        tables.append(Organisation._meta.get_field(field).remote_field.through._meta.db_table)
        tables.append(f"{Organisation.history.model._meta.db_table}_{field}")
    if connection.vendor == "postgresql":
        tables.append("directory_search_word")
    return tables


def step_dump_written(folder: Path, phase: str) -> int:
    """After our first import: keep every row it wrote, for step_copy_written."""
    import pickle

    from django.db import connection

    dump = folder / "written"
    dump.mkdir(exist_ok=True)
    count = 0
    with connection.cursor() as cursor:
        for table in _written_tables():
            if connection.vendor == "postgresql":
                with (dump / f"{table}.copy").open("w", encoding="utf-8") as handle:
                    cursor.copy_expert(f'COPY "{table}" TO STDOUT', handle)
            else:
                cursor.execute(f'SELECT * FROM "{table}"')
                rows = cursor.fetchall()
                (dump / f"{table}.pickle").write_bytes(pickle.dumps(rows))
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            count += cursor.fetchone()[0]
    return count


def step_copy_written(folder: Path, phase: str) -> int:
    """The physical limit of what our import writes: the very same rows, copied into the real tables.

    Every row our first import wrote (records, history, links and their
    history, identifiers, names, the word list) goes back with COPY (SQLite:
    ``executemany``) into the same indexed tables, with their triggers and
    foreign-key checks, in one transaction. No parsing, validating or
    computing: the full-text vectors arrive ready-made. Rows counted are the
    organisations, as for every other line.
    """
    import pickle

    from django.db import connection, transaction

    from directory.models import Organisation

    dump = folder / "written"
    with transaction.atomic(), connection.cursor() as cursor:
        for table in _written_tables():
            if connection.vendor == "postgresql":
                if table.endswith("_user"):
                    cursor.execute(f'DELETE FROM "{table}"')
                with (dump / f"{table}.copy").open(encoding="utf-8") as handle:
                    cursor.copy_expert(f'COPY "{table}" FROM STDIN', handle)
            else:
                rows = pickle.loads((dump / f"{table}.pickle").read_bytes())
                if rows:
                    cursor.execute(f'DELETE FROM "{table}"')
                    marks = ", ".join(["%s"] * len(rows[0]))
                    cursor.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
    return Organisation.objects.count()


def step_export_plain(folder: Path, phase: str) -> int:
    from directory.models import Organisation

    count = 0
    with (folder / "export-plain.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(PLAIN_FIELDS)
        for row in Organisation.objects.values_list(*PLAIN_FIELDS).iterator(chunk_size=2000):
            writer.writerow(row)
            count += 1
    return count


def step_export_ours(folder: Path, phase: str) -> int:
    from csvio.services import csv_export

    count = -1
    with (folder / "export-ours.csv").open("w", newline="", encoding="utf-8") as handle:
        for line in csv_export("organisations"):
            handle.write(line)
            count += 1  # a line per record: multi-line cells are inside one yielded line
    return count


def step_export_import_export(folder: Path, phase: str) -> int:
    dataset = _import_export_resource()().export()
    (folder / "export-import-export.csv").write_text(dataset.csv, encoding="utf-8")
    return len(dataset)


STEPS = {
    "copy": step_copy,
    "bulk_create": step_bulk_create,
    "import_export": step_import_export,
    "ours": step_ours,
    "group_setup": step_group_setup,
    "groups": step_groups,
    "dump_written": step_dump_written,
    "copy_written": step_copy_written,
    "export_plain": step_export_plain,
    "export_ours": step_export_ours,
    "export_import_export": step_export_import_export,
}


def worker(args) -> None:
    _setup_django()
    function = STEPS[args.step]
    kwargs = {}
    if args.step == "ours":
        kwargs["kind"] = args.kind
    if args.step == "groups":
        kwargs["file"] = args.file
    if args.step == "import_export" and args.limit:
        kwargs["limit"] = args.limit
    started = time.perf_counter()
    rows = function(Path(args.folder), args.phase, **kwargs)
    seconds = time.perf_counter() - started
    result = {"rows": rows, "seconds": seconds, "peak_mb": _peak_mb()}
    if hasattr(function, "timings"):
        result["phases"] = function.timings
    print("RESULT " + json.dumps(result))


# ---------------------------------------------------------------------------
# Driver side: data, databases, and the table.
# ---------------------------------------------------------------------------


class Database:
    def __init__(self, vendor: str, pg_url: str, scratch: Path):
        self.vendor = vendor
        self.pg_url = pg_url
        self.scratch = scratch
        if vendor == "postgresql":
            self.name = pg_url.rsplit("/", 1)[1]
            self.template = self.name + "_template"
            self.url = pg_url
            self.server = pg_url.rsplit("/", 1)[0] + "/postgres"
        else:
            self.path = scratch / "bench.sqlite3"
            self.template_path = scratch / "bench-template.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def _psql(self, sql: str) -> None:
        subprocess.run(["psql", self.server, "-qc", sql], check=True, capture_output=True)

    def prepare_template(self) -> None:
        env = {**os.environ, "DATABASE_URL": self.url if self.vendor == "sqlite" else self.pg_url}
        if self.vendor == "postgresql":
            self._psql(f'DROP DATABASE IF EXISTS "{self.name}"')
            self._psql(f'DROP DATABASE IF EXISTS "{self.template}"')
            self._psql(f'CREATE DATABASE "{self.name}"')
        elif self.path.exists():
            self.path.unlink()
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        code = "from csvio.synthetic import ensure_themes; ensure_themes()"
        subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True)
        if self.vendor == "postgresql":
            self._psql(f'CREATE DATABASE "{self.template}" TEMPLATE "{self.name}"')
        else:
            shutil.copy(self.path, self.template_path)

    def reset(self) -> None:
        if self.vendor == "postgresql":
            self._psql(f'DROP DATABASE IF EXISTS "{self.name}"')
            self._psql(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"')
        else:
            shutil.copy(self.template_path, self.path)

    def drop(self) -> None:
        if self.vendor == "postgresql":
            self._psql(f'DROP DATABASE IF EXISTS "{self.name}"')
            self._psql(f'DROP DATABASE IF EXISTS "{self.template}"')


def run_step(database: Database, folder: Path, step: str, phase: str, **extra) -> dict:
    command = [sys.executable, __file__, "--worker", step, "--phase", phase, "--folder", str(folder)]
    for key, value in extra.items():
        command += [f"--{key}", str(value)]
    env = {**os.environ, "DATABASE_URL": database.url, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    env["CSV_IMPORT_MAX_ROWS"] = "1000000"
    env["CSV_IMPORT_MAX_BYTES"] = str(1024 * 1024 * 1024)
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{step} {phase} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    result["rows_per_s"] = result["rows"] / result["seconds"] if result["seconds"] else 0
    print(
        f"  {step:22} {phase:9} {result['rows']:>8,} rows {result['seconds']:8.2f} s "
        f"{result['rows_per_s']:>10,.0f} rows/s  peak {result['peak_mb']:6.0f} MB",
        flush=True,
    )
    return result


def write_group_files(folder: Path, rows: int) -> None:
    """Memberships in few groups with many rows: one-day periods every other day, so none overlap.

    memberships-5-groups.csv spreads ``rows`` over five organisations (one group each);
    memberships-1-group.csv puts them all in one; memberships-1-group-bad.csv adds one
    last row, starting on a day between two periods, that overlaps the later of them.
    """
    import datetime

    folder.mkdir(parents=True, exist_ok=True)
    first = datetime.date.fromisoformat(GROUP_FIRST_DAY)
    header = ["organisation", "consortium", "role", "start_date", "end_date"]

    def write(name: str, groups: int, bad: bool = False) -> None:
        per_group = rows // groups
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            for group in range(groups):
                for n in range(per_group):
                    day = (first + datetime.timedelta(days=2 * n)).isoformat()
                    writer.writerow([GROUP_ORGANISATIONS[group], GROUP_CONSORTIUM, "member", day, day])
            if bad:
                start = first + datetime.timedelta(days=2 * (per_group // 2) + 1)
                end = start + datetime.timedelta(days=1)
                writer.writerow([GROUP_ORGANISATIONS[0], GROUP_CONSORTIUM, "member", start, end])

    write("memberships-5-groups.csv", 5)
    write("memberships-1-group.csv", 1)
    write("memberships-1-group-bad.csv", 1, bad=True)


def bench_groups(database: Database, folder: Path, measure) -> None:
    """Few groups, many rows: the overlap check's worst shape (issue 13, item 2)."""
    database.reset()
    run_step(database, folder, "group_setup", "first")
    measure("ours memberships 5 groups first", "groups", "first", file="memberships-5-groups.csv")
    database.reset()
    run_step(database, folder, "group_setup", "first")
    measure("ours memberships 1 group + 1 overlap refused", "groups", "refused", file="memberships-1-group-bad.csv")
    measure("ours memberships 1 group first", "groups", "first", file="memberships-1-group.csv")
    measure("ours memberships 1 group re-import", "groups", "reimport", file="memberships-1-group.csv")


def bench_database(vendor: str, folder: Path, args) -> dict:
    database = Database(vendor, args.pg_url, Path(args.scratch))
    print(f"== {vendor}", flush=True)
    database.prepare_template()
    results: dict[str, dict] = {}

    def measure(label, step, phase, **extra):
        results[label] = run_step(database, folder, step, phase, **extra)

    if args.only_groups:
        bench_groups(database, folder, measure)
        if not args.keep:
            database.drop()
        return results

    for step in ("copy", "bulk_create"):
        database.reset()
        measure(f"{step} first", step, "first")
        measure(f"{step} re-import", step, "reimport")
    if not args.skip_import_export:
        database.reset()
        extra = {"limit": args.ie_rows} if args.ie_rows else {}
        measure("import_export first", "import_export", "first", **extra)
        measure("import_export re-import", "import_export", "reimport", **extra)
    database.reset()
    measure("ours first", "ours", "first", kind="organisations")
    run_step(database, folder, "dump_written", "first")
    measure("ours re-import", "ours", "reimport", kind="organisations")
    run_step(database, folder, "ours", "first", kind="consortia")
    for kind in ("memberships", "contacts"):
        measure(f"ours {kind} first", "ours", "first", kind=kind)
        measure(f"ours {kind} re-import", "ours", "reimport", kind=kind)
    measure("export plain csv.writer", "export_plain", "first")
    measure("export ours", "export_ours", "first")
    if not args.skip_import_export:
        measure("export import_export", "export_import_export", "first")
    database.reset()
    measure("copy of the same rows", "copy_written", "first")
    if not args.skip_groups:
        bench_groups(database, folder, measure)
    if not args.keep:
        database.drop()
    return results


def table(results: dict[str, dict], vendor: str) -> str:
    lines = [f"**{vendor}**", "", "| method | rows | seconds | rows/s | peak memory (MB) |"]
    lines.append("|---|---:|---:|---:|---:|")
    for label, result in results.items():
        lines.append(
            f"| {label} | {result['rows']:,} | {result['seconds']:.1f} | {result['rows_per_s']:,.0f} "
            f"| {result['peak_mb']:.0f} |"
        )
    r = results
    ratios = []
    if "ours first" in r and "copy first" in r:
        ratios.append(f"our first import / COPY: 1/{r['copy first']['rows_per_s'] / r['ours first']['rows_per_s']:.1f}")
    if "ours first" in r and "copy of the same rows" in r:
        same = r["copy of the same rows"]["rows_per_s"] / r["ours first"]["rows_per_s"]
        ratios.append(f"our first import / COPY of the same rows into the same tables: 1/{same:.1f}")
    if "import_export first" in r:
        ratios.append(
            f"our first import / import-export default: "
            f"{r['ours first']['rows_per_s'] / r['import_export first']['rows_per_s']:.1f}×"
        )
        ratios.append(
            f"our re-import / import-export default re-import: "
            f"{r['ours re-import']['rows_per_s'] / r['import_export re-import']['rows_per_s']:.1f}×"
        )
    groups = [result for label, result in r.items() if " group" in label]
    if groups:
        slowest = max(result["seconds"] for result in groups)
        ratios.append(
            f"few groups, many rows: slowest {slowest:.1f} s, peak memory {max(g['peak_mb'] for g in groups):.0f} MB"
        )
    if "export ours" in r and "export plain csv.writer" in r:
        share = r["export ours"]["rows_per_s"] / r["export plain csv.writer"]["rows_per_s"]
        ratios.append(f"our export / plain csv.writer: {share:.2f}")
    ours = [result["peak_mb"] for label, result in r.items() if label.startswith("ours") and " group" not in label]
    if ours:
        ratios.append(f"peak memory of our imports: {max(ours):.0f} MB")
    return "\n".join([*lines, "", *[f"- {line}" for line in ratios]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--memberships", type=int, default=200_000)
    parser.add_argument("--consortia", type=int, default=500)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", PG_DEFAULT))
    parser.add_argument("--ie-rows", type=int, default=0, help="Rows for django-import-export (default: all).")
    parser.add_argument("--skip-import-export", action="store_true")
    parser.add_argument("--group-rows", type=int, default=200_000, help="Rows of each few-groups memberships file.")
    parser.add_argument("--skip-groups", action="store_true", help="Leave out the few-groups memberships files.")
    parser.add_argument("--only-groups", action="store_true", help="Measure only the few-groups memberships files.")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark databases afterwards.")
    parser.add_argument("--scratch", default="")
    # worker options
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--kind", default="organisations", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--file", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.step = args.worker
        worker(args)
        return

    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="csv-bench-"))
    args.scratch = str(scratch)
    folder = scratch / "files"
    sys.path.insert(0, str(ROOT))
    from csvio.synthetic import write_csv_files

    started = time.perf_counter()
    if not args.only_groups:
        write_csv_files(
            folder,
            organisations=args.organisations,
            memberships=args.memberships,
            consortia=args.consortia,
            contacts=args.contacts,
            outputs=0,
            relationships=0,
        )
    if args.only_groups or not args.skip_groups:
        write_group_files(folder, args.group_rows)
    print(f"Synthetic files in {folder} ({time.perf_counter() - started:.1f} s)", flush=True)
    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(exist_ok=True)
    for vendor in args.databases.split(","):
        results = bench_database(vendor, folder, args)
        meta = {
            "date": time.strftime("%Y-%m-%d"),
            "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
            "organisations": args.organisations,
            "memberships": args.memberships,
            "contacts": args.contacts,
            "group_rows": args.group_rows,
        }
        name = f"csv_import-groups-{vendor}.json" if args.only_groups else f"csv_import-{vendor}.json"
        (out_dir / name).write_text(json.dumps({"meta": meta, "results": results}, indent=2))
        print(table(results, vendor), flush=True)
    if not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
