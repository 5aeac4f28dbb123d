"""Stage 4, match: each row paired with the record it updates, compared with it, and checked against the database.

A batch at a time, rows are matched by natural key (one query per batch on
the key's first part), compared with their records and classified new,
changed or unchanged; the recorded values of unchanged rows are let go at
once. Rules that need recorded data run here over the whole file, through the
model layer's batch functions (docs/architecture.md); ``rows_refused_for_clashes``
turns the pairs they find into the rows to refuse.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db.models import CharField, ExpressionWrapper, F

from csvio import fastdb
from csvio.cells import display, join_list, name_with_dates
from csvio.report import Change
from directory.models.base import ends_before_start

from .parse import Row

MATCH_BATCH = 10_000
MAX_CHANGES_SHOWN = 500


def rows_refused_for_clashes(clashes: Iterable[tuple[Any, Any]]) -> list[tuple[Row, Any]]:
    """Which of the file's rows a batch rule's clashing pairs refuse, each with the one it clashes with.

    ``clashes`` are (item, other) pairs from a model-layer batch check such as
    ``consortia.models.memberships.membership_clashes`` (over
    ``directory.models.base.find_overlaps``, which puts every clashing period in
    at least one pair); an item is a file ``Row`` or, for a record already
    saved, any value that names it. A row clashing with a saved record is
    refused, naming it. Of two clashing rows the later in the file is refused,
    naming the earlier, as a coordinator reads top to bottom, unless it is
    refused already: then the earlier is, so that every clashing row is
    refused or named and one round of corrections finds them all. A clash
    between two saved records is not the file's doing and is left out. Each
    row is returned once, in file order.
    """
    refused: dict[int, tuple[Row, Any]] = {}
    for item, other in clashes:
        item_is_row, other_is_row = isinstance(item, Row), isinstance(other, Row)
        if item_is_row and other_is_row:
            later, earlier = (item, other) if item.number > other.number else (other, item)
            if later.number not in refused:
                refused[later.number] = (later, earlier)
            elif earlier.number not in refused:
                refused[earlier.number] = (earlier, later)
        elif item_is_row or other_is_row:
            row, named = (item, other) if item_is_row else (other, item)
            refused.setdefault(row.number, (row, named))
    return [refused[number] for number in sorted(refused)]


class MatchStage:
    """The match stage of ``csvio.engine.Importer``."""

    phone_fields: tuple[str, ...] = ()

    def match_and_compare(self, rows: list[Row]) -> None:
        # A batch at a time, keeping the recorded values only of rows that will change: memory stays near
        # the size of the parsed file, however many rows are unchanged.
        valid = [row for row in rows if not row.errors]
        for start in range(0, len(valid), MATCH_BATCH):
            batch = valid[start : start + MATCH_BATCH]
            self.match_existing(batch)
            self.classify(batch)
            self.forget_unchanged(batch)

    def tracked_attnames(self) -> list[str]:
        skip = {"search_names", "search_vector"}
        return [f.attname for f in self.model._meta.concrete_fields if f.attname not in skip]

    def existing_queryset(self):
        return self.model._default_manager.all()

    def match_existing(self, rows: list[Row]) -> None:
        """Find each row's record by its natural key: one query per batch on the key's first part."""
        first = self.key[0]
        wanted = sorted({self.key_of(row)[0] for row in rows if self.key_of(row)[0] is not None})
        found: dict[tuple, dict] = {}
        attnames = self.tracked_attnames()
        for queryset in fastdb.where_in(self.existing_queryset(), first, wanted):
            for record in self.existing_values(queryset, attnames):
                self.normalise_existing(record)
                found[tuple(record[a] for a in self.key)] = record
        for row in rows:
            record = found.get(self.key_of(row))
            if record is not None:
                row.existing = record
                row.pk = record["id"]
        self.load_related([row for row in rows if row.existing is not None])

    def normalise_existing(self, record: dict) -> None:
        """Database values in the form the parsers give: telephone numbers as stored E.164 text."""
        for attname in self.phone_fields:
            record[attname] = record.pop(f"{attname}_as_text") or ""

    def existing_values(self, queryset, attnames: list[str]):
        """values() of these attnames; telephone numbers come as text, not parsed into PhoneNumber objects."""
        plain = [a for a in attnames if a not in self.phone_fields]
        as_text = {f"{a}_as_text": ExpressionWrapper(F(a), output_field=CharField()) for a in self.phone_fields}
        return queryset.values(*plain, **as_text)

    def load_related(self, rows: list[Row]) -> None:
        """Current many-to-many links and other names of the matched records (added to what earlier batches read)."""
        pks = sorted(row.pk for row in rows)
        for field_name in self.m2m_columns.values():
            through, source, target = self.through(field_name)
            links = self.current_m2m[field_name]
            for queryset in fastdb.where_in(through.objects.all(), source, pks):
                for link_id, owner, other in queryset.values_list("id", source, target):
                    links.setdefault(owner, []).append((link_id, other))
        if self.name_columns:
            names_model = apps.get_model(self.names_model_label)
            attnames = [f.attname for f in names_model._meta.concrete_fields]
            for queryset in fastdb.where_in(names_model.objects.all(), self.names_fk, pks):
                for record in queryset.values(*attnames):
                    self.current_names[record[self.names_fk]][(record["kind"], record["name"])] = record

    def forget_unchanged(self, rows: list[Row]) -> None:
        """Drop what was read about records that will not be written."""
        for row in rows:
            if row.action == "unchanged":
                for links in self.current_m2m.values():
                    links.pop(row.pk, None)
                self.current_names.pop(row.pk, None)

    def check_against_database(self, rows: list[Row]) -> None:
        """Hook for checks that need the matched records (overlaps, a consortium inside itself)."""

    def unclassify_invalid(self, rows: list[Row]) -> None:
        """Rows found invalid after they were compared no longer count as new, changed or unchanged."""
        dropped = set()
        for row in rows:
            if row.errors and row.action:
                setattr(self.report, row.action, getattr(self.report, row.action) - 1)
                row.action = ""
                dropped.add(row.number)
        if dropped:
            self.report.changes = [change for change in self.report.changes if change.row not in dropped]

    def through(self, field_name: str):
        m2m = self.model._meta.get_field(field_name)
        return (
            m2m.remote_field.through,
            m2m.m2m_column_name(),
            m2m.m2m_reverse_name(),
        )

    def new_values(self, row: Row) -> dict[str, Any]:
        """Model attnames → values this row sets (only for columns in the file)."""
        values = {}
        for column, attname in self.field_columns.items():
            if column in row.values:
                values[attname] = row.values[column]
        for _column, (_reference, attname) in self.ref_columns.items():
            if attname in row.refs:
                values[attname] = row.refs[attname]
        return values

    def classify(self, rows: list[Row]) -> None:
        report = self.report
        for row in rows:
            if row.errors:
                continue
            values = self.new_values(row)
            diff = []
            if row.existing is None:
                row.action = "new"
                report.new += 1
                if len(report.changes) < MAX_CHANGES_SHOWN:
                    shown = [(column, "", display(value)) for column, value in row.values.items() if value != ""]
                    report.changes.append(Change(row.number, self.record_label(row), "new", shown))
                continue
            if self.dates_problem(row):
                continue
            for attname, value in values.items():
                old = row.existing[attname]
                if old != value:
                    diff.append((attname, display(old), display(value)))
            diff += self.related_diff(row)
            if diff:
                row.action = "changed"
                row.diff = diff
                report.changed += 1
                change = Change(row.number, self.record_label(row), "changed", diff, self.attention(row, values))
                if len(report.changes) < MAX_CHANGES_SHOWN:
                    report.changes.append(change)
                if change.attention:
                    report.attention.append(change)
            else:
                row.action = "unchanged"
                report.unchanged += 1
                row.existing = None  # nothing to write: let the record go

    def attention(self, row: Row, values: dict) -> list[str]:
        """What a coordinator should confirm knowingly: a record about to be shown to or hidden from the public."""
        if "is_public" in values and values["is_public"] != row.existing.get("is_public"):
            if values["is_public"]:
                return ["Hidden from visitors until now: this import shows it to everyone."]
            return ["Shown to visitors until now: this import hides it from everyone who is not logged in."]
        return []

    def dates_problem(self, row: Row) -> bool:
        """End before start once the row's dates are put together with the record's (a blank cell keeps its date)."""
        start_column, end_column = self.start_column, self.end_column
        if start_column not in self.present and end_column not in self.present:
            return False
        start_attname, end_attname = self.field_columns.get(start_column), self.field_columns.get(end_column)
        if start_attname is None or end_attname is None:
            return False
        start = row.values[start_column] if start_column in row.values else row.existing.get(start_attname)
        end = row.values[end_column] if end_column in row.values else row.existing.get(end_attname)
        if ends_before_start(start, end):
            column = end_column if end_column in row.values else start_column
            self.error(row, column, self.end_before_start_message(start, end) + " (the other date is recorded already)")
            return True
        return False

    def related_diff(self, row: Row) -> list[tuple[str, str, str]]:
        diff = []
        for column, field_name in self.m2m_columns.items():
            if field_name not in row.refs:
                continue
            current = {other for _, other in self.current_m2m[field_name].get(row.pk, [])}
            if current != row.refs[field_name]:
                diff.append((column, self.slugs(field_name, current), self.slugs(field_name, row.refs[field_name])))
        names = self.current_names.get(row.pk, {}) if self.name_columns else {}
        for column, kind in self.name_columns.items():
            if column not in row.values:
                continue
            wanted = row.values[column]
            current = {name: record for (k, name), record in names.items() if k == kind}
            # A name given without dates keeps the dates it has (docs/csv.md, “Other names”).
            shown_after = sorted(
                name_with_dates(name, name.start, name.end)
                if getattr(name, "dated", False)
                else name_with_dates(name, current[name]["start_date"], current[name]["end_date"])
                if name in current
                else str(name)
                for name in wanted
            )
            shown_before = sorted(
                name_with_dates(name, record["start_date"], record["end_date"]) for name, record in current.items()
            )
            if shown_before != shown_after:
                diff.append((column, join_list(shown_before), join_list(shown_after)))
        return diff

    def slugs(self, field_name: str, ids) -> str:
        target = self.model._meta.get_field(field_name).related_model
        if not hasattr(self, "_slug_cache"):
            self._slug_cache = {}
        if field_name not in self._slug_cache:
            self._slug_cache[field_name] = dict(target.objects.values_list("pk", "slug"))
        lookup = self._slug_cache[field_name]
        return join_list(sorted(lookup.get(i, str(i)) for i in ids))
