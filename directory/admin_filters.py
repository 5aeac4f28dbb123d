"""List filters shared by the admin of both apps."""

from django.contrib import admin
from django.utils import timezone


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
            return queryset.filter(end_date__lt=today)
        if self.value() == "future":
            return queryset.filter(start_date__gt=today)
        return queryset


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
