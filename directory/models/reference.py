"""Reference lists: the regions and nations an organisation serves, and themes."""

from django.db import models
from simple_history.models import HistoricalRecords

from .base import LINE_VALIDATORS, TEXT_VALIDATORS, BaseModel, WritesAnnouncedQuerySet


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class SlugManager(models.Manager.from_queryset(WritesAnnouncedQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Region(BaseModel):
    name = models.CharField(
        max_length=100, unique=True, validators=LINE_VALIDATORS, help_text="For example “North East” or “Wales”."
    )
    slug = models.SlugField(max_length=100, unique=True, help_text="Short name used in web addresses and CSV files.")
    nation = models.CharField(max_length=20, choices=Nation.choices, help_text="The nation this region is in.")
    code = models.CharField(
        max_length=9,
        blank=True,
        validators=LINE_VALIDATORS,
        help_text="Office for National Statistics code, for example E12000001.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in lists.")

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "region"

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)


class Theme(BaseModel):
    name = models.CharField(
        max_length=100,
        unique=True,
        validators=LINE_VALIDATORS,
        help_text="A subject partners work on, e.g. “Mental health”.",
    )
    slug = models.SlugField(max_length=100, unique=True, help_text="Short name used in web addresses and CSV files.")
    description = models.TextField(blank=True, validators=TEXT_VALIDATORS, help_text="What this theme covers.")

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "theme"

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)
