"""Which organisation belongs to which consortium, in what role, and when."""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from directory.models import DatedModel, DatedQuerySet, Organisation
from directory.models.base import LINE_VALIDATORS, VisibilityQuerySet, dates_check, find_overlaps

from .consortia import Consortium


class Role(models.TextChoices):
    LEAD = "lead", "Lead"
    PARTNER = "partner", "Partner"
    MEMBER = "member", "Member"
    OBSERVER = "observer", "Observer"
    SECRETARIAT = "secretariat", "Secretariat"


#: The roles from highest to lowest. An organisation holding several roles in one consortium is
#: listed once, under the first of its roles here, with the others beside its name (the pages).
ROLE_PRECEDENCE = (Role.LEAD, Role.SECRETARIAT, Role.PARTNER, Role.MEMBER, Role.OBSERVER)


class MembershipQuerySet(VisibilityQuerySet, DatedQuerySet):
    def public(self):
        """A visitor sees a membership when both the organisation and the consortium are public."""
        return self.filter(organisation__is_public=True, consortium__is_public=True)

    def leads(self, date=None):
        """Who leads: memberships in the lead role in force on `date` (default today).

        `lead_organisations` is its twin for memberships already in memory.
        """
        in_force = self.as_of(date) if date is not None else self.current()
        return in_force.filter(role=Role.LEAD)

    def for_consortium(self, consortium):
        return self.filter(consortium=consortium)

    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def with_role(self, role: str):
        return self.filter(role=role)


class MembershipManager(models.Manager.from_queryset(MembershipQuerySet)):
    def get_by_natural_key(self, organisation_slug, consortium_slug, role, start_date):
        return self.get(
            organisation__slug=organisation_slug, consortium__slug=consortium_slug, role=role, start_date=start_date
        )


def lead_organisations(memberships: Iterable["Membership"], date: datetime.date | None = None) -> list:
    """`MembershipQuerySet.leads(date)` for memberships already fetched (a prefetched list, say).

    The organisations in the lead role in force on `date` (default today),
    each once, in the order given.
    """
    leads = {}
    for membership in memberships:
        if membership.is_lead_on(date):
            leads.setdefault(membership.organisation_id, membership.organisation)
    return list(leads.values())


def membership_clashes(rows: Iterable[tuple]) -> list[tuple]:
    """Overlapping periods among many memberships: the overlap rule for a batch.

    `rows` are (organisation, consortium, role, start, end, item) with any
    hashable keys for the first three (ids, or the records themselves) and any
    `item` the caller wants named back. Two periods clash when they share a
    day and have the same organisation, consortium and role — the rule
    `Membership.clean` asks the database with `overlapping()`, and the
    exclusion constraint holds on PostgreSQL. Returns (item, other_item)
    pairs from `find_overlaps`, which names every clashing period at least
    once. The admin's membership formset and the CSV importer call this.
    """
    groups: dict[tuple, list] = defaultdict(list)
    for organisation, consortium, role, start, end, item in rows:
        groups[(organisation, consortium, role)].append((start, end, item))
    clashes = []
    for periods in groups.values():
        if len(periods) > 1:
            clashes += find_overlaps(periods)
    return clashes


OVERLAP_MESSAGE = "This organisation already holds this role in this consortium for part of this period."


class Membership(DatedModel):
    # PROTECT: memberships are history; remove an organisation's memberships deliberately first.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", help_text="The member organisation."
    )
    # PROTECT: memberships are history. A membership that ends is closed (its end date set); a
    # consortium with memberships is ended, not deleted (docs/architecture.md, "Writes").
    consortium = models.ForeignKey(
        Consortium, on_delete=models.PROTECT, related_name="memberships", help_text="The consortium joined."
    )
    role = models.CharField(
        max_length=20,
        choices=Role.choices,
        default=Role.MEMBER,
        help_text="Lead, partner, member, observer or secretariat.",
    )
    note = models.CharField(
        max_length=255,
        blank=True,
        validators=LINE_VALIDATORS,
        help_text="Anything worth knowing about this membership.",
    )

    objects = MembershipManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["consortium__name", "role", "organisation__name"]
        verbose_name = "membership"
        indexes = [
            models.Index(fields=["consortium", "role"], name="membership_consortium_role_idx"),
            models.Index(fields=["organisation", "end_date"], name="membership_org_end_idx"),
            # Covers "which consortia is each of these organisations currently in" (facet counts).
            models.Index(
                fields=["organisation", "consortium", "start_date", "end_date"], name="membership_org_cons_dates_idx"
            ),
        ]
        constraints = [
            dates_check("membership"),
            # NULL start dates are distinct in SQL, so this catches exact duplicates with a
            # known start; overlaps are refused by validation and, on PostgreSQL, by the
            # exclusion constraint added in migration 0002.
            models.UniqueConstraint(
                fields=["organisation", "consortium", "role", "start_date"],
                name="membership_unique_start",
                violation_error_message=OVERLAP_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} — {self.get_role_display().lower()} of {self.consortium.name}"

    def natural_key(self):
        return (self.organisation.slug, self.consortium.slug, self.role, self.start_date)

    natural_key.dependencies = ["directory.organisation", "consortia.consortium"]

    def is_lead_on(self, date: datetime.date | None = None) -> bool:
        return self.role == Role.LEAD and self.is_current_on(date)

    def clean(self) -> None:
        super().clean()
        if not (self.organisation_id and self.consortium_id and self.role):
            return
        clashes = (
            Membership.objects.filter(
                organisation_id=self.organisation_id, consortium_id=self.consortium_id, role=self.role
            )
            .overlapping(self.start_date, self.end_date)
            .exclude(pk=self.pk)
        )
        if clashes.exists():
            raise ValidationError(OVERLAP_MESSAGE, code="overlapping_membership")
