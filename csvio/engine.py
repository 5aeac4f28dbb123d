"""The import engine: read, parse, plan, match, then write everything or nothing.

``Importer`` is one kind of record's import. Its stages are in
``csvio/stages/`` (read, parse, plan, match, write), each a module of its own;
this class puts them together and runs them in order. Each kind of record is
an ``Importer`` subclass in ``csvio/kinds/`` that declares its columns and
adds its own checks.
"""

from __future__ import annotations

import time
import zlib
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from search.facets import new_generation

from . import fastdb
from .report import Change, Clock, ImportReport, RowError
from .stages.match import MatchStage
from .stages.parse import Column, ParseStage, Row
from .stages.plan import OrganisationReference, PlanStage, Reference
from .stages.read import FileRefused, bad_byte, parse, read_bytes
from .stages.write import WriteStage

__all__ = [
    "Change",
    "Column",
    "ImportReport",
    "Importer",
    "OrganisationReference",
    "Reference",
    "Row",
    "RowError",
]

# PostgreSQL error codes that mean “someone else was changing the same rows at the same moment”.
_BUSY_CODES = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available


class ImportBusy(Exception):
    """Another import of the same kind is being written."""


class Importer(ParseStage, PlanStage, MatchStage, WriteStage):
    """One kind of record. Subclasses declare columns and mappings; see csvio/kinds/."""

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
        self.references: dict[str, Reference] = {}  # each reference column's lookup, for this import
        self.positions: dict[str, int] = {}

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
        """Check the file and, unless it has problems or this is a dry run, write it; always return the report.

        Nothing that goes wrong in the database reaches the caller as a
        traceback: another import of the same kind writing at the same moment,
        a change saved meanwhile that conflicts with the file, or a connection
        lost halfway are each explained in the report, and in each case the
        transaction is rolled back, so nothing was written.
        """
        self.report.dry_run = dry_run
        try:
            if dry_run or connection.vendor != "postgresql":
                # SQLite takes one writer at a time itself (the write's transaction); a check takes no lock.
                self.check_and_write(source, dry_run=dry_run)
            else:
                # One import of a kind at a time, checked and written in one transaction: the second of two
                # overlapping files is checked against what the first wrote, or told to wait for it.
                with transaction.atomic():
                    self.lock()
                    self.check_and_write(source, dry_run=dry_run)
        except ImportBusy as busy:
            self.report.errors.append(RowError(None, "", str(busy), file=True))
        except (DatabaseError, InterfaceError) as error:
            self.report.written = False
            self.report.errors.append(RowError(None, "", self.database_problem(error), file=True))
        self.finish(source)
        return self.report

    def lock(self) -> None:
        """PostgreSQL: this kind's advisory lock for the rest of the transaction, or ImportBusy after a short wait."""
        key = zlib.crc32(f"csvio import {self.kind}".encode()) & 0x7FFFFFFF
        wait = float(getattr(settings, "CSV_IMPORT_LOCK_WAIT_SECONDS", 10))
        deadline = time.monotonic() + wait
        with connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [0x43535649, key])
                if cursor.fetchone()[0]:
                    return
                if time.monotonic() >= deadline:
                    raise ImportBusy(
                        f"Another import of {self.kind} was being written at the same moment, so nothing was "
                        "written from this file. Check the file again when that import has finished: some of "
                        "its rows may be recorded by then."
                    )
                time.sleep(0.2)

    def database_problem(self, error: Exception) -> str:
        """What went wrong in the database, for a coordinator; the transaction has been rolled back."""
        code = getattr(getattr(error, "__cause__", None), "pgcode", None)
        if code in _BUSY_CODES or "database is locked" in str(error) or "database table is locked" in str(error):
            return (
                "Another import or change was being written to the same records at the same moment, so this "
                "import was stopped and nothing was written. Check the file again: some of its rows may be "
                "recorded by now."
            )
        if isinstance(error, InterfaceError) or self.connection_lost(error, code):
            return (
                "The connection to the database was lost during the import, so nothing was written. "
                "Try again in a moment."
            )
        if isinstance(error, IntegrityError):
            return (
                "The database refused the import, so nothing was written. Another change may have been saved "
                f"at the same moment; check the file again. ({str(error).strip()})"
            )
        return f"The database stopped the import, so nothing was written. ({str(error).strip()})"

    @staticmethod
    def connection_lost(error: Exception, code: str | None) -> bool:
        """A failure of the connection itself, not a statement the server refused.

        On PostgreSQL the server names what it refuses with an error code; a
        connection that broke has none (“server closed the connection
        unexpectedly”), or a code of class 08 (connection exception) or 57P
        (the server shut it down, e.g. pg_terminate_backend). Django may have
        connected afresh by now, so the connection's state cannot tell.
        """
        if not isinstance(error, OperationalError):
            return False
        if connection.vendor != "postgresql":
            return connection.connection is None
        return code is None or code.startswith(("08", "57P"))

    def check_and_write(self, source, *, dry_run: bool) -> None:
        clock = Clock(self.report.timings)
        try:
            # read
            csvfile = parse(read_bytes(source))
            self.report.encoding = csvfile.encoding
            self.report.delimiter = csvfile.delimiter
            self.report.original_header = list(csvfile.raw_header)
            # parse
            positions = self.map_header(csvfile)
            clock("read")
            rows = self.parse_rows(csvfile, positions)
            del csvfile
            clock("parse")
        except FileRefused as refused:
            self.report.errors.append(RowError(refused.row, refused.column, str(refused), file=True))
            return
        self.report.total = len(rows)
        # plan
        self.resolve_references(rows)
        self.check_rows(rows)
        self.check_duplicates_in_file(rows)
        clock("references")
        # match
        self.match_and_compare(rows)
        clock("match")
        self.check_against_database(rows)
        self.unclassify_invalid(rows)
        clock("compare")
        if self.report.errors or dry_run:
            return
        # write
        started = time.perf_counter()
        with transaction.atomic():
            self.write(rows)
            # The write sends no model signals: cached counts and lists start afresh once it commits (issue 10).
            transaction.on_commit(new_generation)
        self.report.timings["write (all)"] = time.perf_counter() - started
        self.report.written = True

    # -- after the run ----------------------------------------------------------

    def finish(self, source) -> None:
        """Problems in the order a coordinator reads the file, and the original cells of each refused row."""
        order = getattr(self, "positions", {})
        self.report.errors.sort(
            key=lambda e: (e.row is not None and not e.file, e.row or 0, order.get(e.column, -1) if e.column else -1)
        )
        refused = {error.row for error in self.report.errors if error.row is not None and not error.file}
        if refused:
            self.report.refused_cells = self.original_cells(source, refused)

    @staticmethod
    def original_cells(source, numbers: set[int]) -> dict[int, list[str]]:
        """The refused rows' cells exactly as the file has them, for the problems download (read again:
        keeping every row's cells through the run would cost memory for the rows that are fine)."""
        found: dict[int, list[str]] = {}
        try:
            csvfile = parse(read_bytes(source))
        except (FileRefused, OSError, ValueError):
            return found
        last = max(numbers)
        try:
            for number, cells, _spans in csvfile.records:
                if number in numbers:
                    if csvfile.bad_bytes and any(bad_byte(cell) for cell in cells):
                        cells = [cell.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for cell in cells]
                    found[number] = cells
                if number >= last:
                    break
        except FileRefused:
            pass
        return found
