"""Consortia, alliances and programmes, and the names they have had."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from directory.models import DatedModel, DatedQuerySet, NameKind, OtherName, Theme
from directory.models.base import (
    LINE_VALIDATORS,
    TEXT_VALIDATORS,
    VisibilityQuerySet,
    dates_check,
)
from directory.models.other_names import other_name_constraints
from directory.names import fold


class ConsortiumKind(models.TextChoices):
    ALLIANCE = "alliance", "Alliance"
    CONSORTIUM = "consortium", "Consortium"
    PARTNERSHIP = "partnership", "Partnership"
    NETWORK = "network", "Network"
    PROGRAMME = "programme", "Programme"


class ConsortiumQuerySet(VisibilityQuerySet, DatedQuerySet):
    def with_parent_visible_to(self, user):
        """Consortia whose `parent` is read through `visible_to(user)`: None when the viewer may not see it.

        A hidden alliance's name must not reach a visitor as "part of …" on a
        public consortium (docs/architecture.md, visibility). One query per
        list, whatever its length; none when no row has a parent.
        """
        return self.prefetch_related(models.Prefetch("parent", queryset=Consortium.objects.visible_to(user)))

    def named(self, name: str):
        """Consortia known by this exact name (any case), former names included."""
        name = (name or "").strip()
        return self.filter(
            Q(name__iexact=name) | Q(short_name__iexact=name) | Q(other_names__name__iexact=name)
        ).distinct()

    def search(self, query: str):
        """Consortia whose current or former names contain every word of the query."""
        condition = Q()
        for word in fold(query).split():
            condition &= Q(name__icontains=word) | Q(short_name__icontains=word) | Q(other_names__name__icontains=word)
        return self.filter(condition).distinct()


INSIDE_ITSELF_MESSAGE = "A consortium cannot sit inside itself or one of its own members."


def sits_inside_itself(key, parent_key, parent_of: Callable[[Any], Any]) -> bool:
    """Would a consortium sit inside itself if `parent_key` were its parent?

    The one home of this rule (docs/architecture.md). Walks up from the
    would-be parent through `parent_of` (key → parent key, or None at the top)
    and answers True if the walk comes back to `key`. Keys are whatever the
    caller holds: primary keys for `Consortium.clean`, slugs for a CSV batch
    (`parent_of` is then a dict's `get` over the database's parents updated
    with the file's rows). A new record (`key` None) has no members yet, so
    it cannot; a loop higher up that does not pass through `key` ends the
    walk without an answer of True.
    """
    if key is None:
        return False
    seen = set()
    current = parent_key
    while current is not None and current not in seen:
        if current == key:
            return True
        seen.add(current)
        current = parent_of(current)
    return False


def saved_parent_of(pk):
    """The saved parent of a consortium, for `sits_inside_itself` one record at a time."""
    return Consortium.objects.filter(pk=pk).values_list("parent_id", flat=True).first()


class ConsortiumManager(models.Manager.from_queryset(ConsortiumQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Consortium(DatedModel):
    name = models.CharField(max_length=255, validators=LINE_VALIDATORS, help_text="The consortium's full current name.")
    slug = models.SlugField(max_length=255, unique=True, help_text="Short name used in web addresses and CSV files.")
    short_name = models.CharField(
        max_length=50, blank=True, validators=LINE_VALIDATORS, help_text="Acronym or short name, if any."
    )
    kind = models.CharField(
        max_length=20,
        choices=ConsortiumKind.choices,
        default=ConsortiumKind.CONSORTIUM,
        help_text="Alliance, consortium, partnership, network or programme.",
    )
    # PROTECT: deleting an alliance must not silently orphan or delete the consortia inside it.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The larger alliance or programme this sits inside, if any.",
    )
    description = models.TextField(
        blank=True,
        validators=TEXT_VALIDATORS,
        help_text="What the consortium is for.",
    )
    website = models.URLField(blank=True, validators=LINE_VALIDATORS, help_text="Home page, starting https://")
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="consortia", help_text="Subjects the consortium works on."
    )
    is_public = models.BooleanField(
        default=True, help_text="Untick to hide this consortium from visitors who are not logged in."
    )

    objects = ConsortiumManager()
    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        ordering = ["name"]
        verbose_name = "consortium"
        verbose_name_plural = "consortia"
        constraints = [
            dates_check("consortium"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="consortium_not_own_parent",
                violation_error_message="A consortium cannot sit inside itself.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self) -> str:
        return reverse("web:consortium-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if sits_inside_itself(self.pk, self.parent_id, saved_parent_of):
            raise ValidationError({"parent": INSIDE_ITSELF_MESSAGE})

    @property
    def leads(self):
        """Organisations leading it today (`Membership.objects.leads()`)."""
        leads = self.memberships.leads().select_related("organisation")
        return list({membership.organisation_id: membership.organisation for membership in leads}.values())


class ConsortiumName(OtherName):
    owner_field = "consortium"

    consortium = models.ForeignKey(
        Consortium, on_delete=models.CASCADE, related_name="other_names", help_text="Whose name this is."
    )
    # A consortium's other name is most often the one it had before.
    kind = models.CharField(
        max_length=20, choices=NameKind.choices, default=NameKind.FORMER, help_text="What sort of name this is."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["consortium__name", "start_date", "name"]
        verbose_name = "other consortium name"
        constraints = other_name_constraints("consortium")

    def natural_key(self):
        return super().natural_key()

    natural_key.dependencies = ["consortia.consortium"]
