"""Organisations, the other names they go by, and their contacts."""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from ..names import compose_search_names
from .base import (
    LINE_VALIDATORS,
    TEXT_VALIDATORS,
    BaseModel,
    VisibilityQuerySet,
    ends_before_start,
)
from .other_names import OtherName, other_name_constraints
from .reference import Region, Theme

DISSOLVED_BEFORE_FOUNDED_MESSAGE = "The date dissolved cannot be before the date founded."


class Classification(models.TextChoices):
    CHARITY = "charity", "Charity"
    MEMBERSHIP_BODY = "membership-body", "Membership body"
    REPRESENTATIVE_BODY = "representative-body", "Representative body"
    COMMUNITY_GROUP = "community-group", "Community group"
    SOCIAL_ENTERPRISE = "social-enterprise", "Social enterprise"
    COMPANY = "company", "Company"
    PUBLIC_BODY = "public-body", "Public body"
    FUNDER = "funder", "Funder"
    ACADEMIC = "academic", "University or research body"
    OTHER = "other", "Other"


class OrganisationQuerySet(VisibilityQuerySet):
    def named(self, name: str):
        """Organisations known by this exact name (any case), former names included."""
        name = (name or "").strip()
        return self.filter(
            Q(name__iexact=name) | Q(short_name__iexact=name) | Q(other_names__name__iexact=name)
        ).distinct()


class SlugQuerySetManager(models.Manager.from_queryset(OrganisationQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Organisation(BaseModel):
    name = models.CharField(
        max_length=255, validators=LINE_VALIDATORS, help_text="The organisation's full current name."
    )
    slug = models.SlugField(
        max_length=255, unique=True, help_text="Short name used in web addresses and CSV files, e.g. “nacro”."
    )
    short_name = models.CharField(
        max_length=50,
        blank=True,
        validators=LINE_VALIDATORS,
        help_text="Acronym or short name in everyday use, e.g. “AMHP”.",
    )
    classification = models.CharField(
        max_length=30, choices=Classification.choices, blank=True, help_text="What kind of organisation this is."
    )
    description = models.TextField(
        blank=True,
        validators=TEXT_VALIDATORS,
        help_text="What the organisation does, in a few sentences.",
    )
    website = models.URLField(blank=True, validators=LINE_VALIDATORS, help_text="Home page, starting https://")
    email = models.EmailField(
        blank=True, validators=LINE_VALIDATORS, help_text="General enquiries address (not a person's)."
    )
    phone = PhoneNumberField(blank=True, help_text="General enquiries telephone number.")
    founded_on = models.DateField(null=True, blank=True, help_text="Date founded, if known.")
    dissolved_on = models.DateField(null=True, blank=True, help_text="Date closed or dissolved, if it has.")
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="organisations",
        verbose_name="areas served",
        help_text="Regions and nations the organisation works in.",
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="organisations", help_text="Subjects the organisation works on."
    )
    member_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="For membership bodies: how many members it has, if known."
    )
    is_public = models.BooleanField(
        default=True, help_text="Untick to hide this organisation from visitors who are not logged in."
    )
    search_names = models.TextField(
        blank=True,
        editable=False,
        help_text="Every name, acronym and identifier, folded to lower case; kept up to date automatically.",
    )
    search_vector = SearchVectorField(
        null=True, editable=False, help_text="Full-text index (PostgreSQL only); kept up to date automatically."
    )

    objects = SlugQuerySetManager()
    history = HistoricalRecords(m2m_fields=[regions, themes], excluded_fields=["search_names", "search_vector"])

    class Meta:
        ordering = ["name"]
        verbose_name = "organisation"
        indexes = [
            models.Index(fields=["classification"], name="org_classification_idx"),
            models.Index(fields=["name"], name="org_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(founded_on__isnull=True)
                | Q(dissolved_on__isnull=True)
                | Q(dissolved_on__gte=models.F("founded_on")),
                name="organisation_dissolved_on_or_after_founded",
                violation_error_message=DISSOLVED_BEFORE_FOUNDED_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self) -> str:
        return reverse("web:organisation-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        # An organisation's life is a period too: founded_on starts it, dissolved_on ends it.
        if ends_before_start(self.founded_on, self.dissolved_on):
            raise ValidationError({"dissolved_on": DISSOLVED_BEFORE_FOUNDED_MESSAGE})

    def build_search_names(self) -> str:
        """`compose_search_names` over this organisation's saved names (prefetch them for many)."""
        return compose_search_names(
            self.name,
            self.short_name,
            [(other.kind, other.name) for other in self.other_names.all()],
            [(identifier.scheme, identifier.value) for identifier in self.identifiers.all()],
        )


class OrganisationName(OtherName):
    owner_field = "organisation"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="other_names", help_text="Whose name this is."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "kind", "name"]
        verbose_name = "other name"
        constraints = other_name_constraints("organisation")

    def natural_key(self):
        return super().natural_key()

    natural_key.dependencies = ["directory.organisation"]


class ContactQuerySet(VisibilityQuerySet):
    def public(self):
        """Contacts are personal data: a visitor sees one only if it is marked public,
        at an organisation that is listed publicly."""
        return self.filter(is_public=True, organisation__is_public=True)


class ContactManager(models.Manager.from_queryset(ContactQuerySet)):
    def get_by_natural_key(self, organisation_slug, name):
        return self.get(organisation__slug=organisation_slug, name=name)


class Contact(BaseModel):
    # CASCADE: a contact is someone at this organisation; without it the record is meaningless.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", help_text="Where this person works."
    )
    name = models.CharField(max_length=255, validators=LINE_VALIDATORS, help_text="The person's full name.")
    job_title = models.CharField(
        max_length=255, blank=True, validators=LINE_VALIDATORS, help_text="Their role, e.g. “Chief Executive”."
    )
    email = models.EmailField(blank=True, validators=LINE_VALIDATORS, help_text="Work email address.")
    phone = PhoneNumberField(
        blank=True, help_text="Work telephone number. UK numbers may be typed as dialled, e.g. 020 7946 0000."
    )
    is_public = models.BooleanField(
        default=False,
        help_text="Tick only if this person has agreed to be shown to visitors who are not logged in.",
    )
    notes = models.TextField(
        blank=True,
        validators=TEXT_VALIDATORS,
        help_text="Private notes for coordinators.",
    )
    last_verified_on = models.DateField(
        null=True, blank=True, help_text="When these details were last checked with the person."
    )

    objects = ContactManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = "contact"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="contact_unique_per_organisation",
                violation_error_message="This organisation already has a contact with this name.",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.name}, {self.job_title} ({self.organisation.name})"
            if self.job_title
            else (f"{self.name} ({self.organisation.name})")
        )

    def natural_key(self):
        return (self.organisation.slug, self.name)

    natural_key.dependencies = ["directory.organisation"]
