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

from csvio import fastdb
from directory.models.base import ends_before_start

from .parse import Row

_MISSING = object()


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


class PlanStage:
    """The plan stage of ``csvio.engine.Importer``."""

    start_column = "start_date"
    end_column = "end_date"

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
