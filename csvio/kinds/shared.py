"""What several kinds share: how their columns point at other records, and the other-name columns."""

from __future__ import annotations

from csvio import cells
from csvio.columns import NAME_COLUMNS
from csvio.engine import Column, OrganisationReference, Reference

ORGANISATION = OrganisationReference()
CONSORTIUM = Reference("consortium", "consortia.Consortium", by_name="name")
OUTPUT = Reference("joint output", "consortia.JointOutput", by_name="title")
RELATIONSHIP_TYPE = Reference("relationship type", "directory.RelationshipType", by_name="name")


def name_columns(help_prefix: str) -> list[Column]:
    return [
        Column(column, cells.name_list(), help=f"{help_prefix}: {kind} names, separated by “;”.")
        for column, kind in NAME_COLUMNS.items()
    ]
