"""Contacts: people at an organisation, matched by organisation and name."""

from __future__ import annotations

from collections import defaultdict

from csvio import cells, fastdb
from csvio.engine import Column, Importer
from directory.models import Contact

from .shared import ORGANISATION


class ContactImporter(Importer):
    kind = "contacts"
    model = Contact
    columns = [
        Column("organisation", cells.reference, required=True, help="Slug or identifier of the organisation."),
        Column("name", cells.text(255, required=True), required=True),
        Column("job_title", cells.text(255)),
        Column("email", cells.email),
        Column("phone", cells.phone),
        Column("is_public", cells.boolean(False), help="true only if the person agreed to be shown publicly."),
        Column("notes", cells.text()),
        Column("last_verified_on", cells.date),
    ]
    field_columns = {n: n for n in ("name", "job_title", "email", "phone", "is_public", "notes", "last_verified_on")}
    ref_columns = {"organisation": (ORGANISATION, "organisation_id")}
    required_values = ("organisation",)
    key = ("organisation_id", "name")
    phone_fields = ("phone",)
    record_label = staticmethod(lambda row: f"{row.values.get('name', '')} at {row.values.get('organisation', '')}")

    def match_existing(self, rows):
        """A row is the contact of its organisation with the same name, as the export writes it; failing that,
        the only one whose name differs from it just in case or spacing (“jane  smith” is Jane Smith).

        Re-importing an export, or a file typed from it, updates each contact and
        never adds a second one for the same person.
        """
        organisations = sorted({row.refs["organisation_id"] for row in rows if row.refs.get("organisation_id")})
        exact: dict[tuple, dict] = {}
        loose: dict[tuple, list[dict]] = defaultdict(list)
        for queryset in fastdb.where_in(self.existing_queryset(), "organisation_id", organisations):
            for record in self.existing_values(queryset, self.tracked_attnames()):
                self.normalise_existing(record)
                exact[(record["organisation_id"], record["name"])] = record
                loose[(record["organisation_id"], cells.lookup_key(record["name"]))].append(record)
        for row in rows:
            organisation = row.refs.get("organisation_id")
            name = row.values.get("name", "")
            record = exact.get((organisation, name))
            if record is None:
                candidates = loose.get((organisation, cells.lookup_key(name)), [])
                record = candidates[0] if len(candidates) == 1 else None
            if record is not None:
                row.existing = record
                row.pk = record["id"]

    def check_against_database(self, rows):
        """Two rows of one file may not update the same contact (“Jane Smith” and “JANE SMITH”)."""
        seen: dict[object, int] = {}
        for row in rows:
            if row.errors:
                continue
            key = (
                row.pk
                if row.pk is not None
                else (row.refs.get("organisation_id"), cells.lookup_key(row.values["name"]))
            )
            if key in seen:
                self.error(
                    row,
                    "name",
                    f"This row is for the same contact as row {seen[key]}. Each contact may appear only once.",
                )
            else:
                seen[key] = row.number
