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


class Clock:
    """Seconds spent in each phase, written into the report's timings as each phase ends."""

    def __init__(self, timings: dict):
        self.timings = timings
        self.last = time.perf_counter()

    def __call__(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = now - self.last
        self.last = now
