"""Stage 2, parse: the heading row mapped to the kind's columns, and every cell turned into a value.

Each column's parser (``csvio.cells``) reads one cell or raises ``CellError``;
a problem is recorded against its row and column and parsing goes on, so the
report lists every problem in the file at once. Nothing here reads the
database.

A blank cell gives no value: it is read exactly as if its column were not in
the file (docs/csv.md, “Blank cells”). A record that exists keeps what it
has; a new one takes the model's default. The one exception is a column
whose value may not be blank (a name, a role): there a blank cell is an error.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError

from csvio.cells import CellError, quoted
from csvio.safety import RISKY_FIRST_CHARACTERS, unescape_cell
from directory.validators import reject_control_characters, reject_control_characters_in_text

from .read import CsvFile, FileRefused, bad_byte, is_formula, normalise_header

# More unknown headings than this are summarised, not listed (a file of 10,000 stray columns).
UNKNOWN_HEADINGS_LISTED = 5


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
        self.values: dict[str, Any] = {}  # parsed values by column name; a blank cell has none
        self.refs: dict[str, Any] = {}  # resolved foreign keys by attname
        self.existing: dict | None = None
        self.errors = False
        self.action = ""
        self.pk = None
        self.diff: list[tuple[str, str, str]] = []
        self.extra: dict[str, Any] = {}


def character_problem(value: str, multiline: bool, csvfile: CsvFile) -> str:
    """Why the model layer would refuse a character of this cell (directory/validators.py), or ""."""
    if csvfile.bad_bytes:
        byte = bad_byte(value)
        if byte:
            return (
                f"This cell has a byte ({byte}) that is not UTF-8, in a file that is otherwise UTF-8, so it cannot "
                "be read safely. Retype the character, or save the file again as “CSV UTF-8 (Comma delimited)”."
            )
    if "\ufeff" in value:
        return (
            "This cell contains a byte-order mark (U+FEFF), an invisible character that usually means two files "
            "were joined together. Remove it."
        )
    try:
        if multiline:
            reject_control_characters_in_text(value)
        else:
            reject_control_characters(value)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


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
                raise FileRefused(f"The column {quoted(raw)} appears twice in the heading row.")
            if name not in known:
                unknown.append((name, raw))
                continue
            positions[name] = index
        columns = ", ".join(c.name for c in self.columns)
        missing = [column.name for column in self.columns if column.required and column.name not in positions]
        if missing:
            raise FileRefused(
                f"Required column{'s' if len(missing) > 1 else ''} missing: {', '.join(missing)}. "
                f"The columns for {self.kind} are: {columns}."
                + (f" {self.unknown_headings_message(unknown)}" if unknown else "")
            )
        if unknown:
            raise FileRefused(
                f"{self.unknown_headings_message(unknown)} The columns for {self.kind} are: {columns} "
                "(see docs/csv.md). Remove or rename the column and try again."
            )
        self.present = set(positions)
        self.positions = positions
        return positions

    def unknown_headings_message(self, unknown: list[tuple[str, str]]) -> str:
        if len(unknown) > UNKNOWN_HEADINGS_LISTED:
            examples = ", ".join(quoted(raw, 30) for _, raw in unknown[:UNKNOWN_HEADINGS_LISTED])
            return f"{len(unknown):,} columns are not recognised, for example: {examples} …"
        known = [column.name for column in self.columns]
        described = []
        for name, raw in unknown:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
            described.append(quoted(raw, 30) + (f" (did you mean “{close[0]}”?)" if close else ""))
        return f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(described)}."

    def blank_message(self, column: Column) -> str:
        """The message for a blank cell in a column that may not be blank, or "" if blank is allowed."""
        if column.name in self.required_values:
            reference = self.ref_columns.get(column.name)
            if reference is not None:
                return f"This cannot be blank: give the {reference[0].label}'s {reference[0].key_description}."
            return "This cannot be blank."
        try:
            column.parse("")
        except CellError as problem:
            return str(problem)
        return ""

    def is_multiline(self, name: str) -> bool:
        """Does this column hold a text of several lines (the model field takes line breaks)?"""
        attname = self.field_columns.get(name)
        if attname is None:
            return False
        try:
            field = self.model._meta.get_field(attname)
        except FieldDoesNotExist:
            return False
        return reject_control_characters_in_text in field.validators

    def parse_rows(self, csvfile: CsvFile, positions: dict[str, int]) -> list[Row]:
        plan = [
            (c.name, c.parse, positions[c.name], self.blank_message(c), self.is_multiline(c.name))
            for c in self.columns
            if c.name in positions
        ]
        width = len(csvfile.header)
        named_width = max(positions.values()) + 1
        header = csvfile.header
        first_heading = csvfile.raw_header[0]
        check_characters = csvfile.check_characters
        rows = []
        unnamed = self.unnamed
        for number, cells, spans in csvfile.records:
            row = Row(number)
            rows.append(row)
            count = len(cells)
            if count < named_width:
                self.error(
                    row,
                    "",
                    f"This row has {count} cell{'s' if count != 1 else ''} but there are {named_width} column "
                    f"headings: “{header[count]}” and the columns after it have no cell. A row may have been split "
                    "or shortened; if those cells are meant to be blank, end the row with separators.",
                )
                continue
            if count > width and any(cell.strip() for cell in cells[width:]):
                self.error(row, "", f"This row has {count} cells but there are only {width} column headings.")
            for index in unnamed:
                if index < count and cells[index].strip():
                    self.error(row, "", f"Column {index + 1} has no heading but this row has a value in it.")
            first = cells[0]
            if (first.strip() == first_heading or first[:1] == "\ufeff") and [
                normalise_header(cell) for cell in cells[:width]
            ] == header:
                self.error(
                    row,
                    "",
                    "This row repeats the heading row: two files seem to have been joined together. "
                    "Remove the row (and check the rows after it belong in this file).",
                )
                continue
            values = row.values
            for name, parse_cell, position, blank, multiline in plan:
                raw = cells[position]
                value = raw.strip()
                if not value:
                    if blank:
                        self.error(row, name, blank)
                    continue
                start = value[0]
                if start in RISKY_FIRST_CHARACTERS and is_formula(value):
                    self.error(
                        row,
                        name,
                        f"This cell starts with “{start}” and a spreadsheet would run it as a formula. "
                        "If it really is text, put an apostrophe (') in front of it.",
                    )
                    continue
                if start == "'":
                    value = unescape_cell(raw)
                # A line break can only be in a cell of a row that runs over several lines of the file.
                if check_characters or (spans and not multiline and ("\n" in value or "\r" in value)):
                    problem = character_problem(value, multiline, csvfile)
                    if problem:
                        self.error(row, name, problem)
                        continue
                try:
                    values[name] = parse_cell(value)
                except CellError as problem:
                    self.error(row, name, str(problem))
        return rows
