"""Abstract bases shared by every model: timestamps, and start/end dates."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone


class BaseModel(models.Model):
    # db_default covers rows written without Python's help: fixtures, bulk loads, COPY.
    created_at = models.DateTimeField(
        auto_now_add=True, db_default=Now(), help_text="When this record was first saved."
    )
    updated_at = models.DateTimeField(auto_now=True, db_default=Now(), help_text="When this record was last changed.")

    class Meta:
        abstract = True


class VisibilityQuerySet(models.QuerySet):
    """Who may see a record: anonymous visitors see public ones; anyone logged in sees all."""

    def public(self):
        return self.filter(is_public=True)

    def visible_to(self, user):
        if user is not None and user.is_authenticated:
            return self
        return self.public()


class DatedQuerySet(models.QuerySet):
    """Reads for anything that starts and ends.

    Both dates are inclusive: a record that ends on 31 March is still in force
    on 31 March and has ended on 1 April. A missing date means "open".
    """

    def as_of(self, date: datetime.date):
        return self.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=date),
            Q(end_date__isnull=True) | Q(end_date__gte=date),
        )

    def current(self):
        return self.as_of(timezone.localdate())

    def ended(self, date: datetime.date | None = None):
        return self.filter(end_date__lt=date or timezone.localdate())


def dates_check(prefix: str) -> models.CheckConstraint:
    """The database refuses an end date before the start date."""
    return models.CheckConstraint(
        condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
        name=f"{prefix}_end_on_or_after_start",
        violation_error_message="The end date cannot be before the start date.",
    )


class DatedModel(BaseModel):
    start_date = models.DateField(null=True, blank=True, help_text="First day this was true. Leave blank if not known.")
    end_date = models.DateField(
        null=True, blank=True, help_text="Last day this was true. Leave blank while it is still true."
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})

    def is_current_on(self, date: datetime.date | None = None) -> bool:
        date = date or timezone.localdate()
        return (self.start_date is None or self.start_date <= date) and (self.end_date is None or self.end_date >= date)

    @property
    def is_current(self) -> bool:
        return self.is_current_on()
