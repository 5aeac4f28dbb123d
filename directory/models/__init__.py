from .base import BaseModel, DatedModel, DatedQuerySet
from .identifiers import IdentifierScheme, OrganisationIdentifier
from .organisations import (
    Classification,
    Contact,
    NameKind,
    Organisation,
    OrganisationName,
    OrganisationQuerySet,
)
from .reference import Nation, Region, Theme
from .relationships import OrganisationRelationship, RelationshipType

__all__ = [
    "BaseModel",
    "Classification",
    "Contact",
    "DatedModel",
    "DatedQuerySet",
    "IdentifierScheme",
    "NameKind",
    "Nation",
    "Organisation",
    "OrganisationIdentifier",
    "OrganisationName",
    "OrganisationQuerySet",
    "OrganisationRelationship",
    "Region",
    "RelationshipType",
    "Theme",
]
