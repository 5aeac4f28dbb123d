from .base import BaseModel, DatedModel, DatedQuerySet
from .identifiers import IdentifierScheme, OrganisationIdentifier
from .organisations import (
    Classification,
    Contact,
    Organisation,
    OrganisationName,
    OrganisationQuerySet,
)
from .other_names import NameKind, OtherName, OtherNameQuerySet
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
    "OtherName",
    "OtherNameQuerySet",
    "Region",
    "RelationshipType",
    "Theme",
]
