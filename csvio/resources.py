"""django-import-export resources for every kind of record, doing their work through the set-based engine.

Each class here is a real django-import-export ``ModelResource``: its fields
are the kind's import columns (declared once, in csvio/kinds/), its
``import_id_fields`` are the natural key (slugs, never database ids), and it
answers the import-export calls — ``import_data(dataset, dry_run=…)`` with a
``Result``, ``export(queryset)`` with a ``tablib.Dataset`` — so code and tools
written for django-import-export can use it unchanged.

Where the library's defaults fall short, the work is done differently
(measured in docs/benchmarks.md: the default resource loads about 37
organisations a second into this schema, ours thousands):

- ``import_data`` hands the whole dataset to the engine (engine.py): every row
  checked before any is written, all or nothing whatever
  ``rollback_on_validation_errors`` says, natural keys resolved in bulk, likely
  duplicates refused, history naming the user and the file (pass ``user=`` and
  ``file_name=``). The report comes back as a ``Result``: totals, a
  ``ValidationError`` per invalid row keyed by column, and file-level problems
  (a missing column, an empty file) as base errors;
- ``export`` reads in keyset batches through exports.py, joins lists with “;”
  and escapes every cell a spreadsheet could run as a formula.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export import fields, resources
from import_export.results import Error, Result, RowResult

from csvio.safety import escape_cell, plain_cell

from .exports import export_rows
from .kinds import IMPORTERS
from .services import csv_import


def _cell(value) -> str:
    """A dataset value as the text a CSV file would hold (datasets loaded from spreadsheets carry dates).

    Not escaped: a formula in an imported cell must reach the engine as it is, to be refused there.
    """
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        value = value.date()
    return plain_cell(value)


def dataset_as_csv(dataset: tablib.Dataset) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(dataset.headers or [])
    writer.writerows([_cell(value) for value in row] for row in dataset)
    return buffer.getvalue().encode("utf-8")


class EngineResource(resources.ModelResource):
    """The import-export face of one kind's importer; subclasses are made by ``resource_for``.

    (``record_kind``, not ``kind``: “kind” is a column of consortia and outputs, and columns are fields here.)
    """

    record_kind = ""

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        report = csv_import(
            self.record_kind,
            dataset_as_csv(dataset),
            user=kwargs.get("user"),
            filename=kwargs.get("file_name", ""),
            dry_run=dry_run,
            allow_duplicate_names=kwargs.get("allow_duplicate_names", False),
        )
        if raise_errors and report.file_errors:
            raise ValueError(report.summary())
        return self.result_from_report(report, dataset, collect_failed_rows)

    def result_from_report(self, report, dataset, collect_failed_rows=False) -> Result:
        result = self.get_result_class()()
        headers = list(dataset.headers or [])
        result.diff_headers = headers
        result.total_rows = report.total
        result.totals[RowResult.IMPORT_TYPE_NEW] = report.new
        result.totals[RowResult.IMPORT_TYPE_UPDATE] = report.changed
        result.totals[RowResult.IMPORT_TYPE_SKIP] = report.unchanged
        result.totals[RowResult.IMPORT_TYPE_INVALID] = report.invalid
        for problem in report.file_errors:
            result.append_base_error(Error(ValueError(problem.message)))
        messages: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for problem in report.errors:
            if problem.row is not None and not problem.file:
                messages[problem.row][problem.column or NON_FIELD_ERRORS].append(problem.message)
        if collect_failed_rows:
            result.add_dataset_headers(headers)
        for number, by_column in sorted(messages.items()):
            # Row numbers are the spreadsheet's: the heading is row 1, the dataset's first row is row 2.
            index = number - 2
            cells = dataset[index] if 0 <= index < len(dataset) else ()
            values = {header: cells[i] if i < len(cells) else "" for i, header in enumerate(headers)}
            error = ValidationError({column: list(texts) for column, texts in by_column.items()})
            result.append_invalid_row(number, values, error)
            if collect_failed_rows:
                result.append_failed_row(values, error)
        for change in report.changes:
            row = RowResult()
            row.import_type = RowResult.IMPORT_TYPE_NEW if change.action == "new" else RowResult.IMPORT_TYPE_UPDATE
            row.object_repr = change.record
            row.row_values = {column: new for column, _old, new in change.fields}
            row.diff = [f"{column}: {old} → {new}" for column, old, new in change.fields]
            result.append_row_result(row)
        return result

    def export(self, queryset=None, **kwargs):
        header, rows = export_rows(self.record_kind, queryset)
        return tablib.Dataset(*([escape_cell(value) for value in row] for row in rows), headers=header)


def resource_for(kind: str) -> type[EngineResource]:
    """A ModelResource for a kind: one field per import column, keyed by the columns of its natural key."""
    importer = IMPORTERS[kind]
    attname_of = dict(importer.field_columns)
    attname_of.update({column: attname for column, (_reference, attname) in importer.ref_columns.items()})
    columns = [column.name for column in importer.columns]
    key = [column for column in columns if attname_of.get(column) in importer.key]
    meta = type("Meta", (), {"model": importer.model, "fields": columns, "import_id_fields": key})
    declared = {
        column.name: fields.Field(attribute=column.name, column_name=column.name, readonly=False)
        for column in importer.columns
    }
    name = f"{importer.model.__name__}Resource"
    return type(name, (EngineResource,), {"__module__": __name__, "record_kind": kind, "Meta": meta, **declared})


RESOURCES = {kind: resource_for(kind) for kind in IMPORTERS}
OrganisationResource = RESOURCES["organisations"]
ContactResource = RESOURCES["contacts"]
ConsortiumResource = RESOURCES["consortia"]
MembershipResource = RESOURCES["memberships"]
JointOutputResource = RESOURCES["outputs"]
OutputContributorResource = RESOURCES["contributors"]
RelationshipResource = RESOURCES["relationships"]
