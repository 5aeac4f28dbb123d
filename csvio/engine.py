"""The import engine: read, parse, plan, match, then write everything or nothing.

``Importer`` is one kind of record's import. Its stages are in
``csvio/stages/`` (read, parse, plan, match, write), each a module of its own;
this class puts them together and runs them in order. Each kind of record is
an ``Importer`` subclass in ``csvio/kinds/`` that declares its columns and
adds its own checks.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import fastdb
from .report import Change, Clock, ImportReport, RowError
from .stages.match import MatchStage
from .stages.parse import Column, ParseStage, Row
from .stages.plan import OrganisationReference, PlanStage, Reference
from .stages.read import FileRefused, parse, read_bytes
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
        clock = Clock(self.report.timings)
        try:
            # read
            csvfile = parse(read_bytes(source))
            self.report.encoding = csvfile.encoding
            # parse
            positions = self.map_header(csvfile)
            clock("read")
            rows = self.parse_rows(csvfile, positions)
            del csvfile
            clock("parse")
        except FileRefused as refused:
            self.report.errors.append(RowError(None, "", str(refused)))
            return self.report
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
            return self.report
        # write
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
