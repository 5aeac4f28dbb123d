"""Relationships between organisations: subject, type, object and the period it held."""

from __future__ import annotations

from csvio import cells
from csvio.engine import Column, Importer
from directory.models import OrganisationRelationship

from .shared import ORGANISATION, RELATIONSHIP_TYPE


class RelationshipImporter(Importer):
    kind = "relationships"
    model = OrganisationRelationship
    columns = [
        Column(
            "subject",
            cells.reference,
            required=True,
            help="Slug or identifier: the organisation the sentence starts with.",
        ),
        Column("type", cells.reference, required=True, help="member-of, funded-by, part-of or partner-of."),
        Column(
            "object",
            cells.reference,
            required=True,
            help="Slug or identifier: the organisation the sentence ends with.",
        ),
        Column("start_date", cells.date),
        Column("end_date", cells.date),
        Column("note", cells.text(255)),
    ]
    field_columns = {n: n for n in ("start_date", "end_date", "note")}
    ref_columns = {
        "subject": (ORGANISATION, "subject_id"),
        "type": (RELATIONSHIP_TYPE, "type_id"),
        "object": (ORGANISATION, "object_id"),
    }
    required_values = ("subject", "type", "object")
    key = ("subject_id", "type_id", "object_id", "start_date")
    record_label = staticmethod(
        lambda row: f"{row.values.get('subject', '')} {row.values.get('type', '')} {row.values.get('object', '')}"
    )

    def check_rows(self, rows):
        super().check_rows(rows)
        for row in rows:
            if row.refs.get("subject_id") and row.refs.get("subject_id") == row.refs.get("object_id"):
                self.error(row, "object", "An organisation cannot be related to itself.")
