"""Typed links between two organisations, with a label each way and dates."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .base import LINE_VALIDATORS, BaseModel, DatedModel, DatedQuerySet, VisibilityQuerySet, dates_check
from .reference import SlugManager


class RelationshipType(BaseModel):
    name = models.CharField(
        max_length=100, unique=True, validators=LINE_VALIDATORS, help_text="For example “Member of”."
    )
    slug = models.SlugField(max_length=100, unique=True, help_text="Short name used in web addresses and CSV files.")
    forward_label = models.CharField(
        max_length=100, validators=LINE_VALIDATORS, help_text="Read subject → object, e.g. “is a member of”."
    )
    reverse_label = models.CharField(
        max_length=100, validators=LINE_VALIDATORS, help_text="Read object → subject, e.g. “has member”."
    )

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "relationship type"

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)


class RelationshipQuerySet(VisibilityQuerySet, DatedQuerySet):
    def public(self):
        """A visitor sees a relationship when both organisations are public."""
        return self.filter(subject__is_public=True, object__is_public=True)

    def involving(self, organisation):
        return self.filter(Q(subject=organisation) | Q(object=organisation))


class RelationshipManager(models.Manager.from_queryset(RelationshipQuerySet)):
    def get_by_natural_key(self, subject_slug, type_slug, object_slug, start_date):
        return self.get(
            subject__slug=subject_slug, type__slug=type_slug, object__slug=object_slug, start_date=start_date
        )


class OrganisationRelationship(DatedModel):
    # CASCADE on both ends: a link with one end missing is not a link.
    subject = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        related_name="relationships_as_subject",
        help_text="The organisation the sentence starts with.",
    )
    # PROTECT: deleting a type in use would silently lose relationships.
    type = models.ForeignKey(
        RelationshipType, on_delete=models.PROTECT, related_name="relationships", help_text="How they are related."
    )
    object = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        related_name="relationships_as_object",
        help_text="The organisation the sentence ends with.",
    )
    note = models.CharField(
        max_length=255, blank=True, validators=LINE_VALIDATORS, help_text="Anything worth knowing about this link."
    )

    objects = RelationshipManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["subject__name", "type__name", "object__name"]
        verbose_name = "organisation relationship"
        constraints = [
            models.CheckConstraint(
                condition=~Q(subject=models.F("object")),
                name="relationship_not_to_itself",
                violation_error_message="An organisation cannot be related to itself.",
            ),
            models.UniqueConstraint(
                fields=["subject", "type", "object", "start_date"],
                name="relationship_unique",
                violation_error_message="This relationship is already recorded from this date.",
            ),
            dates_check("relationship"),
        ]

    def __str__(self) -> str:
        return f"{self.subject.name} {self.type.forward_label} {self.object.name}"

    def natural_key(self):
        return (self.subject.slug, self.type.slug, self.object.slug, self.start_date)

    natural_key.dependencies = ["directory.organisation", "directory.relationshiptype"]

    def clean(self) -> None:
        super().clean()
        if self.subject_id and self.subject_id == self.object_id:
            raise ValidationError({"object": "An organisation cannot be related to itself."})
