from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from ..identifiers import SCHEMES
from .base import LINE_VALIDATORS, BaseModel, WritesAnnouncedQuerySet


class IdentifierScheme(models.TextChoices):
    GB_CHC = "GB-CHC", "GB-CHC — Charity Commission for England and Wales"
    GB_SC = "GB-SC", "GB-SC — Scottish Charity Regulator"
    GB_NIC = "GB-NIC", "GB-NIC — Charity Commission for Northern Ireland"
    GB_COH = "GB-COH", "GB-COH — Companies House"


class IdentifierManager(models.Manager.from_queryset(WritesAnnouncedQuerySet)):
    def get_by_natural_key(self, scheme, value):
        return self.get(scheme=scheme, value=value)


class OrganisationIdentifier(BaseModel):
    # CASCADE: an identifier means nothing without its organisation.
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        related_name="identifiers",
        help_text="The organisation this number belongs to.",
    )
    scheme = models.CharField(
        max_length=10,
        choices=IdentifierScheme.choices,
        help_text="The register that issued the number (an org-id.guide list).",
    )
    value = models.CharField(
        max_length=20,
        validators=LINE_VALIDATORS,
        help_text="The number as the register gives it, e.g. 1234567 for a charity in England and Wales.",
    )

    objects = IdentifierManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "value"]
        verbose_name = "identifier"
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "value"],
                name="identifier_unique_per_scheme",
                violation_error_message="Another organisation already has this number in this register.",
            ),
        ]

    def __str__(self) -> str:
        return self.org_id

    def natural_key(self):
        return (self.scheme, self.value)

    @property
    def org_id(self) -> str:
        return f"{self.scheme}-{self.value}"

    @property
    def register_url(self) -> str:
        scheme = SCHEMES.get(self.scheme)
        return scheme.url_for(self.value) if scheme else ""

    def clean(self) -> None:
        super().clean()
        scheme = SCHEMES.get(self.scheme)
        if scheme is None:
            return  # the choices check reports an unknown scheme
        self.value = scheme.normalise(self.value)
        try:
            scheme.validate(self.value)
        except ValidationError as error:
            raise ValidationError({"value": error.messages}) from error
