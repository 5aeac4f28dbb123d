"""Filters for every list, as django-filter FilterSets (documented in the schema).

An invalid value (an unknown slug, a malformed date, an unknown ordering
field) makes the form invalid, and DjangoFilterBackend answers 400 with that
field's error. So does a value a script probably did not mean: an empty one,
an empty part of a comma-separated list (`?ordering=name,`), or a second value
for a parameter that takes one (only the last would count). Filters that could
multiply rows (themes, memberships, contributors) use `pk__in` subqueries, so
no list needs DISTINCT.

`parameter_names(filterset_class)` is the set of query parameters a filter set
reads: the viewsets refuse any other (api/views.py).
"""

import re

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from consortia.models import Consortium, ConsortiumKind, JointOutput, Membership, OutputContributor, OutputKind, Role
from directory.identifiers import SCHEMES
from directory.models import (
    Classification,
    Contact,
    Organisation,
    OrganisationIdentifier,
    OrganisationRelationship,
    Region,
    RelationshipType,
    Theme,
)
from directory.models.base import parse_date_parameter
from directory.models.reference import Nation
from search.documents import search_organisations

# Filters that take slugs say so with this hint, which the OpenAPI schema reads (the method receives records).
Slug = str

YES_NO = [("true", "true"), ("false", "false")]

# The pages call their search box `q`, so people type it here too.
Q_LABEL = "Another name for `search` (the web pages call it q); give one of the two."


class DirectoryFilterSet(filters.FilterSet):
    """Every filter set: empty parameters are ignored, and choices are limited to visible records.

    Choices that name records (a consortium, an organisation) only offer what
    the caller may see; otherwise an anonymous caller could learn that a
    private consortium exists by filtering on its slug.
    """

    visible_choice_filters: tuple[str, ...] = ()

    def __init__(self, data=None, *args, request=None, **kwargs):
        self.empty_parameters = []
        if data is not None:
            empty = [key for key in data if "" in data.getlist(key)]
            if getattr(getattr(request, "accepted_renderer", None), "format", None) == "api":
                # The browsable API's filter form sends every field; an empty one there means "any".
                data = data.copy()
                for key in empty:
                    values = [value for value in data.getlist(key) if value != ""]
                    if values:
                        data.setlist(key, values)
                    else:
                        del data[key]
            else:
                # From a script, an empty value is a mistake worth reporting, not a silent "any".
                self.empty_parameters = empty
        super().__init__(data, *args, request=request, **kwargs)
        user = getattr(request, "user", None)
        for name in self.visible_choice_filters:
            field = self.filters[name]
            field.queryset = field.queryset.model.objects.visible_to(user)

    def is_valid(self):
        valid = super().is_valid()
        for parameter in self.empty_parameters:
            field = self.form_field_for(parameter)
            if field is not None:
                self.form.add_error(field, "Give a value, or leave this parameter out.")
                valid = False
        for name, message in self.malformed_parameters():
            if not self.form.has_error(name):
                self.form.add_error(name, message)
            valid = False
        if "q" in self.filters and "search" in self.filters and {"q", "search"} <= set(self.data):
            self.form.add_error("q", "q is another name for search: give one of them.")
            valid = False
        return valid

    def malformed_parameters(self):
        """Parameters given in a shape the filter would silently reshape: (name, message) pairs."""
        for name, filter_ in self.filters.items():
            values = self.data.getlist(name) if name in self.data else []
            # "name,,-founded_on" would drop the empty part, and "," the order itself.
            empty_part = any("" in (part.strip() for part in value.split(",")) for value in values if value)
            if isinstance(filter_, filters.BaseCSVFilter) and empty_part:
                yield name, "Give names separated by commas, with no empty ones (e.g. name,-created_at)."
            if len(values) > 1 and not takes_several(filter_):
                yield name, "Give this parameter once (only one value is taken)."

    def form_field_for(self, parameter: str) -> str | None:
        """The form field behind a query parameter (`founded_after` belongs to `founded`)."""
        if parameter in self.form.fields:
            return parameter
        base, _, suffix = parameter.rpartition("_")
        if suffix in ("after", "before", "min", "max") and base in self.form.fields:
            return base
        return None


