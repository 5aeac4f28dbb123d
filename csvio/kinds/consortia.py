"""Consortia: the columns, parents named further down the file, and no consortium inside itself."""

from __future__ import annotations

from consortia.models import Consortium, ConsortiumKind
from consortia.models.consortia import INSIDE_ITSELF_MESSAGE, sits_inside_itself
from csvio import cells
from csvio.columns import NAME_COLUMNS
from csvio.engine import Column, Importer

from .shared import CONSORTIUM, name_columns


class _ParentWalk:
    """``parent_of`` for ``sits_inside_itself`` over many rows, remembering the chains already found sound.

    A walk that reaches the top (a consortium without a parent) shows that
    every consortium it passed through is not inside itself, and that no walk
    through them can come back to where it started: later walks stop there.
    A long chain of parents in one file is then walked once, not once a row.
    """

    def __init__(self, parents: dict):
        self.parents = parents
        self.sound: set = set()
        self.passed: list = []
        self.reached_top = False

    def __call__(self, slug):
        if slug in self.sound:
            self.reached_top = True
            return None
        self.passed.append(slug)
        parent = self.parents.get(slug)
        self.reached_top = parent is None
        return parent

    def walk_ended(self, start) -> None:
        """After each row's walk from ``start``: if it reached the top, all it passed through is sound."""
        if self.reached_top:
            self.sound.update(self.passed)
            self.sound.add(start)
        self.passed = []
        self.reached_top = False


class ConsortiumImporter(Importer):
    kind = "consortia"
    model = Consortium
    columns = [
        Column("slug", cells.slug, required=True),
        Column("name", cells.text(255, required=True), required=True),
        Column("short_name", cells.text(50)),
        Column("kind", cells.choice(ConsortiumKind.choices, default=ConsortiumKind.CONSORTIUM, label="kind")),
        Column("parent", cells.reference, help="Slug of the alliance or programme it sits inside."),
        Column("start_date", cells.date),
        Column("end_date", cells.date),
        Column("description", cells.text()),
        Column("website", cells.url()),
        Column("themes", cells.reference_list, help="Themes by name or slug, separated by “;”."),
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

    def check_against_database(self, rows):
        """No consortium may sit inside itself, directly or through its parents, once the file is applied.

        The rule is the model layer's ``sits_inside_itself`` (docs/architecture.md), asked for each row over the
        recorded parents updated with the file's, by slug.
        """
        parents = dict(Consortium.objects.values_list("slug", "parent__slug"))
        for row in rows:
            if not row.errors and "parent" in row.values:
                parents[row.values["slug"]] = row.values["parent"] or None
        parent_of = _ParentWalk(parents)
        for row in rows:
            if row.errors:
                continue
            slug = row.values["slug"]
            if sits_inside_itself(slug, parents.get(slug), parent_of):
                self.error(row, "parent", INSIDE_ITSELF_MESSAGE)
            parent_of.walk_ended(slug)

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
