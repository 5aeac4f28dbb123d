"""Stage 2, parse: the heading row mapped to the kind's columns, and every cell turned into a value.

Each column's parser (``csvio.cells``) reads one cell or raises ``CellError``;
a problem is recorded against its row and column and parsing goes on, so the
report lists every problem in the file at once. Nothing here reads the
database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from csvio.cells import CellError
from csvio.safety import RISKY_FIRST_CHARACTERS

from .read import CsvFile, FileRefused, cell_text, is_formula


@dataclass
class Column:
    name: str
    parse: Callable[[str], Any]
    required: bool = False  # the column must be in the file
    help: str = ""
    example: str = ""


class Row:
    """One row of the file as it moves through the stages: parsed values, resolved keys, its record, its fate."""

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


class ParseStage:
    """The parse stage of ``csvio.engine.Importer``."""

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
