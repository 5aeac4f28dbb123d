"""The member-facing directory: thin views over queryset methods and search.documents."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import QueryDict
from django.shortcuts import render
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
from search.documents import SearchParams, cached, current_member_counts, run_search, search_consortia, today
from search.index import filter_organisations, suggest_organisations, uses_full_text

PAGE_SIZE = 20
OUTPUT_FILTERS = ("kind", "consortium", "contributor", "theme", "year")


class CountedPaginator(Paginator):
    """A paginator told the total (counted with the facets, and cached with them)."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = count


def organisation_search(request, template_name="web/organisation_list.html"):
    params = SearchParams.from_querydict(request.GET)
    results, total, facets, active = run_search(params, request.user)
    page = CountedPaginator(results, PAGE_SIZE, count=total).get_page(request.GET.get("page"))
    consortium_matches = search_consortia(params, request.user)
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
            organisation.memberships.filter(consortium__in=Consortium.objects.visible_to(user).values("pk"))
            .select_related("consortium")
            .order_by("consortium__name", "start_date")
        )
        now = today()
        visible_orgs = Organisation.objects.visible_to(user).values("pk")
        relationships = []
        for link in (
            OrganisationRelationship.objects.involving(organisation)
            .filter(subject__in=visible_orgs, object__in=visible_orgs)
            .select_related("subject", "object", "type")
        ):
            if link.subject_id == organisation.pk:
                relationships.append((link.type.forward_label, link.object, link))
            else:
                relationships.append((link.type.reverse_label, link.subject, link))
        context.update(
            current_memberships=[m for m in memberships if m.end_date is None or m.end_date >= now],
            past_memberships=[m for m in memberships if m.end_date is not None and m.end_date < now],
            contributions=OutputContributor.objects.filter(
                organisation=organisation, output__in=JointOutput.objects.visible_to(user).values("pk")
            )
            .select_related("output")
            .order_by("-output__published_on", "output__title"),
            relationships=relationships,
            contacts=Contact.objects.visible_to(user).filter(organisation=organisation).order_by("name"),
            today=now,
        )
        return context


class ConsortiumListView(ListView):
    template_name = "web/consortium_list.html"
    context_object_name = "consortia"

    def get_queryset(self):
        return Consortium.objects.visible_to(self.request.user).select_related("parent").order_by("name")

    def member_counts(self) -> dict[int, int]:
        """Current members per consortium, counting only organisations this viewer may see (cached)."""
        user = self.request.user

        def count():
            if uses_full_text():  # PostgreSQL: distinct pairs read in order from an index, no hashing
                return current_member_counts(user.is_authenticated)
            memberships = Membership.objects.current()
            visible = Organisation.objects.visible_to(user)
            if visible.query.has_filters():  # a logged-in user sees every organisation: no 100,000-id join
                memberships = memberships.filter(organisation__in=visible.values("pk"))
            return dict(
                memberships.order_by().values_list("consortium_id").annotate(n=Count("organisation_id", distinct=True))
            )

        return cached(("consortium-member-counts", user.is_authenticated), count)

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


def parse_date(value: str):
    try:
        return datetime.date.fromisoformat(value.strip()), ""
    except ValueError:
        return None, f"“{value[:40]}” is not a date. Enter it as year-month-day, for example 2024-03-31."


def grouped_by_role(memberships):
    groups = {role: [] for role in Role}
    for membership in memberships:
        groups.setdefault(membership.role, []).append(membership)
    return [(Role(role).label if role in Role.values else role, items) for role, items in groups.items() if items]


class ConsortiumDetailView(DetailView):
    template_name = "web/consortium_detail.html"
    context_object_name = "consortium"

    def get_queryset(self):
        return (
            Consortium.objects.visible_to(self.request.user)
            .select_related("parent")
            .prefetch_related("other_names", "themes")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        consortium, user = self.object, self.request.user
        visible_orgs = Organisation.objects.visible_to(user).values("pk")
        memberships = consortium.memberships.filter(organisation__in=visible_orgs).select_related("organisation")
        current = list(memberships.current().order_by("organisation__name"))
        as_of_text = self.request.GET.get("on", "").strip()
        as_of, as_of_error = (None, "")
        if as_of_text:
            as_of, as_of_error = parse_date(as_of_text)
        parent = consortium.parent
        if parent is not None and not (parent.is_public or user.is_authenticated):
            parent = None
        context.update(
            parent=parent,
            children=Consortium.objects.visible_to(user).filter(parent=consortium).order_by("name"),
            leads=[m.organisation for m in current if m.role == Role.LEAD],
            current_groups=grouped_by_role(current),
            as_of=as_of,
            as_of_text=as_of_text,
            as_of_error=as_of_error,
            as_of_groups=grouped_by_role(memberships.as_of(as_of).order_by("organisation__name")) if as_of else [],
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
            outputs = outputs.filter(
                consortium__slug=chosen["consortium"],
                consortium__in=Consortium.objects.visible_to(user).values("pk"),
            )
        if chosen["contributor"]:
            # A slug (from a link) or words of a name, acronym or former name (typed).
            named = filter_organisations(Organisation.objects.visible_to(user), chosen["contributor"])
            contributors = Organisation.objects.visible_to(user).filter(
                Q(slug=chosen["contributor"]) | Q(pk__in=named.values("pk"))
            )
            outputs = outputs.filter(
                pk__in=OutputContributor.objects.filter(organisation__in=contributors.values("pk")).values("output")
            )
        if chosen["theme"]:
            outputs = outputs.filter(themes__slug=chosen["theme"])
        if chosen["year"]:
            if chosen["year"].isdigit() and 1900 <= int(chosen["year"]) <= 2100:
                outputs = outputs.filter(published_on__year=int(chosen["year"]))
            else:
                notices.append(f"“{chosen['year']}” is not a year, so that filter was left out.")
                chosen["year"] = ""
        visible_orgs = Organisation.objects.visible_to(user).values("pk")
        outputs = outputs.select_related("consortium").prefetch_related(
            "themes",
            Prefetch(
                "contributors",
                queryset=OutputContributor.objects.filter(organisation__in=visible_orgs)
                .select_related("organisation")
                .order_by("order", "organisation__name"),
            ),
        )
        all_visible = JointOutput.objects.visible_to(user)
        authenticated = user.is_authenticated

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
            **cached(("output-filters", authenticated), filter_lists),
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
        consortium = output.consortium
        if consortium is not None and not (consortium.is_public or user.is_authenticated):
            consortium = None
        context.update(
            consortium=consortium,
            contributors=output.contributors.filter(organisation__in=Organisation.objects.visible_to(user).values("pk"))
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
