"""Abstract bases shared by every model, and the rules every reader and writer shares.

This module is the one home of three rules (docs/architecture.md):

- who may see a record: `sees_everything(user)` and each queryset's `public()`,
  asked through `visible_to(user)`;
- what is in force on a date: `in_force_on(date, prefix)`, with
  `period_contains` as its twin for a record already in memory;
- periods: `ends_before_start`, `overlapping_q` and, for a batch not yet in the
  database, `find_overlaps`.

It also holds what every typed text field carries: `LINE_VALIDATORS` for a
single-line value and `TEXT_VALIDATORS` (with `LONG_TEXT_MAX_LENGTH`) for a
multi-line text.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Now
from django.dispatch import Signal
from django.utils import timezone

from ..validators import reject_control_characters, reject_control_characters_in_text

END_BEFORE_START_MESSAGE = "The end date cannot be before the start date."

# The longest multi-line text (a description, notes, findings) a record may hold, and the
# importer's limit for a text cell: one number, so whatever the admin or the API accepts can be
# exported and imported back (docs/csv.md). The CSV reader allows one character more, for the
# apostrophe an export puts before a cell a spreadsheet could run as a formula. It is enforced
# by the MaxLengthValidator in TEXT_VALIDATORS: a TextField's max_length is not validated by the
# model, and setting it would make SQLite rebuild each table (dropping its search triggers).
LONG_TEXT_MAX_LENGTH = 131_072

# Every CharField a person types (names, titles, notes, addresses) carries LINE_VALIDATORS and
# every TextField TEXT_VALIDATORS, so the admin, the API and the importer refuse the same
# invisible characters (directory/validators.py).
LINE_VALIDATORS = [reject_control_characters]
TEXT_VALIDATORS = [MaxLengthValidator(LONG_TEXT_MAX_LENGTH), reject_control_characters_in_text]


class BaseModel(models.Model):
    # db_default covers rows written without Python's help: fixtures, bulk loads, COPY.
    created_at = models.DateTimeField(
        auto_now_add=True, db_default=Now(), help_text="When this record was first saved."
    )
    updated_at = models.DateTimeField(auto_now=True, db_default=Now(), help_text="When this record was last changed.")

    class Meta:
        abstract = True


def sees_everything(user) -> bool:
    """Who sees what: anyone logged in sees every record; a visitor sees only public ones.

    Each model's queryset says what "public" means for it (`public()`); every
    reader (pages, API, CSV, search, facet counts, the admin's member view)
    asks `visible_to(user)`. The visibility table is in docs/architecture.md.
    """
    return bool(user is not None and user.is_authenticated)


# Sent (on commit) after a bulk write that Django's model signals do not report: queryset.update(),
# bulk_create() and bulk_update(). Whatever keeps a copy of the directory (the search app's cache
# generation) listens to it as it listens to post_save.
bulk_written = Signal()


class WritesAnnouncedQuerySet(models.QuerySet):
    """A queryset whose bulk writes are announced, so that no cache outlives them."""

    def _announce(self) -> None:
        model = self.model
        transaction.on_commit(lambda: bulk_written.send(sender=model), using=self.db)

    def update(self, **kwargs):
        changed = super().update(**kwargs)
        if changed:
            self._announce()
        return changed

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            self._announce()
        return created

    def bulk_update(self, objs, *args, **kwargs):
        changed = super().bulk_update(objs, *args, **kwargs)
        if changed:
            self._announce()
        return changed


class VisibilityQuerySet(WritesAnnouncedQuerySet):
    """Who may see a record: anonymous visitors see public ones; anyone logged in sees all."""

    def public(self):
        return self.filter(is_public=True)

    def visible_to(self, user):
        if sees_everything(user):
            return self
        return self.public()


def in_force_on(date: datetime.date, prefix: str = "") -> Q:
    """What is in force on a date, as a condition on `prefix`'s start_date and end_date.

    Both dates are inclusive: a record that ends on 31 March is still in force
    on 31 March and has ended on 1 April. A missing date means "open". Raw SQL
    that needs the rule compiles a queryset filtered with this condition.
    """
    field = f"{prefix}__" if prefix else ""
    return (Q(**{f"{field}start_date__isnull": True}) | Q(**{f"{field}start_date__lte": date})) & (
        Q(**{f"{field}end_date__isnull": True}) | Q(**{f"{field}end_date__gte": date})
    )


def parse_date_parameter(value: str, parameter: str) -> datetime.date:
    """Read the date a list is asked about (`as_of` in the API, `on` on pages, the admin's filter).

    ISO 8601 (YYYY-MM-DD) only, everywhere: "01/04/2020" is the 1st of April
    to some readers and the 4th of January to others. A malformed date raises
    a ValidationError keyed by the parameter's name.
    """
    text = (value or "").strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise ValidationError({parameter: f"“{text}” is not a real date."}) from None
    raise ValidationError(
        {parameter: f"“{text[:40]}” is not a date. Give it as year-month-day, for example 2024-03-31."}
    )


def period_contains(start_date, end_date, date: datetime.date) -> bool:
    """`in_force_on` for a record already in memory."""
    return (start_date is None or start_date <= date) and (end_date is None or end_date >= date)


def overlapping_q(start_date, end_date, prefix: str = "") -> Q:
    """Records whose period shares at least one day with [start_date, end_date] (missing ends are open)."""
    field = f"{prefix}__" if prefix else ""
    condition = Q()
    if end_date is not None:
        condition &= Q(**{f"{field}start_date__isnull": True}) | Q(**{f"{field}start_date__lte": end_date})
    if start_date is not None:
        condition &= Q(**{f"{field}end_date__isnull": True}) | Q(**{f"{field}end_date__gte": start_date})
    return condition


def ends_before_start(start_date, end_date) -> bool:
    """End before start (the database's `dates_check` holds the same rule)."""
    return start_date is not None and end_date is not None and end_date < start_date


def find_overlaps(periods) -> list[tuple]:
    """Clashing periods among many, in O(n log n): `overlapping_q` for a batch not in the database.

    `periods` is an iterable of (start, end, item); a missing start is the
    beginning of time and a missing end is open. They are sorted by start and
    each is compared with the furthest-reaching period that started before it.
    Returns an (item, earlier_item) pair for every period that overlaps an
    earlier one, so each clashing period is named at least once.
    """
    ordered = sorted(periods, key=lambda period: (period[0] is not None, period[0] or datetime.date.min))
    clashes = []
    reach = None  # (end, item) of the period that reaches furthest so far; an end of None is open
    for start, end, item in ordered:
        if reach is not None and (reach[0] is None or start is None or start <= reach[0]):
            clashes.append((item, reach[1]))
        if reach is None or (reach[0] is not None and (end is None or end > reach[0])):
            reach = (end, item)
    return clashes


class DatedQuerySet(WritesAnnouncedQuerySet):
    """Reads for anything that starts and ends; the rule itself is `in_force_on`."""

    def as_of(self, date: datetime.date):
        return self.filter(in_force_on(date))

    def current(self):
        return self.as_of(timezone.localdate())

    def ended(self, date: datetime.date | None = None):
        return self.filter(end_date__lt=date or timezone.localdate())

    def overlapping(self, start_date, end_date):
        """Records whose period shares at least one day with [start_date, end_date]."""
        return self.filter(overlapping_q(start_date, end_date))


def dates_check(prefix: str) -> models.CheckConstraint:
    """The database refuses an end date before the start date."""
    return models.CheckConstraint(
        condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
        name=f"{prefix}_end_on_or_after_start",
        violation_error_message=END_BEFORE_START_MESSAGE,
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
        if ends_before_start(self.start_date, self.end_date):
            raise ValidationError({"end_date": END_BEFORE_START_MESSAGE})

    def is_current_on(self, date: datetime.date | None = None) -> bool:
        return period_contains(self.start_date, self.end_date, date or timezone.localdate())

    @property
    def is_current(self) -> bool:
        return self.is_current_on()
