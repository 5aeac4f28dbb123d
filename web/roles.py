"""Memberships as the pages list them: each organisation once per consortium, with all its roles.

An organisation may hold two roles in one consortium (AMHP leads the Mental
Health Consortia and is a partner in it). The pages list it once, with both
roles: "Mental Health Consortia (lead, partner)"; a consortium's page files it
under its highest role (`ROLE_PRECEDENCE`, beside `Role` in
consortia/models/memberships.py) and names the others beside it.
"""

from dataclasses import dataclass, field

from django.utils.formats import date_format

from consortia.models import Role
from consortia.models.memberships import ROLE_PRECEDENCE


def role_rank(role: str) -> int:
    return ROLE_PRECEDENCE.index(role) if role in ROLE_PRECEDENCE else len(ROLE_PRECEDENCE)


def role_label(role: str) -> str:
    return Role(role).label if role in Role.values else role


def _day(date) -> str:
    return date_format(date, "j F Y")


def period_text(membership) -> str:
    """'from 1 April 2020 until 31 March 2023', 'until …', 'from …', or '' when no date is recorded."""
    parts = []
    if membership.start_date:
        parts.append(f"from {_day(membership.start_date)}")
    if membership.end_date:
        parts.append(f"until {_day(membership.end_date)}")
    return " ".join(parts)


@dataclass
class Holding:
    """One organisation in one consortium (or the reverse), with its memberships, highest role first."""

    record: object
    memberships: list = field(default_factory=list)

    @property
    def role(self) -> str:
        return self.memberships[0].role

    @property
    def roles(self) -> str:
        """'lead, partner': every role held, highest first, each once."""
        labels = []
        for membership in self.memberships:
            label = role_label(membership.role).lower()
            if label not in labels:
                labels.append(label)
        return ", ".join(labels)

    @property
    def other_roles(self) -> list:
        """The memberships beside the first (a consortium page names them after the organisation)."""
        return self.memberships[1:]

    @property
    def since(self) -> str:
        """When each role began: one date when all agree, each role's date otherwise; '' if none is recorded."""
        starts = [m.start_date for m in self.memberships]
        if not any(starts):
            return ""
        if len(set(starts)) == 1:
            return _day(starts[0])
        return "; ".join(
            f"{role_label(m.role).lower()}: {_day(m.start_date) if m.start_date else 'not recorded'}"
            for m in self.memberships
        )


def _holdings(memberships, key) -> list[Holding]:
    """Holdings in the order their records first appear, each one's memberships by role, then by start."""
    holdings: dict[int, Holding] = {}
    for membership in memberships:
        record = key(membership)
        holdings.setdefault(record.pk, Holding(record)).memberships.append(membership)
    for holding in holdings.values():
        holding.memberships.sort(key=lambda m: (role_rank(m.role), m.start_date is not None, m.start_date))
    return list(holdings.values())


def by_consortium(memberships) -> list[Holding]:
    """An organisation's memberships, one Holding per consortium (in the order given)."""
    return _holdings(memberships, lambda membership: membership.consortium)


def by_organisation(memberships) -> list[Holding]:
    """A consortium's memberships, one Holding per organisation (in the order given)."""
    return _holdings(memberships, lambda membership: membership.organisation)


def grouped_by_role(memberships) -> list[tuple[str, list[Holding]]]:
    """(role label, holdings) from the highest role down: each organisation once, under its highest role."""
    groups: dict[str, list[Holding]] = {}
    for holding in by_organisation(memberships):
        groups.setdefault(holding.role, []).append(holding)
    return [(role_label(role), groups[role]) for role in sorted(groups, key=role_rank)]
