"""The coordinators' admin for organisations, their names, identifiers and contacts."""

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format

from .admin_filters import DatedStatusFilter, InForceOnFilter
from .admin_history import HistoryAdmin
from .models import (
    Contact,
    Organisation,
    OrganisationIdentifier,
    OrganisationName,
    OrganisationRelationship,
    Region,
    RelationshipType,
    Theme,
)


class VisibleToMixin:
    """The admin reads through `visible_to` like every other channel (docs/architecture.md, visibility).

    Only logged-in staff reach the admin, so today Members and Coordinators
    list every record; should the rule change, it changes here too.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class OrganisationNameInline(admin.TabularInline):
    model = OrganisationName
    extra = 0
    fields = ["name", "kind", "start_date", "end_date", "note"]


class IdentifierInline(admin.TabularInline):
    model = OrganisationIdentifier
    extra = 0
    fields = ["scheme", "value", "org_id_display"]
    readonly_fields = ["org_id_display"]

    @admin.display(description="org-id")
    def org_id_display(self, obj):
        return obj.org_id if obj.pk else "—"


class ContactInline(admin.StackedInline):
    model = Contact
    extra = 0
    fields = [("name", "job_title"), ("email", "phone"), ("is_public", "last_verified_on"), "notes"]


@admin.register(Organisation)
class OrganisationAdmin(VisibleToMixin, HistoryAdmin):
    list_display = ["name", "short_name", "classification", "member_count", "is_public", "updated_on"]
    list_filter = ["classification", "regions", "themes", "is_public"]
    # search_names holds every name (former names and acronyms too) and identifier, folded to lower case.
    search_fields = ["name", "short_name", "search_names"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["regions", "themes"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "short_name", "classification", "description", "is_public"]}),
        ("Contact details", {"fields": ["website", "email", "phone"]}),
        ("Work", {"fields": ["regions", "themes", "member_count"]}),
        ("Dates", {"fields": ["founded_on", "dissolved_on", "created_at", "updated_at"]}),
    ]
    inlines = [OrganisationNameInline, IdentifierInline, ContactInline]
    # The consortia app extends this admin with memberships (directory knows nothing of consortia).

    @admin.display(description="updated", ordering="updated_at")
    def updated_on(self, obj):
        # The day, which fits a narrow column (the time is on the record's page and in its history).
        return date_format(timezone.localtime(obj.updated_at).date())


@admin.register(OrganisationName)
class OrganisationNameAdmin(HistoryAdmin):
    list_display = ["name", "kind", "organisation", "start_date", "end_date"]
    list_filter = ["kind", DatedStatusFilter]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]


@admin.register(OrganisationIdentifier)
class OrganisationIdentifierAdmin(HistoryAdmin):
    list_display = ["org_id_display", "organisation", "scheme", "value"]
    list_filter = ["scheme"]
    search_fields = ["value", "organisation__name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]

    @admin.display(description="org-id", ordering="value")
    def org_id_display(self, obj):
        return obj.org_id


@admin.register(Contact)
class ContactAdmin(VisibleToMixin, HistoryAdmin):
    list_display = ["name", "job_title", "organisation", "email", "phone", "is_public", "last_verified_on"]
    list_filter = ["is_public", "organisation__classification"]
    search_fields = ["name", "job_title", "email", "organisation__name", "organisation__short_name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]


@admin.register(Theme)
class ThemeAdmin(HistoryAdmin):
    list_display = ["name", "slug", "organisation_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(organisation_total=Count("organisations", distinct=True))

    @admin.display(description="organisations", ordering="organisation_total")
    def organisation_count(self, obj):
        return obj.organisation_total


@admin.register(Region)
class RegionAdmin(HistoryAdmin):
    list_display = ["name", "nation", "code"]
    list_filter = ["nation"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RelationshipType)
class RelationshipTypeAdmin(HistoryAdmin):
    list_display = ["name", "forward_label", "reverse_label"]
    search_fields = ["name", "forward_label", "reverse_label"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(OrganisationRelationship)
class OrganisationRelationshipAdmin(VisibleToMixin, HistoryAdmin):
    list_display = ["subject", "type", "object", "start_date", "end_date"]
    list_filter = ["type", DatedStatusFilter, InForceOnFilter]
    search_fields = ["subject__name", "object__name", "subject__short_name", "object__short_name"]
    autocomplete_fields = ["subject", "object", "type"]
    list_select_related = ["subject", "object", "type"]
