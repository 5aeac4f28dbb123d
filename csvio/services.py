"""The two services every caller uses: the admin, the commands, the tests and the benchmarks."""

from __future__ import annotations

from .exports import csv_export, export_rows
from .kinds import IMPORTERS, kind_name
from .report import ImportReport

__all__ = ["ImportReport", "csv_export", "csv_import", "export_rows"]


def csv_import(
    kind: str,
    source,
    *,
    user=None,
    filename: str = "",
    dry_run: bool = False,
    allow_duplicate_names: bool = False,
) -> ImportReport:
    """Check a CSV file of one kind of record and, if every row is valid and this is not a dry run, write it all.

    source: a path, bytes, or an open binary file. Nothing is written if any row
    is invalid; the report lists every problem by row and column. History rows
    name the user and the file.
    """
    importer = IMPORTERS[kind_name(kind)](user=user, filename=filename, allow_duplicate_names=allow_duplicate_names)
    return importer.run(source, dry_run=dry_run)
