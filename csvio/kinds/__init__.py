"""Each kind of record the CSV engine imports, one module per kind; docs/csv.md describes the same columns.

``IMPORTERS`` maps each kind's name to its ``Importer``; ``kind_name`` reads
what a person typed.
"""

from __future__ import annotations

from csvio.engine import Importer

from .consortia import ConsortiumImporter
from .contacts import ContactImporter
from .contributors import ContributorImporter
from .memberships import MembershipImporter
from .organisations import OrganisationImporter
from .outputs import OutputImporter
from .relationships import RelationshipImporter

__all__ = [
    "IMPORTERS",
    "ConsortiumImporter",
    "ContactImporter",
    "ContributorImporter",
    "MembershipImporter",
    "OrganisationImporter",
    "OutputImporter",
    "RelationshipImporter",
    "kind_name",
]

IMPORTERS: dict[str, type[Importer]] = {
    cls.kind: cls
    for cls in (
        OrganisationImporter,
        ContactImporter,
        ConsortiumImporter,
        MembershipImporter,
        OutputImporter,
        ContributorImporter,
        RelationshipImporter,
    )
}
ALIASES = {
    "organisation": "organisations",
    "organizations": "organisations",
    "contact": "contacts",
    "consortium": "consortia",
    "consortiums": "consortia",
    "membership": "memberships",
    "output": "outputs",
    "joint-outputs": "outputs",
    "jointoutputs": "outputs",
    "contributor": "contributors",
    "relationship": "relationships",
}


def kind_name(kind: str) -> str:
    """The canonical kind for what a person typed (singular or plural, any case); ValueError if unknown."""
    text = (kind or "").strip().lower()
    text = ALIASES.get(text, text)
    if text not in IMPORTERS:
        raise ValueError(f"Unknown kind “{kind}”: use one of {', '.join(IMPORTERS)}.")
    return text
