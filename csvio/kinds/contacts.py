"""Contacts: people at an organisation, matched by organisation and name."""

from __future__ import annotations

from csvio import cells
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
