"""Contributors: which organisations worked on a joint output, in what role and order."""

from __future__ import annotations

from consortia.models import ContributorRole, OutputContributor
from csvio import cells
from csvio.engine import Column, Importer

from .shared import ORGANISATION, OUTPUT


class ContributorImporter(Importer):
    kind = "contributors"
    model = OutputContributor
    columns = [
        Column("output", cells.reference, required=True, help="Slug of the joint output."),
        Column("organisation", cells.reference, required=True, help="Slug or identifier of the organisation."),
        Column("role", cells.choice(ContributorRole.choices, default=ContributorRole.CO_AUTHOR, label="role")),
        Column("order", cells.whole_number(32_767), help="Position in the list of contributors, 0 first."),
    ]
    field_columns = {"role": "role", "order": "order"}
    ref_columns = {"output": (OUTPUT, "output_id"), "organisation": (ORGANISATION, "organisation_id")}
    required_values = ("output", "organisation")
    key = ("output_id", "organisation_id")
    record_label = staticmethod(lambda row: f"{row.values.get('organisation', '')} on {row.values.get('output', '')}")
