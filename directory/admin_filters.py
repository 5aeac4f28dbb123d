"""List filters shared by the admin of both apps."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models.base import in_force_on, parse_date_parameter


class DatedStatusFilter(admin.SimpleListFilter):
    """Current / ended / not yet started, for anything with start and end dates."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("current", "Current"), ("ended", "Ended"), ("future", "Not started yet")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.as_of(today)
        if self.value() == "ended":
            return queryset.ended(today)
        if self.value() == "future":
            return queryset.filter(start_date__gt=today)
        return queryset


class InForceOnFilter(admin.ListFilter):
    """Records in force on a date the coordinator types (`?on=YYYY-MM-DD`).

    The date is read by `parse_date_parameter`, the reader of the API's `as_of`
    and the pages' `on` (docs/architecture.md): ISO 8601 only. A malformed date
    is reported in a message naming the filter, and the list stays unfiltered.
    """

    title = "in force on"
    parameter_name = "on"
    template = "admin/date_on_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.text, self.date = "", None
        if self.parameter_name in params:
            self.text = params.pop(self.parameter_name)[-1].strip()
            self.used_parameters[self.parameter_name] = self.text
            try:
                self.date = parse_date_parameter(self.text, self.parameter_name)
            except ValidationError as error:
                # The change list builds its filters more than once (facets); say it once.
                reported = request.__dict__.setdefault("_date_filter_errors", set())
                if self.parameter_name not in reported:
                    reported.add(self.parameter_name)
                    message = " ".join(error.message_dict[self.parameter_name])
                    messages.error(request, f"{self.title.capitalize()} ({self.parameter_name}): {message}")

    @classmethod
    def date_in(cls, request):
        """The filter's date for another filter that works with it; None if absent or malformed."""
        try:
            return parse_date_parameter(request.GET[cls.parameter_name], cls.parameter_name)
        except (KeyError, ValidationError):
            return None

    def has_output(self):
        return True

    def expected_parameters(self):
        return [self.parameter_name]

    def choices(self, changelist):
        yield {
            "text": self.text,
            "parameter": self.parameter_name,
            "others": [
                (name, value)
                for name, values in changelist.filter_params.items()
                if name != self.parameter_name
                for value in values
            ],
            "clear_query_string": changelist.get_query_string(remove=[self.parameter_name]),
        }

    def queryset(self, request, queryset):
        if self.date is None:
            return queryset
        return self.in_force(queryset, self.date)

    def in_force(self, queryset, date):
        return queryset.filter(in_force_on(date))


def year_filter(field_name: str, title: str):
    """A filter by the year of a date field, listing only years that occur."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = f"{field_name}_year"

        def lookups(self, request, model_admin):
            dates = model_admin.get_queryset(request).dates(field_name, "year", order="DESC")
            return [(str(d.year), str(d.year)) for d in dates]

        def queryset(self, request, queryset):
            if self.value() and self.value().isdigit():
                return queryset.filter(**{f"{field_name}__year": int(self.value())})
            return queryset

    YearFilter.title = title
    return YearFilter
