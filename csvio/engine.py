"""The import engine: read, check every row, then write everything or nothing.

One pass over the file parses each cell with the rules of its column; natural
keys (slugs, identifiers) are resolved with one query per batch; each row is
matched with the record it updates and compared with it, so the preview says
what is new, what would change and what is already as the file says. Only if
no row has an error — and the run is not a dry run — is anything written, in
one transaction, with set-based statements (see fastdb), history rows naming
the file and the user, and the search index brought up to date.

Each kind of record is an ``Importer`` subclass in ``kinds.py`` that declares
its columns and adds its own checks.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, ExpressionWrapper, F
from django.utils import timezone

from csvio.safety import RISKY_FIRST_CHARACTERS

from . import fastdb
from .cells import CellError, join_list
from .reading import CsvFile, FileRefused, cell_text, is_formula, parse, read_bytes

MAX_CHANGES_SHOWN = 500
MATCH_BATCH = 10_000
WRITE_BATCH = 10_000
_MISSING = object()


@dataclass
class RowError:
    row: int | None  # spreadsheet row number (the header is row 1); None for the whole file
    column: str
    message: str


@dataclass
class Change:
    row: int
    record: str
    action: str  # "new" or "changed"
    fields: list[tuple[str, str, str]]  # (column, old, new)


@dataclass
class ImportReport:
    kind: str
    filename: str = ""
    encoding: str = ""
    dry_run: bool = False
    total: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    written: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase, for benchmarks

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def invalid(self) -> int:
        return len({error.row for error in self.errors if error.row is not None})

    @property
    def file_errors(self) -> list[RowError]:
        return [error for error in self.errors if error.row is None]

    def error_csv(self) -> Iterator[str]:
        """The errors as CSV lines: row, column, message (spreadsheet-safe)."""
        from csvio.safety import stream_csv

        return stream_csv(["row", "column", "message"], ([e.row or "", e.column, e.message] for e in self.errors))

    def summary(self) -> str:
        if self.file_errors:
            return "The file was refused: " + " ".join(e.message for e in self.file_errors)
        counts = f"{self.new:,} new, {self.changed:,} changed, {self.unchanged:,} unchanged, {self.invalid:,} invalid"
        if self.errors:
            return f"Nothing was imported: {self.invalid:,} of {self.total:,} rows have errors ({counts})."
        if self.written:
            return f"Imported {self.total:,} {self.kind}: {counts}."
        return f"Checked {self.total:,} {self.kind}, nothing written yet: {counts}."

    def as_text(self, max_changes: int = 50) -> str:
        lines = [self.summary()]
        if self.encoding and self.encoding != "UTF-8":
            lines.append(f"The file was read as {self.encoding}.")
        for error in self.errors:
            where = f"Row {error.row}" if error.row is not None else "File"
            column = f", column “{error.column}”" if error.column else ""
            lines.append(f"  {where}{column}: {error.message}")
        if not self.errors:
            for change in self.changes[:max_changes]:
                detail = "; ".join(f"{name}: “{old}” → “{new}”" for name, old, new in change.fields)
                lines.append(
                    f"  Row {change.row}: {change.action} {change.record}" + (f" ({detail})" if detail else "")
                )
            hidden = self.new + self.changed - min(len(self.changes), max_changes)
            if hidden > 0:
                lines.append(f"  … and {hidden:,} more new or changed rows.")
        return "\n".join(lines)


class _Clock:
    def __init__(self, timings: dict):
        self.timings = timings
        self.last = time.perf_counter()

    def __call__(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = now - self.last
        self.last = now


@dataclass
class Column:
    name: str
    parse: Callable[[str], Any]
    required: bool = False  # the column must be in the file
    help: str = ""
    example: str = ""


class Row:
    __slots__ = ("number", "values", "refs", "existing", "errors", "action", "pk", "diff", "extra")

    def __init__(self, number: int):
        self.number = number
        self.values: dict[str, Any] = {}  # parsed values by column name
        self.refs: dict[str, Any] = {}  # resolved foreign keys by attname
        self.existing: dict | None = None
        self.errors = False
        self.action = ""
        self.pk = None
        self.diff: list[tuple[str, str, str]] = []
        self.extra: dict[str, Any] = {}


class Reference:
    """How a column points at another record: the model and how its natural key is looked up."""

    def __init__(self, label: str, model_label: str, lookup: str = "slug"):
        self.label = label
        self.model_label = model_label
        self.lookup = lookup

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def resolve(self, keys: set[str]) -> dict[str, int]:
        found = {}
        keys = sorted(keys)
        for queryset in fastdb.where_in(self.model.objects.all(), self.lookup, keys):
            found.update(queryset.values_list(self.lookup, "pk"))
        return found


class OrganisationReference(Reference):
    """An organisation by slug or by any of its identifiers (GB-CHC-1234567)."""

    def __init__(self):
        super().__init__("organisation", "directory.Organisation")

    def resolve(self, keys: set[str]) -> dict[str, int]:
        from directory.identifiers import split_org_id
        from directory.models import OrganisationIdentifier

        slugs, org_ids = set(), {}
        for key in keys:
            if looks_like_org_id(key):
                try:
                    org_ids[key] = split_org_id(key)
                except ValidationError:
                    continue
            else:
                slugs.add(key)
        found = super().resolve(slugs)
        by_value = defaultdict(list)
        for key, (scheme, value) in org_ids.items():
            by_value[value].append((key, scheme))
        values = sorted(by_value)
        for queryset in fastdb.where_in(OrganisationIdentifier.objects.all(), "value", values):
            for scheme, value, pk in queryset.values_list("scheme", "value", "organisation_id"):
                for key, wanted in by_value[value]:
                    if wanted == scheme:
                        found[key] = pk
        return found


def looks_like_org_id(text: str) -> bool:
    from directory.identifiers import SCHEMES

    upper = text.upper()
    return any(upper.startswith(code + "-") for code in SCHEMES)


def display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | set | frozenset):
        return join_list(sorted(str(v) for v in value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class Importer:
    """One kind of record. Subclasses declare columns and mappings; see kinds.py."""

    kind = ""
    model = None
    columns: list[Column] = []
    # column name → model attname, for plain fields
    field_columns: dict[str, str] = {}
    # column name → (Reference, attname); blank cells allowed unless the column is required
    ref_columns: dict[str, tuple[Reference, str]] = {}
    # column name → many-to-many field name on the model (values are slugs of the target)
    m2m_columns: dict[str, str] = {}
    # column name → NameKind value, for the model's "other names" side table
    name_columns: dict[str, str] = {}
    names_model_label = ""
    names_fk = ""
    # attnames (after references are resolved) that identify a record
    key: tuple[str, ...] = ()
    # columns that must hold a value even though blank would parse
    required_values: tuple[str, ...] = ()
    # for messages and the preview: how to name a record of this row
    record_label: Callable[[Row], str] = staticmethod(lambda row: "")

    def __init__(self, *, user=None, filename: str = "", allow_duplicate_names: bool = False):
        self.user = user
        self.filename = filename
        self.allow_duplicate_names = allow_duplicate_names
        self.now = timezone.now()
        self.now_cell = fastdb.datetime_cell(self.now)  # what is written for it
        self.report = ImportReport(kind=self.kind, filename=filename)
        self.present: set[str] = set()
        self.unnamed: list[int] = []
        self.current_m2m: dict[str, dict[int, list[tuple[int, int]]]] = {f: {} for f in self.m2m_columns.values()}
        self.current_names: dict[int, dict[tuple[str, str], dict]] = defaultdict(dict)
        self.ids = fastdb.IdReserver()

    # -- reporting --------------------------------------------------------

    def error(self, row: Row | None, column: str, message: str) -> None:
        if row is not None:
            row.errors = True
        self.report.errors.append(RowError(row.number if row is not None else None, column, message))

    @property
    def change_reason(self) -> str:
        reason = f"CSV import: {self.filename}" if self.filename else "CSV import"
        return reason[:100]

    # -- the run ------------------------------------------------------------

    def run(self, source, *, dry_run: bool = False) -> ImportReport:
        self.report.dry_run = dry_run
        clock = _Clock(self.report.timings)
        try:
            csvfile = parse(read_bytes(source))
            self.report.encoding = csvfile.encoding
            positions = self.map_header(csvfile)
            clock("read")
            rows = self.parse_rows(csvfile, positions)
            del csvfile
            clock("parse")
        except FileRefused as refused:
            self.report.errors.append(RowError(None, "", str(refused)))
            return self.report
        self.report.total = len(rows)
        self.resolve_references(rows)
        self.check_rows(rows)
        self.check_duplicates_in_file(rows)
        clock("references")
        # Match and compare a batch at a time, keeping the recorded values only of rows that will change:
        # memory stays near the size of the parsed file, however many rows are unchanged.
        valid = [row for row in rows if not row.errors]
        for start in range(0, len(valid), MATCH_BATCH):
            batch = valid[start : start + MATCH_BATCH]
            self.match_existing(batch)
            self.classify(batch)
            self.forget_unchanged(batch)
        del valid
        clock("match")
        self.check_against_database(rows)
        self.unclassify_invalid(rows)
        clock("compare")
        if self.report.errors or dry_run:
            return self.report
        try:
            started = time.perf_counter()
            with transaction.atomic():
                self.write(rows)
        except IntegrityError as refused:
            self.report.errors.append(
                RowError(
                    None,
                    "",
                    "The database refused the import, so nothing was written. Another change may have been "
                    f"saved at the same moment; try again. ({refused})",
                )
            )
            return self.report
        self.report.timings["write (all)"] = time.perf_counter() - started
        self.report.written = True
        return self.report

    def map_header(self, csvfile: CsvFile) -> dict[str, int]:
        known = {column.name for column in self.columns}
        positions: dict[str, int] = {}
        unknown = []
        for index, (name, raw) in enumerate(zip(csvfile.header, csvfile.raw_header, strict=True)):
            if not name:
                self.unnamed.append(index)  # a cell under no heading is reported on its row
                continue
            if name in positions:
                raise FileRefused(f"The column “{raw}” appears twice in the heading row.")
            if name not in known:
                unknown.append(f"“{raw}”")
                continue
            positions[name] = index
        missing = [column.name for column in self.columns if column.required and column.name not in positions]
        if missing:
            raise FileRefused(
                f"Required column{'s' if len(missing) > 1 else ''} missing: {', '.join(missing)}. "
                f"The columns for {self.kind} are: {', '.join(c.name for c in self.columns)}."
            )
        if unknown:
            raise FileRefused(
                f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
                f"The columns for {self.kind} are: {', '.join(c.name for c in self.columns)} "
                "(see docs/csv.md). Remove or rename the column and try again."
            )
        self.present = set(positions)
        return positions

    def parse_rows(self, csvfile: CsvFile, positions: dict[str, int]) -> list[Row]:
        plan = [(c.name, c.parse, positions[c.name]) for c in self.columns if c.name in positions]
        width = len(csvfile.header)
        rows = []
        unnamed = self.unnamed
        for number, cells in csvfile.records:
            row = Row(number)
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                self.error(row, "", f"This row has {len(cells)} cells but there are only {width} column headings.")
            for index in unnamed:
                if index < len(cells) and cells[index].strip():
                    self.error(row, "", f"Column {index + 1} has no heading but this row has a value in it.")
            values = row.values
            count = len(cells)
            for name, parse_cell, position in plan:
                raw = cells[position].strip() if position < count else ""
                if raw:
                    first = raw[0]
                    if first in RISKY_FIRST_CHARACTERS and is_formula(raw):
                        self.error(
                            row,
                            name,
                            f"This cell starts with “{first}” and a spreadsheet would run it as a formula. "
                            "If it really is text, put an apostrophe (') in front of it.",
                        )
                        continue
                    if first == "'":
                        raw = cell_text(raw)
                try:
                    values[name] = parse_cell(raw)
                except CellError as problem:
                    self.error(row, name, str(problem))
            rows.append(row)
        return rows

    # -- references ------------------------------------------------------------

    def resolve_references(self, rows: list[Row]) -> None:
        for column, (reference, attname) in self.ref_columns.items():
            if column not in self.present:
                continue
            keys = {row.values[column] for row in rows if row.values.get(column)}
            found = self.resolve_reference(column, reference, keys, rows)
            required = column in self.required_values
            for row in rows:
                key = row.values.get(column, _MISSING)
                if key is _MISSING:
                    continue
                if not key:
                    if required:
                        self.error(row, column, f"This cannot be blank: give the {reference.label}'s slug.")
                    else:
                        row.refs[attname] = None
                    continue
                pk = found.get(key)
                if pk is None:
                    self.error(row, column, self.unknown_reference_message(reference, key))
                else:
                    row.refs[attname] = pk
        for column, field_name in self.m2m_columns.items():
            if column not in self.present:
                continue
            target = self.model._meta.get_field(field_name).related_model
            lookup = dict(target.objects.values_list("slug", "pk"))
            for row in rows:
                slugs = row.values.get(column)
                if slugs is None:
                    continue
                unknown = [slug for slug in slugs if slug not in lookup]
                if unknown:
                    plural = target._meta.verbose_name_plural
                    known = ", ".join(sorted(lookup)[:30]) if lookup else f"none yet: add {plural} in the admin first"
                    self.error(row, column, f"Unknown {plural}: {', '.join(unknown)}. Known {plural}: {known}.")
                else:
                    row.refs[field_name] = frozenset(lookup[slug] for slug in slugs)

    def resolve_reference(self, column, reference, keys, rows) -> dict:
        return reference.resolve(keys)

    def unknown_reference_message(self, reference: Reference, key: str) -> str:
        if isinstance(reference, OrganisationReference):
            return f"No organisation has the slug or identifier “{key}”. Import the organisation first."
        return f"No {reference.label} has the slug “{key}”."

    # -- checks ------------------------------------------------------------------

    def check_rows(self, rows: list[Row]) -> None:
        for row in rows:
            for column in self.required_values:
                if column in self.present and column not in self.ref_columns and not row.values.get(column, "x"):
                    self.error(row, column, "This cannot be blank.")
            start, end = self.dates(row)
            if start and end and end < start:
                self.error(row, self.end_column, f"The end date {end.isoformat()} is before the start date {start}.")

    start_column = "start_date"
    end_column = "end_date"

    def dates(self, row: Row):
        return row.values.get(self.start_column), row.values.get(self.end_column)

    def key_of(self, row: Row) -> tuple:
        return tuple(row.refs.get(attname, row.values.get(attname)) for attname in self.key)

    def describe_key(self, row: Row) -> str:
        return self.record_label(row)

    def check_duplicates_in_file(self, rows: list[Row]) -> None:
        seen: dict[tuple, int] = {}
        for row in rows:
            if row.errors:
                continue
            key = self.key_of(row)
            if key in seen:
                self.error(
                    row,
                    "",
                    f"This row is for the same {self.model._meta.verbose_name} as row {seen[key]} "
                    f"({self.describe_key(row)}). Each record may appear only once in a file.",
                )
            else:
                seen[key] = row.number

    def check_against_database(self, rows: list[Row]) -> None:
        """Hook for checks that need the matched records (overlaps, duplicates)."""

    # -- matching -------------------------------------------------------------

    def tracked_attnames(self) -> list[str]:
        skip = {"search_names", "search_vector"}
        return [f.attname for f in self.model._meta.concrete_fields if f.attname not in skip]

    def existing_queryset(self):
        return self.model._default_manager.all()

    def match_existing(self, rows: list[Row]) -> None:
        """Find each row's record by its natural key: one query per batch on the key's first part."""
        first = self.key[0]
        wanted = sorted({self.key_of(row)[0] for row in rows if self.key_of(row)[0] is not None})
        found: dict[tuple, dict] = {}
        attnames = self.tracked_attnames()
        for queryset in fastdb.where_in(self.existing_queryset(), first, wanted):
            for record in self.existing_values(queryset, attnames):
                self.normalise_existing(record)
                found[tuple(record[a] for a in self.key)] = record
        self.remember_existing(found)
        for row in rows:
            record = found.get(self.key_of(row))
            if record is not None:
                row.existing = record
                row.pk = record["id"]
        self.load_related([row for row in rows if row.existing is not None])

    def normalise_existing(self, record: dict) -> None:
        """Database values in the form the parsers give: telephone numbers as stored E.164 text."""
        for attname in self.phone_fields:
            record[attname] = record.pop(f"{attname}_as_text") or ""

    def existing_values(self, queryset, attnames: list[str]):
        """values() of these attnames; telephone numbers come as text, not parsed into PhoneNumber objects."""
        plain = [a for a in attnames if a not in self.phone_fields]
        as_text = {f"{a}_as_text": ExpressionWrapper(F(a), output_field=CharField()) for a in self.phone_fields}
        return queryset.values(*plain, **as_text)

    phone_fields: tuple[str, ...] = ()

    def remember_existing(self, found: dict[tuple, dict]) -> None:
        """Hook: keep what later checks need of the records this batch read (memberships: their periods)."""

    def load_related(self, rows: list[Row]) -> None:
        """Current many-to-many links and other names of the matched records (added to what earlier batches read)."""
        pks = sorted(row.pk for row in rows)
        for field_name in self.m2m_columns.values():
            through, source, target = self.through(field_name)
            links = self.current_m2m[field_name]
            for queryset in fastdb.where_in(through.objects.all(), source, pks):
                for link_id, owner, other in queryset.values_list("id", source, target):
                    links.setdefault(owner, []).append((link_id, other))
        if self.name_columns:
            names_model = apps.get_model(self.names_model_label)
            attnames = [f.attname for f in names_model._meta.concrete_fields]
            for queryset in fastdb.where_in(names_model.objects.all(), self.names_fk, pks):
                for record in queryset.values(*attnames):
                    self.current_names[record[self.names_fk]][(record["kind"], record["name"])] = record

    def forget_unchanged(self, rows: list[Row]) -> None:
        """Drop what was read about records that will not be written."""
        for row in rows:
            if row.action == "unchanged":
                for links in self.current_m2m.values():
                    links.pop(row.pk, None)
                self.current_names.pop(row.pk, None)

    def unclassify_invalid(self, rows: list[Row]) -> None:
        """Rows found invalid after they were compared no longer count as new, changed or unchanged."""
        dropped = set()
        for row in rows:
            if row.errors and row.action:
                setattr(self.report, row.action, getattr(self.report, row.action) - 1)
                row.action = ""
                dropped.add(row.number)
        if dropped:
            self.report.changes = [change for change in self.report.changes if change.row not in dropped]

    def through(self, field_name: str):
        m2m = self.model._meta.get_field(field_name)
        return (
            m2m.remote_field.through,
            m2m.m2m_column_name(),
            m2m.m2m_reverse_name(),
        )

    def new_values(self, row: Row) -> dict[str, Any]:
        """Model attnames → values this row sets (only for columns in the file)."""
        values = {}
        for column, attname in self.field_columns.items():
            if column in row.values:
                values[attname] = row.values[column]
        for _column, (_reference, attname) in self.ref_columns.items():
            if attname in row.refs:
                values[attname] = row.refs[attname]
        return values

    def classify(self, rows: list[Row]) -> None:
        report = self.report
        for row in rows:
            if row.errors:
                continue
            values = self.new_values(row)
            diff = []
            if row.existing is None:
                row.action = "new"
                report.new += 1
                if len(report.changes) < MAX_CHANGES_SHOWN:
                    report.changes.append(Change(row.number, self.record_label(row), "new", []))
                continue
            for attname, value in values.items():
                old = row.existing[attname]
                if old != value:
                    diff.append((attname, display(old), display(value)))
            diff += self.related_diff(row)
            if diff:
                row.action = "changed"
                row.diff = diff
                report.changed += 1
                if len(report.changes) < MAX_CHANGES_SHOWN:
                    report.changes.append(Change(row.number, self.record_label(row), "changed", diff))
            else:
                row.action = "unchanged"
                report.unchanged += 1
                row.existing = None  # nothing to write: let the record go

    def related_diff(self, row: Row) -> list[tuple[str, str, str]]:
        diff = []
        for column, field_name in self.m2m_columns.items():
            if field_name not in row.refs:
                continue
            current = {other for _, other in self.current_m2m[field_name].get(row.pk, [])}
            if current != row.refs[field_name]:
                diff.append((column, self.slugs(field_name, current), display(row.values[column])))
        names = self.current_names.get(row.pk, {}) if self.name_columns else {}
        for column, kind in self.name_columns.items():
            if column not in row.values:
                continue
            current = sorted(name for (k, name) in names if k == kind)
            if current != sorted(row.values[column]):
                diff.append((column, join_list(current), join_list(sorted(row.values[column]))))
        return diff

    def slugs(self, field_name: str, ids) -> str:
        target = self.model._meta.get_field(field_name).related_model
        if not hasattr(self, "_slug_cache"):
            self._slug_cache = {}
        if field_name not in self._slug_cache:
            self._slug_cache[field_name] = dict(target.objects.values_list("pk", "slug"))
        lookup = self._slug_cache[field_name]
        return join_list(sorted(lookup.get(i, str(i)) for i in ids))

    # -- writing ------------------------------------------------------------------

    def history_fields(self, model) -> list[str]:
        history = model.history.model
        return [f.attname for f in history._meta.concrete_fields if f.attname != history._meta.pk.attname]

    def write_history(self, model, records: list[dict], history_type: str) -> list[int]:
        """One history row per record dict (all tracked attnames), naming the user and the file."""
        if not records:
            return []
        history = model.history.model
        attnames = self.history_fields(model)
        history_ids = self.ids.reserve(history, len(records))
        user_id = self.user.pk if self.user is not None and self.user.pk else None
        extra = {
            "history_date": self.now_cell,
            "history_change_reason": self.change_reason,
            "history_type": history_type,
            "history_user_id": user_id,
        }
        fastdb.insert(
            history,
            [history._meta.pk.attname, *attnames],
            (
                (history_id, *[extra[a] if a in extra else record.get(a) for a in attnames])
                for history_id, record in zip(history_ids, records, strict=True)
            ),
        )
        return history_ids

    # Model columns that are not tracked by history but are written with each record (organisations: search_names).
    extra_attnames: tuple[str, ...] = ()

    def prepare_record(self, row: Row, record: dict) -> None:
        """Hook: add values for extra_attnames to a new or changed record before it is written."""

    def write(self, rows: list[Row]) -> None:
        new_rows = [row for row in rows if row.action == "new"]
        changed_rows = [row for row in rows if row.action == "changed"]
        clock = _Clock(self.report.timings)
        attnames = self.tracked_attnames()
        defaults = self.defaults()
        # New records: explicit ids, every tracked field.
        needing_ids = [row for row in new_rows if row.pk is None]
        for row, pk in zip(needing_ids, self.ids.reserve(self.model, len(needing_ids)), strict=True):
            row.pk = pk
        columns = [*attnames, *self.extra_attnames]
        # A batch at a time, so that only one batch of whole records is in memory.
        new_history = []
        for start in range(0, len(new_rows), WRITE_BATCH):
            records = []
            for row in new_rows[start : start + WRITE_BATCH]:
                record = {**defaults, **self.new_values(row), "id": row.pk, "created_at": self.now_cell}
                record["updated_at"] = self.now_cell
                self.prepare_record(row, record)
                records.append(record)
            self.insert_new(columns, records)
            new_history += self.write_history(self.model, records, "+")
        # Changed records: only the columns in the file (and updated_at) are written.
        written = sorted(
            {a for row in changed_rows for a in self.new_values(row)} | {"updated_at", *self.extra_attnames}
        )
        changed_history = []
        for start in range(0, len(changed_rows), WRITE_BATCH):
            records = []
            for row in changed_rows[start : start + WRITE_BATCH]:
                record = {**row.existing, **self.new_values(row), "updated_at": self.now_cell}
                self.prepare_record(row, record)
                records.append(record)
            fastdb.update(self.model, written, [(r["id"], *[r[a] for a in written]) for r in records])
            changed_history += self.write_history(self.model, records, "~")
        clock("write records and history")
        self.write_m2m(new_rows, new_history, changed_rows, changed_history)
        clock("write links")
        self.write_names(new_rows + changed_rows)
        clock("write names")
        self.after_write(new_rows, changed_rows)

    def insert_new(self, columns: list[str], records: list[dict]) -> None:
        """Hook: insert a batch of new records (organisations compute their search vector in the insert)."""
        fastdb.insert(self.model, columns, ([r.get(a) for a in columns] for r in records))

    def defaults(self) -> dict[str, Any]:
        """Values for new records when a column is not in the file: what each column reads a blank cell as."""
        values = {}
        for column in self.columns:
            if column.name in self.field_columns:
                try:
                    values[self.field_columns[column.name]] = column.parse("")
                except CellError:
                    values[self.field_columns[column.name]] = None
        for _column, (_reference, attname) in self.ref_columns.items():
            values.setdefault(attname, None)
        return values

    def write_m2m(self, new_rows, new_history, changed_rows, changed_history) -> None:
        for field_name in self.m2m_columns.values():
            through, source, target = self.through(field_name)
            history_model = apps.get_model(self.model._meta.app_label, f"Historical{self.model.__name__}_{field_name}")
            current = self.current_m2m.get(field_name, {})
            remove, plan, count = [], [], 0
            for row in new_rows + changed_rows:
                links = current.get(row.pk, []) if row.action == "changed" else []
                wanted = row.refs.get(field_name)
                if wanted is None or {other for _, other in links} == wanted:
                    plan.append((row.pk, links, ()))
                    continue
                keep = [(link_id, other) for link_id, other in links if other in wanted]
                remove += [link_id for link_id, other in links if other not in wanted]
                missing = sorted(wanted - {other for _, other in keep})
                plan.append((row.pk, keep, missing))
                count += len(missing)
            fastdb.delete(through, remove)
            new_ids = iter(self.ids.reserve(through, count))
            final: dict[int, list[tuple[int, int]]] = {}
            added = []
            for pk, keep, missing in plan:
                fresh = [(next(new_ids), other) for other in missing]
                final[pk] = keep + fresh if fresh else keep
                added += [(link_id, pk, other) for link_id, other in fresh]
            del plan
            fastdb.insert(through, ["id", source, target], added)
            del added
            # The history of a many-to-many field is a snapshot of every link at each history row.
            pairs = [*zip(new_rows, new_history, strict=True), *zip(changed_rows, changed_history, strict=True)]
            size = sum(len(final[row.pk]) for row, _ in pairs)
            history_ids = iter(self.ids.reserve(history_model, size))
            fastdb.insert(
                history_model,
                [history_model._meta.pk.attname, "id", source, target, "history_id"],
                (
                    (next(history_ids), link_id, row.pk, other, history_id)
                    for row, history_id in pairs
                    for link_id, other in final[row.pk]
                ),
            )

    def write_names(self, rows: list[Row]) -> None:
        if not self.name_columns:
            return
        names_model = apps.get_model(self.names_model_label)
        attnames = [f.attname for f in names_model._meta.concrete_fields]
        created, deleted = [], []
        for row in rows:
            current = self.current_names.get(row.pk, {}) if row.action == "changed" else {}
            for column, kind in self.name_columns.items():
                if column not in row.values:
                    continue
                wanted = set(row.values[column])
                for (k, name), record in current.items():
                    if k == kind and name not in wanted:
                        deleted.append(record)
                for name in row.values[column]:
                    if (kind, name) not in current:
                        created.append(
                            {
                                self.names_fk: row.pk,
                                "name": name,
                                "kind": kind,
                                "note": "",
                                "start_date": None,
                                "end_date": None,
                                "created_at": self.now_cell,
                                "updated_at": self.now_cell,
                            }
                        )
        for record, pk in zip(created, self.ids.reserve(names_model, len(created)), strict=True):
            record["id"] = pk
        fastdb.insert(names_model, attnames, ([r.get(a) for a in attnames] for r in created))
        fastdb.delete(names_model, [r["id"] for r in deleted])
        self.write_history(names_model, created, "+")
        self.write_history(names_model, deleted, "-")

    def after_write(self, new_rows: list[Row], changed_rows: list[Row]) -> None:
        """Hook: kinds with side tables or indexes bring them up to date here."""