def takes_several(filter_) -> bool:
    """Whether repeating the parameter gives the filter several values (`?theme=a&theme=b`)."""
    return issubclass(filter_.field_class, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)


def parameter_names(filterset_class) -> set[str]:
    """The query parameters a filter set reads (a range filter reads one per suffix)."""
    names = set()
    for name, filter_ in filterset_class.base_filters.items():
        suffixes = getattr(filter_.field_class.widget, "suffixes", None) if hasattr(filter_, "field_class") else None
        names |= {f"{name}_{suffix}" if suffix else name for suffix in suffixes} if suffixes else {name}
    return names


class IntegerFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class IsoDateField(forms.Field):
    """A date parameter read by `parse_date_parameter`: ISO 8601 only, as on the pages and in the admin.

    Django's own DateField would also read the site's local formats, so
    "01/04/2020" would be the 1st of April here and an error on the pages.
    """

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_date_parameter(value, "date")
        except ValidationError as error:
            # The form keys the message by the parameter's own name.
            raise ValidationError(error.message_dict["date"]) from None


class IsoDateFilter(filters.DateFilter):  # a DateFilter to the schema: type string, format date
    field_class = IsoDateField


def date_range(field_name: str, what: str) -> tuple[IsoDateFilter, IsoDateFilter]:
    """`<name>_after` and `<name>_before` (both inclusive), each a parameter of its own."""
    return (
        IsoDateFilter(field_name=field_name, lookup_expr="gte", label=f"{what} on or after (YYYY-MM-DD)."),
        IsoDateFilter(field_name=field_name, lookup_expr="lte", label=f"{what} on or before (YYYY-MM-DD)."),
    )


def slug_choice(model, label, **kwargs):
    return filters.ModelChoiceFilter(queryset=model.objects.all(), to_field_name="slug", label=label, **kwargs)


def slug_choices(model, label, **kwargs):
    return filters.ModelMultipleChoiceFilter(queryset=model.objects.all(), to_field_name="slug", label=label, **kwargs)


