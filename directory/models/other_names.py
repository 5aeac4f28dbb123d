"""The other names an organisation or a consortium goes by: one shape for both.

`OrganisationName` and `ConsortiumName` differ only in whose name it is (the
`owner_field` foreign key each adds), so the fields, the constraints, the
natural key, the reads and how a name reads in a list are written once here
(docs/architecture.md).
"""

from django.db import models

from .base import LINE_VALIDATORS, DatedModel, DatedQuerySet, VisibilityQuerySet, dates_check


class NameKind(models.TextChoices):
    FORMER = "former", "Former name"
    ACRONYM = "acronym", "Acronym"
    ALTERNATIVE = "alternative", "Alternative name"
    WELSH = "welsh", "Welsh name"


class OtherNameQuerySet(VisibilityQuerySet, DatedQuerySet):
    def public(self):
        """A visitor sees a name when its owner is visible: a name is part of its owner's record."""
        return self.filter(**{f"{self.model.owner_field}__is_public": True})


class OtherNameManager(models.Manager.from_queryset(OtherNameQuerySet)):
    def get_by_natural_key(self, owner_slug, name, kind):
        return self.get(**{f"{self.model.owner_field}__slug": owner_slug, "name": name, "kind": kind})


def other_name_constraints(owner_field: str) -> list:
    """One name of each kind per owner, and no end before the start.

    The constraint names are the ones the first migrations gave them
    (`organisation_name_unique`, `consortium_name_end_on_or_after_start`…).
    """
    return [
        models.UniqueConstraint(
            fields=[owner_field, "name", "kind"],
            name=f"{owner_field}_name_unique",
            violation_error_message=f"This {owner_field} already has this name of this kind.",
        ),
        dates_check(f"{owner_field}_name"),
    ]


class OtherName(DatedModel):
    """A name its owner goes by or went by, with the dates it was in use.

    Each subclass adds the foreign key named by `owner_field` (CASCADE: a
    name is part of its owner's record) and its own history and Meta.
    """

    owner_field: str = ""

    name = models.CharField(
        max_length=255, validators=LINE_VALIDATORS, help_text="The other name, exactly as it was or is used."
    )
    kind = models.CharField(max_length=20, choices=NameKind.choices, help_text="What sort of name this is.")
    note = models.CharField(
        max_length=255,
        blank=True,
        validators=LINE_VALIDATORS,
        help_text="Anything worth knowing, e.g. why it changed.",
    )

    objects = OtherNameManager()

    class Meta:
        abstract = True

    @property
    def owner(self):
        return getattr(self, self.owner_field)

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()} of {self.owner.name})"

    def natural_key(self):
        return (self.owner.slug, self.name, self.kind)
