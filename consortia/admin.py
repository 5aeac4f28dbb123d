"""The coordinators' admin for consortia, memberships and joint outputs."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from directory.admin import OrganisationAdmin
from directory.admin_filters import DatedStatusFilter, InForceOnFilter, year_filter
from directory.admin_history import HistoryAdmin
from directory.models import Organisation
from directory.models.base import in_force_on

from .models import Consortium, ConsortiumName, JointOutput, Membership, OutputContributor
from .models.memberships import OVERLAP_MESSAGE, membership_clashes


def current_membership_count(counted: str) -> Count:
    """Count distinct `counted` over today's memberships (for list columns)."""
    return Count(counted, filter=in_force_on(timezone.localdate(), prefix="memberships"), distinct=True)


class MembershipFormSet(BaseInlineFormSet):
    """Refuse two overlapping rows for the same organisation and role within one form.

    Each row's own validation only sees what is already saved, so two new
    clashing rows typed together are caught here, by the same rule the
    importer runs over its batch (`membership_clashes`).
    """

    def clean(self):
        super().clean()
        organisation = self.instance if isinstance(self.instance, Organisation) else None
        consortium = self.instance if isinstance(self.instance, Consortium) else None
        rows = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            row_organisation = data.get("organisation") or organisation
            row_consortium = data.get("consortium") or consortium
            # Keys by id: an organisation or consortium being added has none yet, and is every row's.
            rows.append(
                (
                    getattr(row_organisation, "pk", None),
                    getattr(row_consortium, "pk", None),
                    data.get("role"),
                    data.get("start_date"),
                    data.get("end_date"),
                    (row_organisation, data.get("role")),
                )
            )
        clashes = membership_clashes(rows)
        if clashes:
            row_organisation, role = clashes[0][0]
            raise ValidationError(f"{OVERLAP_MESSAGE} ({row_organisation}, {role})")


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    fields = ["organisation", "consortium", "role", "start_date", "end_date", "note"]
    autocomplete_fields = ["organisation", "consortium"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "consortium")


class OrganisationMembershipInline(MembershipInline):
    fields = ["consortium", "role", "start_date", "end_date", "note"]


class ConsortiumMembershipInline(MembershipInline):
    fields = ["organisation", "role", "start_date", "end_date", "note"]


class MemberOnFilter(InForceOnFilter):
    """Organisations that were members of some consortium on the date (the consortium filter narrows it)."""

    title = "member on date"

    def in_force(self, queryset, date):
        return queryset.filter(pk__in=Membership.objects.as_of(date).values("organisation_id"))


class CurrentConsortiumFilter(admin.SimpleListFilter):
    """Members of one consortium today, or on the "member on date" date when one is given."""

    title = "member of"
    parameter_name = "current_member_of"

    def lookups(self, request, model_admin):
        return [(c.slug, c.name) for c in Consortium.objects.visible_to(request.user).only("slug", "name")]

    def queryset(self, request, queryset):
        if self.value():
            date = MemberOnFilter.date_in(request) or timezone.localdate()
            members = Membership.objects.as_of(date).filter(consortium__slug=self.value()).values("organisation_id")
            return queryset.filter(pk__in=members)
        return queryset


class OrganisationWithMembershipsAdmin(OrganisationAdmin):
    list_display = [*OrganisationAdmin.list_display[:-1], "current_consortia", "updated_on"]
    list_filter = [*OrganisationAdmin.list_filter, CurrentConsortiumFilter, MemberOnFilter, "memberships__role"]
    inlines = [*OrganisationAdmin.inlines, OrganisationMembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(current_consortia_total=current_membership_count("memberships__consortium"))
        )

    @admin.display(description="current consortia", ordering="current_consortia_total")
    def current_consortia(self, obj):
        return obj.current_consortia_total


admin.site.unregister(Organisation)
admin.site.register(Organisation, OrganisationWithMembershipsAdmin)


class ConsortiumNameInline(admin.TabularInline):
    model = ConsortiumName
    extra = 0
    fields = ["name", "kind", "start_date", "end_date", "note"]


@admin.register(Consortium)
class ConsortiumAdmin(HistoryAdmin):
    list_display = ["name", "kind", "parent", "current_members", "start_date", "end_date", "is_public"]
    list_filter = ["kind", "parent", "themes", DatedStatusFilter, "is_public"]
    search_fields = ["name", "short_name", "other_names__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "themes"]
    list_select_related = ["parent"]
    inlines = [ConsortiumNameInline, ConsortiumMembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(current_member_total=current_membership_count("memberships__organisation"))
        )

    @admin.display(description="current members", ordering="current_member_total")
    def current_members(self, obj):
        return obj.current_member_total


@admin.register(ConsortiumName)
class ConsortiumNameAdmin(HistoryAdmin):
    list_display = ["name", "kind", "consortium", "start_date", "end_date"]
    list_filter = ["kind", DatedStatusFilter]
    search_fields = ["name", "consortium__name"]
    autocomplete_fields = ["consortium"]
    list_select_related = ["consortium"]


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ["organisation", "consortium", "role", "start_date", "end_date", "is_current_display"]
    list_filter = [DatedStatusFilter, InForceOnFilter, "role", "consortium", year_filter("start_date", "year started")]
    search_fields = ["organisation__name", "organisation__short_name", "consortium__name"]
    autocomplete_fields = ["organisation", "consortium"]
    list_select_related = ["organisation", "consortium"]
    date_hierarchy = "start_date"

    @admin.display(description="current", boolean=True)
    def is_current_display(self, obj):
        return obj.is_current


class ContributorInline(admin.TabularInline):
    model = OutputContributor
    extra = 0
    fields = ["organisation", "role", "order"]
    autocomplete_fields = ["organisation"]


@admin.register(JointOutput)
class JointOutputAdmin(HistoryAdmin):
    list_display = ["title", "kind", "published_on", "consortium", "contributor_count", "is_public"]
    list_filter = ["kind", "consortium", "themes", year_filter("published_on", "year published"), "is_public"]
    search_fields = ["title", "summary", "contributors__organisation__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["consortium", "themes", "press_contact"]
    list_select_related = ["consortium"]
    inlines = [ContributorInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "published_on", "url", "consortium", "themes", "is_public"]}),
        ("Content", {"fields": ["summary", "key_findings", "recommendations"]}),
        ("Press", {"fields": ["press_contact"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(contributor_total=Count("contributors", distinct=True))

    @admin.display(description="contributors", ordering="contributor_total")
    def contributor_count(self, obj):
        return obj.contributor_total


@admin.register(OutputContributor)
class OutputContributorAdmin(HistoryAdmin):
    list_display = ["organisation", "role", "output", "order"]
    list_filter = ["role"]
    search_fields = ["organisation__name", "output__title"]
    autocomplete_fields = ["organisation", "output"]
    list_select_related = ["organisation", "output"]
