"""What an import found and did: the report every stage adds to and every caller reads."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class RowError:
    row: int | None  # spreadsheet row number (the header is row 1); None for the whole file
    column: str
    message: str
    file: bool = False  # the whole file is refused (a row, if any, says where reading it stopped)


@dataclass
class Change:
    row: int
    record: str
    action: str  # "new" or "changed"
    fields: list[tuple[str, str, str]]  # (column, old, new); for a new record, every value the row gives
    # What a coordinator should look at before confirming: a record about to be shown to, or hidden from,
    # visitors who are not logged in.
    attention: list[str] = field(default_factory=list)


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
    delimiter: str = ","
    original_header: list[str] = field(default_factory=list)  # the heading row as the file has it
    refused_cells: dict[int, list[str]] = field(default_factory=dict)  # each refused row's cells, as in the file
    # Every change that needs a coordinator's attention before they confirm (a record about to be shown to,
    # or hidden from, visitors), however many changes there are: ``changes`` keeps only the first 500.
    attention: list[Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def invalid(self) -> int:
        return len({error.row for error in self.errors if error.row is not None and not error.file})

    @property
    def file_errors(self) -> list[RowError]:
        return [error for error in self.errors if error.row is None or error.file]

    def error_csv(self) -> Iterator[str]:
        """The errors as CSV lines: row, column, message (spreadsheet-safe)."""
        from csvio.safety import stream_csv

        return stream_csv(["row", "column", "message"], ([e.row or "", e.column, e.message] for e in self.errors))

    def problem_rows(self) -> Iterator[list]:
        """The problems download, header first: row, problems, then the refused row's cells as in the file.

        One line per refused row, its messages together (“column: message”,
        one per line) beside its original cells under the file's own headings,
        so a coordinator can correct the file from this download alone.
        Problems with the whole file come first, without cells.
        """
        yield ["row", "problems", *self.original_header]
        by_row: dict[int | None, list[RowError]] = {}
        for error in self.errors:
            by_row.setdefault(None if error.file else error.row, []).append(error)
        for error in by_row.pop(None, []):
            where = f"Row {error.row}, column “{error.column}”: " if error.row and error.column else ""
            where = where or (f"Row {error.row}: " if error.row else "")
            yield ["", where + error.message]
        for number in sorted(by_row):
            messages = "\n".join(f"{e.column}: {e.message}" if e.column else e.message for e in by_row[number])
            yield [number, messages, *self.refused_cells.get(number, [])]

    def problems_csv(self) -> Iterator[str]:
        """``problem_rows`` as CSV lines, spreadsheet-safe, with a byte-order mark for Excel (docs/csv.md)."""
        from csvio.safety import stream_csv

        rows = self.problem_rows()
        return stream_csv(next(rows), rows, bom=True)

    def summary(self) -> str:
        file_errors = self.file_errors
        if file_errors:
            where = file_errors[0]
            if where.row is not None:
                place = f"row {where.row}" + (f", column “{where.column}”" if where.column else "")
                return f"The file was refused at {place}: " + " ".join(e.message for e in file_errors)
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
        if self.delimiter != ",":
            from csvio.stages.read import DELIMITER_NAMES

            lines.append(f"The file's columns are separated by {DELIMITER_NAMES.get(self.delimiter, self.delimiter)}.")
        for error in self.errors:
            if error.file and error.row is None:
                where = "File"
            elif error.file:
                where = f"File, at row {error.row}"
            else:
                where = f"Row {error.row}"
            column = f", column “{error.column}”" if error.column else ""
            lines.append(f"  {where}{column}: {error.message}")
        if not self.errors:
            for change in self.attention:
                lines.append(f"  Needs attention, row {change.row}: {change.record}: {' '.join(change.attention)}")
            for change in self.changes[:max_changes]:
                detail = "; ".join(
                    f"{name}: “{old}” → “{new}”" if change.action == "changed" else f"{name}: “{new}”"
                    for name, old, new in change.fields
                )
                lines.append(
                    f"  Row {change.row}: {change.action} {change.record}" + (f" ({detail})" if detail else "")
                )
            hidden = self.new + self.changed - min(len(self.changes), max_changes)
            if hidden > 0:
                lines.append(f"  … and {hidden:,} more new or changed rows.")
        return "\n".join(lines)


class Clock:
    """Seconds spent in each phase, written into the report's timings as each phase ends."""

    def __init__(self, timings: dict):
        self.timings = timings
        self.last = time.perf_counter()

    def __call__(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = now - self.last
        self.last = now
