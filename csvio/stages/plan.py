"""Stage 3, plan: what the file asks for, checked within the file before any record is matched.

Natural keys (slugs, org-id identifiers) are resolved to ids with one query
per batch; each row is checked by the model layer's rules for a single record
(``directory.models.base.ends_before_start``); and no record may appear twice
in one file. Rules that need the recorded data as well (overlapping periods,
a consortium inside itself) run in the match stage.
"""

from __future__ import annotations

from collections import defaultdict

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from csvio import fastdb
from csvio.cells import ValueLookup, canonical_org_id, quoted
from directory.models.base import ends_before_start

from .parse import Row

_MISSING = object()


class Reference:
    """How a column points at another record: by its slug, in any case and spacing, or by its name.

    Every reference column finds its records through a ``ValueLookup`` over
    the whole (small) table: “Supports”, “supports” and “SUPPORTS” are the same
    relationship type. Names count only where ``by_name`` says they are what
    people see and call the record.
    """

    key_description = "slug"

    def __init__(self, label: str, model_label: str, lookup: str = "slug", by_name: str = ""):
        self.label = label
        self.model_label = model_label
        self.lookup = lookup
        self.by_name = by_name
        self._table = None

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def table(self) -> ValueLookup:
        """Every record of the target table, by slug (and name); read once per import."""
        if self._table is None:
            fields = ["pk", self.lookup, *([self.by_name] if self.by_name else [])]
            self._table = ValueLookup(self.label, self.model.objects.order_by().values_list(*fields))
        return self._table

    def fresh(self) -> Reference:
        """A copy for one import (the table is read once per import, not once per process)."""
        return type(self)(self.label, self.model_label, self.lookup, self.by_name)

    def resolve(self, keys: set[str]) -> dict[str, int]:
        found = {}
        keys = sorted(keys)
        for queryset in fastdb.where_in(self.model.objects.all(), self.lookup, keys):
            found.update(queryset.values_list(self.lookup, "pk"))
        missing = [key for key in keys if key not in found]
        if missing:
            table = self.table()
            for key in missing:
                pk = table.get(key)
                if pk is not None:
                    found[key] = pk
        return found

    def unknown_message(self, key: str) -> str:
        return self.table().unknown([key])


class OrganisationReference(Reference):
    """An organisation by slug (any case) or by any of its identifiers (GB-CHC-1234567, “gb chc 1234567”).

    Organisations are too many to read whole, and their names are not unique:
    only slugs and identifiers find one.
    """

    key_description = "slug or identifier"

    def __init__(self, *args):
        super().__init__("organisation", "directory.Organisation")

    def resolve(self, keys: set[str]) -> dict[str, int]:
        from directory.identifiers import split_org_id
        from directory.models import Organisation, OrganisationIdentifier

        slugs, org_ids = set(), {}
        for key in keys:
            if looks_like_org_id(key):
                try:
                    org_ids[key] = split_org_id(canonical_org_id(key))
                except ValidationError:
                    continue
            else:
                slugs.add(key)
        found = {}
        for queryset in fastdb.where_in(Organisation.objects.all(), "slug", sorted(slugs)):
            found.update(queryset.values_list("slug", "pk"))
        # The same slug in another case (“Nacro” for nacro), where only one organisation has it.
        lowered: dict[str, list[str]] = defaultdict(list)
        for key in slugs - set(found):
            lowered[key.lower()].append(key)
        if lowered:
            matches: dict[str, set] = defaultdict(set)
            wanted = sorted(lowered)
            annotated = Organisation.objects.annotate(slug_lower=Lower("slug"))
            for start in range(0, len(wanted), fastdb.SQLITE_CHUNK):
                chunk = wanted[start : start + fastdb.SQLITE_CHUNK]
                for lower, pk in annotated.filter(slug_lower__in=chunk).values_list("slug_lower", "pk"):
                    matches[lower].add(pk)
            for lower, pks in matches.items():
                if len(pks) == 1:
                    for key in lowered[lower]:
                        found[key] = next(iter(pks))
        by_value = defaultdict(list)
        for key, (scheme, value) in org_ids.items():
            by_value[value].append((key, scheme))
        values = sorted(by_value)
        for queryset in fastdb.where_in(OrganisationIdentifier.objects.all(), "value", values):
            for scheme, value, pk in queryset.values_list("scheme", "value", "organisation_id"):
                for key, wanted_scheme in by_value[value]:
                    if wanted_scheme == scheme:
                        found[key] = pk
        return found

    def unknown_message(self, key: str) -> str:
        return (
            f"{quoted(key)} is not a known organisation: give the slug or an identifier (such as GB-CHC-1234567) "
            "of an organisation already recorded, or import the organisation first."
        )


def looks_like_org_id(text: str) -> bool:
    from directory.identifiers import SCHEMES

    upper = canonical_org_id(text).upper()
    return any(upper.startswith(code + "-") for code in SCHEMES)


class PlanStage:
    """The plan stage of ``csvio.engine.Importer``."""

    start_column = "start_date"
    end_column = "end_date"

    # -- references ------------------------------------------------------------

    def resolve_references(self, rows: list[Row]) -> None:
        for column, (reference, attname) in self.ref_columns.items():
            if column not in self.present:
                continue
            reference = self.references.setdefault(column, reference.fresh())
            keys = {row.values[column] for row in rows if row.values.get(column)}
            found = self.resolve_reference(column, reference, keys, rows)
            for row in rows:
                key = row.values.get(column, _MISSING)
                if key is _MISSING or not key:
                    continue  # a blank cell: the record keeps what it has (docs/csv.md, “Blank cells”)
                pk = found.get(key)
                if pk is None:
                    self.error(row, column, self.unknown_reference_message(reference, key))
                else:
                    row.refs[attname] = pk
        for column, field_name in self.m2m_columns.items():
            if column not in self.present:
                continue
            target = self.model._meta.get_field(field_name).related_model
            lookup = ValueLookup(
                str(target._meta.verbose_name), target.objects.order_by().values_list("pk", "slug", "name")
            )
            for row in rows:
                items = row.values.get(column)
                if items is None:
                    continue
                unknown = [item for item in items if item not in lookup]
                if unknown:
                    self.error(row, column, lookup.unknown(unknown))
                else:
                    row.refs[field_name] = frozenset(lookup.get(item) for item in items)

    def resolve_reference(self, column, reference, keys, rows) -> dict:
        return reference.resolve(keys)

    def unknown_reference_message(self, reference: Reference, key: str) -> str:
        return reference.unknown_message(key)

    # -- checks ------------------------------------------------------------------

    def check_rows(self, rows: list[Row]) -> None:
        for row in rows:
            for column in self.required_values:
                if column in self.present and column not in self.ref_columns and not row.values.get(column, "x"):
                    self.error(row, column, "This cannot be blank.")
            start, end = self.dates(row)
            if ends_before_start(start, end):
                self.error(row, self.end_column, self.end_before_start_message(start, end))

    def end_before_start_message(self, start, end) -> str:
        return f"The end date {end.isoformat()} is before the start date {start}."

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
