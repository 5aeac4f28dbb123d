"""Consortia: the columns, parents named further down the file, and no consortium inside itself."""

from __future__ import annotations

from consortia.models import Consortium, ConsortiumKind
from csvio import cells
from csvio.columns import NAME_COLUMNS
from csvio.engine import Column, Importer

from .shared import CONSORTIUM, name_columns


class ConsortiumImporter(Importer):
    kind = "consortia"
    model = Consortium
    columns = [
        Column("slug", cells.slug, required=True),
        Column("name", cells.text(255, required=True), required=True),
        Column("short_name", cells.text(50)),
        Column("kind", cells.choice(ConsortiumKind.choices, default=ConsortiumKind.CONSORTIUM)),
        Column("parent", cells.reference, help="Slug of the alliance or programme it sits inside."),
        Column("start_date", cells.date),
        Column("end_date", cells.date),
        Column("description", cells.text()),
        Column("website", cells.url()),
        Column("themes", cells.slug_list),
        *name_columns("Other names"),
        Column("is_public", cells.boolean(True)),
    ]
    field_columns = {
        n: n
        for n in ("slug", "name", "short_name", "kind", "start_date", "end_date", "description", "website", "is_public")
    }
    ref_columns = {"parent": (CONSORTIUM, "parent_id")}
    m2m_columns = {"themes": "themes"}
    name_columns = NAME_COLUMNS
    names_model_label = "consortia.ConsortiumName"
    names_fk = "consortium_id"
    key = ("slug",)
    record_label = staticmethod(lambda row: f"{row.values.get('name', '')} ({row.values.get('slug', '')})")

    def resolve_reference(self, column, reference, keys, rows):
        found = reference.resolve(keys)
        # A parent may be a consortium further down the same file.
        in_file = {row.values.get("slug") for row in rows}
        for key in keys:
            if key not in found and key in in_file:
                found[key] = ("file", key)
        return found

    def check_rows(self, rows):
        super().check_rows(rows)
        for row in rows:
            if row.values.get("parent") and row.values.get("parent") == row.values.get("slug"):
                self.error(row, "parent", "A consortium cannot sit inside itself.")

    def check_against_database(self, rows):
        parents = dict(Consortium.objects.values_list("slug", "parent__slug"))
        for row in rows:
            if not row.errors and "parent" in row.values:
                parents[row.values["slug"]] = row.values["parent"] or None
        for row in rows:
            if row.errors:
                continue
            seen, current = set(), row.values["slug"]
            while current is not None and current not in seen:
                seen.add(current)
                current = parents.get(current)
            if current == row.values["slug"]:
                self.error(row, "parent", "A consortium cannot sit inside itself or inside one of its own members.")

    def write(self, rows):
        pks = {row.values["slug"]: row.pk for row in rows if row.pk}
        new_rows = [row for row in rows if row.action == "new"]
        for row, pk in zip(new_rows, self.ids.reserve(Consortium, len(new_rows)), strict=True):
            pks[row.values["slug"]] = pk
            row.pk = pk
        for row in rows:
            parent = row.refs.get("parent_id")
            if isinstance(parent, tuple):
                row.refs["parent_id"] = pks[parent[1]]
        super().write(rows)
