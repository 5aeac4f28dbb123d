"""The member-facing directory: thin views over queryset methods and search.documents."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import QueryDict
from django.shortcuts import render
from django.utils.timezone import localdate as today
from django.views.generic import DetailView, ListView, TemplateView

from consortia.models import (
    Consortium,
    ContributorRole,
    JointOutput,
    Membership,
    OutputContributor,
    OutputKind,
    Role,
)
from directory.models import Contact, Organisation, OrganisationRelationship, Theme
from directory.models.base import parse_date_parameter, sees_everything
from search.documents import filter_organisations, search_consortia, suggest_organisations
from search.facets import cached, member_counts
from web.params import SearchParams
from web.search_page import run_search

PAGE_SIZE = 20
OUTPUT_FILTERS = ("kind", "consortium", "contributor", "theme", "year")


class CountedPaginator(Paginator):
    """A paginator told the total (counted with the facets, and cached with them)."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = count


class DateOn:
    """The date a page is asked about (`?on=YYYY-MM-DD`), read by `parse_date_parameter`.

    The API's `as_of` and the admin's "member on date" filter read dates the same
    way (docs/architecture.md). A malformed date is a form error on the `on`
    field and the page still answers: it shows today's picture instead.
    """

    parameter = "on"

    def __init__(self, data):
        self.text = data.get(self.parameter, "").strip()[:40]
        self.date, self.error = None, ""
        if self.text:
            try:
                self.date = parse_date_parameter(self.text, self.parameter)
            except ValidationError as error:
                # Worded as the search page words it (web.params), naming the parameter.
                self.error = f"The date “{self.parameter}” was left out: {' '.join(error.message_dict[self.parameter])}"


def organisation_search(request, template_name="web/organisation_list.html"):
    params = SearchParams.from_querydict(request.GET)
    results, total, facets, active = run_search(params, request.user)
    page = CountedPaginator(results, PAGE_SIZE, count=total).get_page(request.GET.get("page"))
    consortium_matches = search_consortia(params.q, request.user)
    suggestions = []
    if params.q and not page.object_list:
        suggestions = list(suggest_organisations(Organisation.objects.visible_to(request.user), params.prepared))
    context = {
        "params": params,
        "page": page,
        "facets": facets,
        "active_filters": active,
        "consortium_matches": consortium_matches,
        "suggestions": suggestions,
        "page_query": params.querydict().urlencode(),
        "clear_filters_query": params.querydict(theme=[], region=[], consortium=[], classification="").urlencode(),
    }
    return render(request, template_name, context)


def home(request):
    return organisation_search(request, template_name="web/home.html")


class OrganisationDetailView(DetailView):
    template_name = "web/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return Organisation.objects.visible_to(self.request.user).prefetch_related(
            "other_names", "identifiers", "themes", "regions"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation, user = self.object, self.request.user
        memberships = list(
            Membership.objects.visible_to(user)
            .for_organisation(organisation)
            .select_related("consortium")
            .order_by("consortium__name", "start_date")
        )
        relationships = []
        for link in (
            OrganisationRelationship.objects.visible_to(user)
            .involving(organisation)
            .select_related("subject", "object", "type")
        ):
            if link.subject_id == organisation.pk:
                relationships.append((link.type.forward_label, link.object, link))
            else:
                relationships.append((link.type.reverse_label, link.subject, link))
        now, on = today(), DateOn(self.request.GET)
        # "Current" is the one rule, in force today (DatedModel.is_current_on); what is not in force
        # has either not started yet or ended.
        current = [m for m in memberships if m.is_current_on(now)]
        future = [m for m in memberships if not m.is_current_on(now) and m.start_date and m.start_date > now]
        context.update(
            current_memberships=current,
            future_memberships=future,
            past_memberships=[m for m in memberships if m not in current and m not in future],
            contributions=OutputContributor.objects.visible_to(user)
            .filter(organisation=organisation)
            .select_related("output")
            .order_by("-output__published_on", "output__title"),
            relationships=relationships,
            contacts=Contact.objects.visible_to(user).filter(organisation=organisation).order_by("name"),
            today=now,
            on=on,
            on_memberships=[m for m in memberships if m.is_current_on(on.date)] if on.date else [],
            on_relationships=[r for r in relationships if r[2].is_current_on(on.date)] if on.date else [],
        )
        return context


