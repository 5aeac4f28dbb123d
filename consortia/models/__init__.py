from .consortia import Consortium, ConsortiumKind, ConsortiumName, ConsortiumQuerySet
from .memberships import Membership, MembershipQuerySet, Role
from .outputs import ContributorRole, JointOutput, OutputContributor, OutputKind

__all__ = [
    "Consortium",
    "ConsortiumKind",
    "ConsortiumName",
    "ConsortiumQuerySet",
    "ContributorRole",
    "JointOutput",
    "Membership",
    "MembershipQuerySet",
    "OutputContributor",
    "OutputKind",
    "Role",
]
