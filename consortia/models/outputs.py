"""What partners publish together, and who contributed in what role."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from directory.models import BaseModel, Contact, Organisation, Theme
from directory.models.base import LINE_VALIDATORS, TEXT_VALIDATORS, VisibilityQuerySet
from directory.names import fold

from .consortia import Consortium


class OutputKind(models.TextChoices):
    BRIEFING = "briefing", "Briefing"
    REPORT = "report", "Report"
    CONSULTATION_RESPONSE = "consultation-response", "Consultation response"
    EVENT = "event", "Event"
    STATEMENT = "statement", "Statement"
    GUIDANCE = "guidance", "Guidance"
    CAMPAIGN = "campaign", "Campaign"


class ContributorRole(models.TextChoices):
    LEAD = "lead", "Lead"
    CO_AUTHOR = "co-author", "Co-author"
    PARTNER = "partner", "Partner"
    ENDORSER = "endorser", "Endorser"


class JointOutputQuerySet(VisibilityQuerySet):
    def public(self):
        """A visitor sees an output that is marked public, whose consortium (if it names one) is
        public, and that has at least one public contributor or no contributors at all.

        An output credited only to hidden organisations would otherwise show
        a visitor that hidden work exists."""
        contributors = OutputContributor.objects.filter(output=models.OuterRef("pk"))
        return self.filter(
            Q(consortium__isnull=True) | Q(consortium__is_public=True),
            ~models.Exists(contributors) | models.Exists(contributors.filter(organisation__is_public=True)),
            is_public=True,
        )

    def published_between(self, start=None, end=None):
        queryset = self
        if start:
            queryset = queryset.filter(published_on__gte=start)
        if end:
            queryset = queryset.filter(published_on__lte=end)
        return queryset

    def search(self, query: str):
        condition = Q()
        for word in fold(query).split():
            condition &= Q(title__icontains=word) | Q(summary__icontains=word) | Q(key_findings__icontains=word)
        return self.filter(condition)


class JointOutputManager(models.Manager.from_queryset(JointOutputQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class JointOutput(BaseModel):
    title = models.CharField(max_length=300, validators=LINE_VALIDATORS, help_text="The title as published.")
    slug = models.SlugField(max_length=255, unique=True, help_text="Short name used in web addresses and CSV files.")
    kind = models.CharField(
        max_length=30, choices=OutputKind.choices, default=OutputKind.BRIEFING, help_text="What sort of output."
    )
    published_on = models.DateField(
        null=True, blank=True, help_text="Publication date. Leave blank if it is not known."
    )
    url = models.URLField(
        blank=True, max_length=500, validators=LINE_VALIDATORS, help_text="Where it can be read, starting https://"
    )
    summary = models.TextField(
        blank=True,
        validators=TEXT_VALIDATORS,
        help_text="A short summary in plain English.",
    )
    key_findings = models.TextField(
        blank=True,
        validators=TEXT_VALIDATORS,
        help_text="Key findings, one per line.",
    )
    recommendations = models.TextField(
        blank=True,
        validators=TEXT_VALIDATORS,
        help_text="Recommendations, one per line.",
    )
    # SET_NULL: an output outlives the consortium record it was filed under.
    consortium = models.ForeignKey(
        Consortium,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outputs",
        help_text="The consortium it was produced in, if any.",
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="outputs", help_text="Subjects it covers.")
    # SET_NULL: removing a contact's personal data must not delete the publication.
    press_contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="press_outputs",
        help_text="Who answers press enquiries about it.",
    )
    is_public = models.BooleanField(
        default=True, help_text="Untick to hide this output from visitors who are not logged in."
    )

    objects = JointOutputManager()
    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = "joint output"
        indexes = [models.Index(fields=["published_on"], name="output_published_idx")]

    def __str__(self) -> str:
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self) -> str:
        return reverse("web:output-detail", kwargs={"slug": self.slug})

    @property
    def key_findings_list(self) -> list[str]:
        return [line.strip() for line in self.key_findings.splitlines() if line.strip()]

    @property
    def recommendations_list(self) -> list[str]:
        return [line.strip() for line in self.recommendations.splitlines() if line.strip()]


class OutputContributorQuerySet(VisibilityQuerySet):
    def public(self):
        """A visitor sees a contributor line when the organisation and the output are both visible."""
        return self.filter(organisation__is_public=True, output__in=JointOutput.objects.public().values("pk"))


class OutputContributorManager(models.Manager.from_queryset(OutputContributorQuerySet)):
    def get_by_natural_key(self, output_slug, organisation_slug):
        return self.get(output__slug=output_slug, organisation__slug=organisation_slug)


class OutputContributor(BaseModel):
    # CASCADE: a contributor line is part of the output's record.
    output = models.ForeignKey(
        JointOutput, on_delete=models.CASCADE, related_name="contributors", help_text="The joint output."
    )
    # PROTECT: an organisation that contributed to an output cannot vanish from its credits.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contributions", help_text="Who contributed."
    )
    role = models.CharField(
        max_length=20,
        choices=ContributorRole.choices,
        default=ContributorRole.CO_AUTHOR,
        help_text="Lead, co-author, partner or endorser.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the list of contributors.")

    objects = OutputContributorManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["output__title", "order", "organisation__name"]
        verbose_name = "contributor"
        constraints = [
            models.UniqueConstraint(
                fields=["output", "organisation"],
                name="contributor_once_per_output",
                violation_error_message="This organisation is already a contributor to this output.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} ({self.get_role_display().lower()}) — {self.output.title}"

    def natural_key(self):
        return (self.output.slug, self.organisation.slug)

    natural_key.dependencies = ["consortia.jointoutput", "directory.organisation"]