class ConsortiumListView(ListView):
    template_name = "web/consortium_list.html"
    context_object_name = "consortia"

    def get_queryset(self):
        user = self.request.user
        return Consortium.objects.visible_to(user).with_parent_visible_to(user).order_by("name")

    def member_counts(self) -> dict[int, int]:
        """Current members per consortium, counting only organisations this viewer may see (cached)."""
        return member_counts(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        consortia = list(context["consortia"])
        counts = self.member_counts()
        for consortium in consortia:
            consortium.member_count = counts.get(consortium.pk, 0)
        ids = {c.pk for c in consortia}
        children = {}
        for consortium in consortia:
            if consortium.parent_id in ids:
                children.setdefault(consortium.parent_id, []).append(consortium)
        context["tree"] = [
            (consortium, children.get(consortium.pk, [])) for consortium in consortia if consortium.parent_id not in ids
        ]
        return context


def grouped_by_role(memberships):
    groups = {role: [] for role in Role}
    for membership in memberships:
        groups.setdefault(membership.role, []).append(membership)
    return [(Role(role).label if role in Role.values else role, items) for role, items in groups.items() if items]


class ConsortiumDetailView(DetailView):
    template_name = "web/consortium_detail.html"
    context_object_name = "consortium"

    def get_queryset(self):
        user = self.request.user
        return (
            Consortium.objects.visible_to(user).with_parent_visible_to(user).prefetch_related("other_names", "themes")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        consortium, user = self.object, self.request.user
        memberships = Membership.objects.visible_to(user).for_consortium(consortium).select_related("organisation")
        current = list(memberships.current().order_by("organisation__name"))
        on = DateOn(self.request.GET)
        context.update(
            parent=consortium.parent,
            children=Consortium.objects.visible_to(user).filter(parent=consortium).order_by("name"),
            leads=[m.organisation for m in current if m.role == Role.LEAD],
            current_groups=grouped_by_role(current),
            on=on,
            as_of_groups=grouped_by_role(memberships.as_of(on.date).order_by("organisation__name")) if on.date else [],
            outputs=JointOutput.objects.visible_to(user).filter(consortium=consortium),
        )
        return context


class OutputListView(TemplateView):
    template_name = "web/output_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, data = self.request.user, self.request.GET
        outputs = JointOutput.objects.visible_to(user)
        notices = []
        chosen = {
            key: data.get(key, "").strip()[:100] for key in ("kind", "consortium", "contributor", "theme", "year")
        }
        if chosen["kind"]:
            if chosen["kind"] in OutputKind.values:
                outputs = outputs.filter(kind=chosen["kind"])
            else:
                notices.append(f"There is no kind of output “{chosen['kind']}”, so that filter was left out.")
                chosen["kind"] = ""
        if chosen["consortium"]:
            outputs = outputs.filter(consortium__slug=chosen["consortium"])  # a visible output's consortium is visible
        if chosen["contributor"]:
            # A slug (from a link) or words of a name, acronym or former name (typed).
            named = filter_organisations(Organisation.objects.visible_to(user), chosen["contributor"])
            contributors = Organisation.objects.visible_to(user).filter(
                Q(slug=chosen["contributor"]) | Q(pk__in=named.values("pk"))
            )
            outputs = outputs.filter(
                pk__in=OutputContributor.objects.visible_to(user)
                .filter(organisation__in=contributors.values("pk"))
                .values("output")
            )
        if chosen["theme"]:
            outputs = outputs.filter(themes__slug=chosen["theme"])
        if chosen["year"]:
            if chosen["year"].isdigit() and 1900 <= int(chosen["year"]) <= 2100:
                outputs = outputs.filter(published_on__year=int(chosen["year"]))
            else:
                notices.append(f"“{chosen['year']}” is not a year, so that filter was left out.")
                chosen["year"] = ""
        outputs = outputs.select_related("consortium").prefetch_related(
            "themes",
            Prefetch(
                "contributors",
                queryset=OutputContributor.objects.visible_to(user)
                .select_related("organisation")
                .order_by("order", "organisation__name"),
            ),
        )
        all_visible = JointOutput.objects.visible_to(user)

        def filter_lists():
            return {
                "consortia": list(
                    Consortium.objects.visible_to(user)
                    .filter(pk__in=all_visible.values("consortium"))
                    .order_by("name")
                    .values_list("slug", "name")
                ),
                "themes": list(
                    Theme.objects.filter(pk__in=all_visible.values("themes"))
                    .order_by("name")
                    .values_list("slug", "name")
                ),
                "years": [d.year for d in all_visible.dates("published_on", "year", order="DESC")],
            }

        query = {key: value for key, value in chosen.items() if value}
        page_query = QueryDict(mutable=True)
        page_query.update(query)
        context.update(
            page=Paginator(outputs, PAGE_SIZE).get_page(data.get("page")),
            chosen=chosen,
            notices=notices,
            has_filters=bool(query),
            page_query=page_query.urlencode(),
            kinds=OutputKind.choices,
            **cached(("output-filters", sees_everything(user)), filter_lists),
        )
        return context


class OutputDetailView(DetailView):
    template_name = "web/output_detail.html"
    context_object_name = "output"

    def get_queryset(self):
        return JointOutput.objects.visible_to(self.request.user).select_related("consortium").prefetch_related("themes")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        output, user = self.object, self.request.user
        context.update(
            # The output is visible, so its consortium is (JointOutputQuerySet.public).
            consortium=output.consortium,
            contributors=OutputContributor.objects.visible_to(user)
            .filter(output=output)
            .select_related("organisation")
            .order_by("order", "organisation__name"),
            press_contact=Contact.objects.visible_to(user)
            .filter(pk=output.press_contact_id)
            .select_related("organisation")
            .first()
            if output.press_contact_id
            else None,
            contributor_roles=ContributorRole,
        )
        return context