class OrganisationFilter(DirectoryFilterSet):
    classification = filters.MultipleChoiceFilter(
        choices=Classification.choices, label="Classification (repeat for any of several)."
    )
    theme = slug_choices(
        Theme,
        "Theme slug (repeat for any of several), e.g. race-equality.",
        method="filter_theme",
        field_name="themes__slug",
    )
    region = slug_choices(
        Region,
        "Region or nation slug (repeat for any of several), e.g. wales.",
        method="filter_region",
        field_name="regions__slug",
    )
    consortium = slug_choice(
        Consortium,
        "Consortium slug: its current members, or members on the `as_of` date.",
        method="filter_consortium",
        field_name="memberships__consortium__slug",
    )
    role = filters.ChoiceFilter(
        choices=Role.choices,
        label="Role in the consortium (with `consortium`, or in any consortium).",
        method="filter_membership",
    )
    as_of = IsoDateFilter(
        label="Date (YYYY-MM-DD) for the `consortium` and `role` filters and the memberships shown; today if absent.",
        method="filter_membership",
    )
    identifier_scheme = filters.ChoiceFilter(
        choices=[(code, code) for code in SCHEMES], label="Has an identifier in this register.", method="filter_scheme"
    )
    identifier = filters.CharFilter(
        label="Identifier value or org-id string, e.g. 1234567 or GB-CHC-1234567.", method="filter_identifier"
    )
    founded_after, founded_before = date_range("founded_on", "Founded")
    member_count_min = IntegerFilter(
        field_name="member_count", lookup_expr="gte", min_value=0, label="At least this many members."
    )
    member_count_max = IntegerFilter(
        field_name="member_count", lookup_expr="lte", min_value=0, label="At most this many members."
    )
    search = filters.CharFilter(
        label="Words in any name (former names too), acronym or identifier.", method="filter_search"
    )
    q = filters.CharFilter(label=Q_LABEL, method="filter_search")
    ordering = filters.OrderingFilter(
        fields=["name", "founded_on", "member_count", "created_at", "updated_at"],
        label="Sort by name, founded_on, member_count, created_at or updated_at; prefix - for descending.",
    )

    visible_choice_filters = ("consortium",)

    class Meta:
        model = Organisation
        fields = []

    def filter_theme(self, queryset, name, value: Slug):
        if not value:
            return queryset
        links = Organisation.themes.through.objects.filter(theme__in=value)
        return queryset.filter(pk__in=links.values("organisation_id"))

    def filter_region(self, queryset, name, value: Slug):
        if not value:
            return queryset
        links = Organisation.regions.through.objects.filter(region__in=value)
        return queryset.filter(pk__in=links.values("organisation_id"))

    def filter_consortium(self, queryset, name, value: Slug):
        return queryset  # consortium, role and as_of act together in filter_queryset

    def filter_membership(self, queryset, name, value):
        return queryset  # as above

    def filter_scheme(self, queryset, name, value):
        return queryset.filter(pk__in=OrganisationIdentifier.objects.filter(scheme=value).values("organisation_id"))

    def filter_identifier(self, queryset, name, value):
        text = value.strip().upper()
        identifiers = OrganisationIdentifier.objects.none()
        for code in sorted(SCHEMES, key=len, reverse=True):
            if text.startswith(code + "-"):
                value_part = SCHEMES[code].normalise(text[len(code) + 1 :])
                identifiers = OrganisationIdentifier.objects.filter(scheme=code, value=value_part)
                break
        else:
            # A bare value matches as the register wrote it, in any register.
            identifiers = OrganisationIdentifier.objects.filter(value=re.sub(r"[\s.\-]", "", text))
        return queryset.filter(pk__in=identifiers.values("organisation_id"))

    def filter_search(self, queryset, name, value):
        # The page's `q` reads through the same function: the same matches in the same order.
        return search_organisations(queryset, value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        consortium, role = data.get("consortium"), data.get("role")
        if consortium or role:
            # Through visible_to: `role` alone must not find a visitor the leads of a hidden consortium.
            memberships = Membership.objects.visible_to(getattr(self.request, "user", None)).as_of(
                data.get("as_of") or timezone.localdate()
            )
            if consortium:
                memberships = memberships.filter(consortium=consortium)
            if role:
                memberships = memberships.filter(role=role)
            queryset = queryset.filter(pk__in=memberships.values("organisation_id"))
        return queryset


class CurrentFilterMixin:
    def filter_as_of(self, queryset, name, value):
        return queryset.as_of(value)

    def filter_current(self, queryset, name, value):
        if value == "true":
            return queryset.current()
        if value == "false":
            return queryset.exclude(pk__in=queryset.model.objects.current().values("pk"))
        return queryset


class MembershipFilter(CurrentFilterMixin, DirectoryFilterSet):
    organisation = slug_choice(Organisation, "Organisation slug.")
    consortium = slug_choice(Consortium, "Consortium slug.")
    role = filters.MultipleChoiceFilter(choices=Role.choices, label="Role (repeat for any of several).")
    current = filters.ChoiceFilter(
        choices=YES_NO, label="true: in force today; false: ended or not yet begun.", method="filter_current"
    )
    as_of = IsoDateFilter(label="In force on this date (YYYY-MM-DD).", method="filter_as_of")
    started_after, started_before = date_range("start_date", "Started")
    ended_after, ended_before = date_range("end_date", "Ended")
    ordering = filters.OrderingFilter(
        fields=[
            ("start_date", "start_date"),
            ("end_date", "end_date"),
            ("role", "role"),
            ("organisation__name", "organisation"),
            ("consortium__name", "consortium"),
        ],
        label="Sort by start_date, end_date, role, organisation or consortium; prefix - for descending.",
    )

    visible_choice_filters = ("organisation", "consortium")

    class Meta:
        model = Membership
        fields = []


class OutputFilter(DirectoryFilterSet):
    kind = filters.MultipleChoiceFilter(choices=OutputKind.choices, label="Kind (repeat for any of several).")
    contributor = slug_choice(
        Organisation,
        "Organisation slug of a contributor.",
        method="filter_contributor",
        field_name="contributors__organisation__slug",
    )
    consortium = slug_choice(Consortium, "Consortium slug.")
    theme = slug_choices(
        Theme, "Theme slug (repeat for any of several).", method="filter_theme", field_name="themes__slug"
    )
    published_after, published_before = date_range("published_on", "Published")
    search = filters.CharFilter(label="Words in the title, summary or findings.", method="filter_search")
    q = filters.CharFilter(label=Q_LABEL, method="filter_search")
    ordering = filters.OrderingFilter(
        fields=["published_on", "title", "created_at"],
        label="Sort by published_on, title or created_at; prefix - for descending.",
    )

    visible_choice_filters = ("contributor", "consortium")

    class Meta:
        model = JointOutput
        fields = []

    def filter_contributor(self, queryset, name, value: Slug):
        return queryset.filter(pk__in=OutputContributor.objects.filter(organisation=value).values("output_id"))

    def filter_theme(self, queryset, name, value: Slug):
        if not value:
            return queryset
        links = JointOutput.themes.through.objects.filter(theme__in=value)
        return queryset.filter(pk__in=links.values("jointoutput_id"))

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class ContactFilter(DirectoryFilterSet):
    organisation = slug_choice(Organisation, "Organisation slug.")
    public = filters.ChoiceFilter(choices=YES_NO, label="true: only contacts marked public.", method="filter_public")
    ordering = filters.OrderingFilter(
        fields=["name", ("organisation__name", "organisation"), "last_verified_on"],
        label="Sort by name, organisation or last_verified_on; prefix - for descending.",
    )

    visible_choice_filters = ("organisation",)

    class Meta:
        model = Contact
        fields = []

    def filter_public(self, queryset, name, value):
        return queryset.filter(is_public=value == "true")


class RelationshipFilter(CurrentFilterMixin, DirectoryFilterSet):
    organisation = slug_choice(
        Organisation, "Organisation slug, at either end.", method="filter_organisation", field_name="subject__slug"
    )
    type = slug_choice(RelationshipType, "Relationship type slug, e.g. member-of.")
    current = filters.ChoiceFilter(choices=YES_NO, label="true: in force today.", method="filter_current")
    as_of = IsoDateFilter(label="In force on this date (YYYY-MM-DD).", method="filter_as_of")
    ordering = filters.OrderingFilter(
        fields=["start_date", "end_date", ("subject__name", "subject"), ("object__name", "object")],
        label="Sort by start_date, end_date, subject or object; prefix - for descending.",
    )

    visible_choice_filters = ("organisation",)

    class Meta:
        model = OrganisationRelationship
        fields = []

    def filter_organisation(self, queryset, name, value: Slug):
        return queryset.involving(value)


class ThemeFilter(DirectoryFilterSet):
    ordering = filters.OrderingFilter(fields=["name", "slug"], label="Sort by name or slug.")

    class Meta:
        model = Theme
        fields = []


class RegionFilter(DirectoryFilterSet):
    nation = filters.ChoiceFilter(choices=Nation.choices, label="Nation.")
    ordering = filters.OrderingFilter(fields=["order", "name"], label="Sort by order or name.")

    class Meta:
        model = Region
        fields = []


class ConsortiumFilter(DirectoryFilterSet):
    kind = filters.MultipleChoiceFilter(choices=ConsortiumKind.choices, label="Kind (repeat for any of several).")
    parent = slug_choice(Consortium, "Slug of the alliance or programme it sits inside.")
    theme = slug_choices(
        Theme, "Theme slug (repeat for any of several).", method="filter_theme", field_name="themes__slug"
    )
    current = filters.ChoiceFilter(choices=YES_NO, label="true: in force today.", method="filter_current")
    search = filters.CharFilter(label="Words in any name, former names too.", method="filter_search")
    q = filters.CharFilter(label=Q_LABEL, method="filter_search")
    ordering = filters.OrderingFilter(
        fields=["name", "start_date", "created_at"], label="Sort by name, start_date or created_at."
    )

    visible_choice_filters = ("parent",)

    class Meta:
        model = Consortium
        fields = []

    def filter_theme(self, queryset, name, value: Slug):
        if not value:
            return queryset
        links = Consortium.themes.through.objects.filter(theme__in=value)
        return queryset.filter(pk__in=links.values("consortium_id"))

    def filter_current(self, queryset, name, value):
        current = Consortium.objects.current().values("pk")
        return queryset.filter(pk__in=current) if value == "true" else queryset.exclude(pk__in=current)

    def filter_search(self, queryset, name, value):
        return queryset.filter(pk__in=Consortium.objects.search(value).values("pk"))
