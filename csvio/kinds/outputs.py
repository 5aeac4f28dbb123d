"""Joint outputs: the columns, and the press contact found by organisation and name."""

from __future__ import annotations

from collections import defaultdict

from consortia.models import JointOutput, OutputKind
from csvio import cells, fastdb
from csvio.columns import OUTPUT_FIELDS
from csvio.engine import Column, Importer
from directory.models import Contact

from .shared import CONSORTIUM, ORGANISATION


class OutputImporter(Importer):
    kind = "outputs"
    model = JointOutput
    columns = [
        Column("slug", cells.slug, required=True),
        Column("title", cells.text(300, required=True), required=True),
        Column("kind", cells.choice(OutputKind.choices, default=OutputKind.BRIEFING, label="kind")),
        Column("published_on", cells.date),
        Column("url", cells.url(500)),
        Column("summary", cells.text()),
        Column("key_findings", cells.text(), help="One per line."),
        Column("recommendations", cells.text(), help="One per line."),
        Column("consortium", cells.reference, help="Slug of the consortium it was produced in."),
        Column("themes", cells.reference_list, help="Themes by name or slug, separated by “;”."),
        Column(
            "press_contact_organisation",
            cells.reference,
            help="Slug or identifier of the press contact's organisation.",
        ),
        Column(
            "press_contact", cells.text(255), help="Full name of the press contact, a contact of that organisation."
        ),
        Column("is_public", cells.boolean(True)),
    ]
    field_columns = {name: name for name in (*OUTPUT_FIELDS, "is_public")}
    ref_columns = {
        "consortium": (CONSORTIUM, "consortium_id"),
        "press_contact_organisation": (ORGANISATION, "press_contact_organisation"),
    }
    m2m_columns = {"themes": "themes"}
    key = ("slug",)
    record_label = staticmethod(lambda row: f"{row.values.get('title', '')} ({row.values.get('slug', '')})")

    def new_values(self, row):
        values = super().new_values(row)
        if "press_contact_id" in row.refs:
            values["press_contact_id"] = row.refs["press_contact_id"]
        return values

    def resolve_references(self, rows):
        super().resolve_references(rows)
        if "press_contact" not in self.present:
            for row in rows:
                row.refs.pop("press_contact_organisation", None)
            return
        wanted = defaultdict(set)
        for row in rows:
            org = row.refs.get("press_contact_organisation")
            if row.values.get("press_contact") and org:
                wanted[org].add(row.values["press_contact"])
        found = {}
        orgs = sorted(wanted)
        for queryset in fastdb.where_in(Contact.objects.all(), "organisation_id", orgs):
            for pk, org, name in queryset.values_list("pk", "organisation_id", "name"):
                found[(org, name)] = pk
        for row in rows:
            name = row.values.get("press_contact")
            org = row.refs.pop("press_contact_organisation", None)
            if not name:
                # Both blank: the output keeps its press contact (docs/csv.md, “Blank cells”).
                if row.values.get("press_contact_organisation") and not row.errors:
                    self.error(row, "press_contact", "Give the press contact's full name too, or leave both blank.")
                continue
            if org is None:
                if not row.errors:
                    self.error(row, "press_contact_organisation", "Give the press contact's organisation too.")
                continue
            pk = found.get((org, name))
            if pk is None:
                self.error(
                    row,
                    "press_contact",
                    f"{row.values.get('press_contact_organisation')} has no contact called “{name}”. "
                    "Import the contact first.",
                )
            else:
                row.refs["press_contact_id"] = pk
