"""Stage 5, write: everything the file changes, in one transaction, with set-based statements.

Only if no row has an error and the run is not a dry run. New records get
ids reserved as one block and go in with COPY (PostgreSQL) or ``executemany``
(SQLite) through ``csvio.fastdb``; changed records are updated only in the
columns the file has; many-to-many links, other names and history rows naming
the user and the file follow, a batch at a time, so that only one batch of
whole records is in memory.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

from csvio import fastdb
from csvio.report import Clock

from .parse import Row

WRITE_BATCH = 10_000


class WriteStage:
    """The write stage of ``csvio.engine.Importer``."""

    def history_fields(self, model) -> list[str]:
        history = model.history.model
        return [f.attname for f in history._meta.concrete_fields if f.attname != history._meta.pk.attname]

    def write_history(self, model, records: list[dict], history_type: str) -> list[int]:
        """One history row per record dict (all tracked attnames), naming the user and the file."""
        if not records:
            return []
        history = model.history.model
        attnames = self.history_fields(model)
        history_ids = self.ids.reserve(history, len(records))
        user_id = self.user.pk if self.user is not None and self.user.pk else None
        extra = {
            "history_date": self.now_cell,
            "history_change_reason": self.change_reason,
            "history_type": history_type,
            "history_user_id": user_id,
        }
        fastdb.insert(
            history,
            [history._meta.pk.attname, *attnames],
            (
                (history_id, *[extra[a] if a in extra else record.get(a) for a in attnames])
                for history_id, record in zip(history_ids, records, strict=True)
            ),
        )
        return history_ids

    # Model columns that are not tracked by history but are written with each record (organisations: search_names).
    extra_attnames: tuple[str, ...] = ()

    def prepare_record(self, row: Row, record: dict) -> None:
        """Hook: add values for extra_attnames to a new or changed record before it is written."""

    def write(self, rows: list[Row]) -> None:
        """Changed records first, then new ones: a change may free what a new record takes.

        Constraints are checked row by row as each statement runs (PostgreSQL's
        exclusion constraint on membership periods): a file that closes a
        membership and adds the next one is valid as a whole and must not be
        refused halfway through its own write. (Among changed memberships the
        order does not matter: the start date is part of the key, so a period
        can only grow into another's start, which the check refuses.)
        """
        new_rows = [row for row in rows if row.action == "new"]
        changed_rows = [row for row in rows if row.action == "changed"]
        clock = Clock(self.report.timings)
        # Changed records: only the columns in the file (and updated_at) are written.
        written = sorted(
            {a for row in changed_rows for a in self.new_values(row)} | {"updated_at", *self.extra_attnames}
        )
        changed_history = []
        # A batch at a time, so that only one batch of whole records is in memory.
        for start in range(0, len(changed_rows), WRITE_BATCH):
            records = []
            for row in changed_rows[start : start + WRITE_BATCH]:
                record = {**row.existing, **self.new_values(row), "updated_at": self.now_cell}
                self.prepare_record(row, record)
                records.append(record)
            fastdb.update(self.model, written, [(r["id"], *[r[a] for a in written]) for r in records])
            changed_history += self.write_history(self.model, records, "~")
        # New records: explicit ids, every tracked field.
        attnames = self.tracked_attnames()
        defaults = self.defaults()
        needing_ids = [row for row in new_rows if row.pk is None]
        for row, pk in zip(needing_ids, self.ids.reserve(self.model, len(needing_ids)), strict=True):
            row.pk = pk
        columns = [*attnames, *self.extra_attnames]
        new_history = []
        for start in range(0, len(new_rows), WRITE_BATCH):
            records = []
            for row in new_rows[start : start + WRITE_BATCH]:
                record = {**defaults, **self.new_values(row), "id": row.pk, "created_at": self.now_cell}
                record["updated_at"] = self.now_cell
                self.prepare_record(row, record)
                records.append(record)
            self.insert_new(columns, records)
            new_history += self.write_history(self.model, records, "+")
        clock("write records and history")
        self.write_m2m(new_rows, new_history, changed_rows, changed_history)
        clock("write links")
        self.write_names(new_rows + changed_rows)
        clock("write names")
        self.after_write(new_rows, changed_rows)

    def insert_new(self, columns: list[str], records: list[dict]) -> None:
        """Hook: insert a batch of new records (organisations compute their search vector in the insert)."""
        fastdb.insert(self.model, columns, ([r.get(a) for a in columns] for r in records))

    def defaults(self) -> dict[str, Any]:
        """Values for a new record where its row gives none (no column, or a blank cell): the model's defaults."""
        values = {}
        for attname in self.field_columns.values():
            field = self.model._meta.get_field(attname)
            values[attname] = field.get_default()
        for _column, (_reference, attname) in self.ref_columns.items():
            values.setdefault(attname, None)
        return values

    def write_m2m(self, new_rows, new_history, changed_rows, changed_history) -> None:
        for field_name in self.m2m_columns.values():
            through, source, target = self.through(field_name)
            history_model = apps.get_model(self.model._meta.app_label, f"Historical{self.model.__name__}_{field_name}")
            current = self.current_m2m.get(field_name, {})
            remove, plan, count = [], [], 0
            for row in new_rows + changed_rows:
                links = current.get(row.pk, []) if row.action == "changed" else []
                wanted = row.refs.get(field_name)
                if wanted is None or {other for _, other in links} == wanted:
                    plan.append((row.pk, links, ()))
                    continue
                keep = [(link_id, other) for link_id, other in links if other in wanted]
                remove += [link_id for link_id, other in links if other not in wanted]
                missing = sorted(wanted - {other for _, other in keep})
                plan.append((row.pk, keep, missing))
                count += len(missing)
            fastdb.delete(through, remove)
            new_ids = iter(self.ids.reserve(through, count))
            final: dict[int, list[tuple[int, int]]] = {}
            added = []
            for pk, keep, missing in plan:
                fresh = [(next(new_ids), other) for other in missing]
                final[pk] = keep + fresh if fresh else keep
                added += [(link_id, pk, other) for link_id, other in fresh]
            del plan
            fastdb.insert(through, ["id", source, target], added)
            del added
            # The history of a many-to-many field is a snapshot of every link at each history row.
            pairs = [*zip(new_rows, new_history, strict=True), *zip(changed_rows, changed_history, strict=True)]
            size = sum(len(final[row.pk]) for row, _ in pairs)
            history_ids = iter(self.ids.reserve(history_model, size))
            fastdb.insert(
                history_model,
                [history_model._meta.pk.attname, "id", source, target, "history_id"],
                (
                    (next(history_ids), link_id, row.pk, other, history_id)
                    for row, history_id in pairs
                    for link_id, other in final[row.pk]
                ),
            )

    def write_names(self, rows: list[Row]) -> None:
        if not self.name_columns:
            return
        names_model = apps.get_model(self.names_model_label)
        attnames = [f.attname for f in names_model._meta.concrete_fields]
        created, deleted, redated = [], [], []
        for row in rows:
            current = self.current_names.get(row.pk, {}) if row.action == "changed" else {}
            for column, kind in self.name_columns.items():
                if column not in row.values:
                    continue
                wanted = set(row.values[column])
                for (k, name), record in current.items():
                    if k == kind and name not in wanted:
                        deleted.append(record)
                for name in row.values[column]:
                    record = current.get((kind, name))
                    if record is not None:
                        # A name given with dates takes them; given without, it keeps its own.
                        if getattr(name, "dated", False) and (record["start_date"], record["end_date"]) != (
                            name.start,
                            name.end,
                        ):
                            redated.append(
                                {**record, "start_date": name.start, "end_date": name.end, "updated_at": self.now_cell}
                            )
                        continue
                    created.append(
                        {
                            self.names_fk: row.pk,
                            "name": str(name),
                            "kind": kind,
                            "note": "",
                            "start_date": getattr(name, "start", None),
                            "end_date": getattr(name, "end", None),
                            "created_at": self.now_cell,
                            "updated_at": self.now_cell,
                        }
                    )
        fastdb.update(
            names_model,
            ["start_date", "end_date", "updated_at"],
            [(r["id"], r["start_date"], r["end_date"], r["updated_at"]) for r in redated],
        )
        self.write_history(names_model, redated, "~")
        for record, pk in zip(created, self.ids.reserve(names_model, len(created)), strict=True):
            record["id"] = pk
        fastdb.insert(names_model, attnames, ([r.get(a) for a in attnames] for r in created))
        fastdb.delete(names_model, [r["id"] for r in deleted])
        self.write_history(names_model, created, "+")
        self.write_history(names_model, deleted, "-")

    def after_write(self, new_rows: list[Row], changed_rows: list[Row]) -> None:
        """Hook: kinds with side tables or indexes bring them up to date here."""
