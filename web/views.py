"""The member-facing directory: thin views over queryset methods and search.documents."""

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils.timezone import localdate as today
from django.views.generic import DetailView, ListView, TemplateView

from consortia.models import (
    Consortium,
    ContributorRole,
    JointOutput,
    Membership,
    OutputContributor,
    OutputKind,
)
from consortia.models.memberships import lead_organisations
from directory.models import Contact, Organisation, OrganisationRelationship, Theme
from directory.models.base import sees_everything
from search.documents import filter_organisations, search_consortia, suggest_organisations
from search.facets import cached, member_counts
from web.downloads import blank_press_contacts_unless_visible, csv_response, in_page_order, slug_batches
from web.params import OutputParams, PageQuery, SearchParams
from web.roles import by_consortium, by_organisation, grouped_by_role
from web.search_page import run_search

PAGE_SIZE = 20


class CountedPaginator(Paginator):
    """A paginator told the total (counted with the facets, and cached with them)."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = count


def organisation_search(request, template_name="web/organisation_list.html"):
    params = SearchParams.from_request(request)
    results, total, facets, active = run_search(params, request.user)
    page = CountedPaginator(results, PAGE_SIZE, count=total).get_page(params.page)
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


def organisation_search_csv(request):
    """The search page's list as CSV: the same parameters, the same organisations in the same order."""
    params = SearchParams.from_request(request)
    results, total, _, _ = run_search(params, request.user, prefetches=())
    header, rows = in_page_order(
        "organisations",
        Organisation,
        slug_batches(lambda start, stop: results[start:stop].values_list("slug", flat=True), total),
        ("slug",),
        lambda batch: Organisation.objects.visible_to(request.user).filter(slug__in=[key[0] for key in batch]),
    )
    return csv_response(header, rows, "organisations")


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
        now, query = today(), PageQuery(self.request)
        on = query.date("on")
        # "Current" is the one rule, in force today (DatedModel.is_current_on); what is not in force
        # has either not started yet or ended.
        current = [m for m in memberships if m.is_current_on(now)]
        future = [m for m in memberships if not m.is_current_on(now) and m.start_date and m.start_date > now]
        past = [m for m in memberships if m not in current and m not in future]
        on_memberships = [m for m in memberships if m.is_current_on(on.date)] if on.date else []
        context.update(
            notices=query.notices,
            current_memberships=current,
            future_memberships=future,
            past_memberships=past,
            # Listed once per consortium with all the organisation's roles (web.roles).
            current_consortia=by_consortium(current),
            future_consortia=by_consortium(future),
            past_consortia=by_consortium(past),
            contributions=OutputContributor.objects.visible_to(user)
            .filter(organisation=organisation)
            .select_related("output")
            .order_by("-output__published_on", "output__title"),
            relationships=relationships,
            contacts=Contact.objects.visible_to(user).filter(organisation=organisation).order_by("name"),
            sees_everything=sees_everything(user),
            today=now,
            on=on,
            on_memberships=on_memberships,
            on_consortia=by_consortium(on_memberships),
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
        query = PageQuery(self.request)
        on = query.date("on")
        current = members_on(consortium, user)
        context.update(
            notices=query.notices,
            parent=consortium.parent,
            children=Consortium.objects.visible_to(user).filter(parent=consortium).order_by("name"),
            leads=lead_organisations(current),
            current_groups=grouped_by_role(current),
            past_members=by_organisation(past_members(consortium, user)),
            on=on,
            as_of_groups=grouped_by_role(members_on(consortium, user, on.date)) if on.date else [],
            outputs=JointOutput.objects.visible_to(user).filter(consortium=consortium),
        )
        return context


def members_on(consortium, user, date=None) -> list:
    """A consortium's memberships in force on `date` (today if None) that `user` may see, by organisation name."""
    memberships = Membership.objects.visible_to(user).for_consortium(consortium).select_related("organisation")
    memberships = memberships.as_of(date) if date else memberships.current()
    return list(memberships.order_by("organisation__name", "organisation__pk", "start_date"))


def past_members(consortium, user) -> list:
    """Memberships that have ended (DatedQuerySet.ended), by organisation, most recent end first."""
    memberships = Membership.objects.visible_to(user).for_consortium(consortium).select_related("organisation")
    return list(memberships.ended().order_by("organisation__name", "organisation__pk", "-end_date"))


def consortium_members_csv(request, slug, past=False):
    """A consortium's members as its page lists them: in force today or on `on`, or those whose membership ended."""
    user = request.user
    consortium = get_object_or_404(Consortium.objects.visible_to(user), slug=slug)
    if past:
        memberships, name = past_members(consortium, user), f"{consortium.slug}-past-members"
    else:
        on = PageQuery(request).date("on")
        memberships = members_on(consortium, user, on.date)
        name = f"{consortium.slug}-members" + (f"-{on.date.isoformat()}" if on.date else "")
        groups = [holding for _, holdings in grouped_by_role(memberships) for holding in holdings]
        memberships = [m for holding in groups for m in holding.memberships]
    keys = [(m.organisation.slug, consortium.slug, m.role, m.start_date) for m in memberships]
    header, rows = in_page_order(
        "memberships",
        Membership,
        [keys],
        ("organisation", "consortium", "role", "start_date"),
        lambda batch: Membership.objects.filter(pk__in=[m.pk for m in memberships]),
    )
    return csv_response(header, rows, name)


def filtered_outputs(params: OutputParams, user):
    """The outputs list's rows for its filters, read through visible_to; a slug that names nothing gets a notice."""
    outputs = JointOutput.objects.visible_to(user)
    if params.kind:
        outputs = outputs.filter(kind=params.kind)
    if params.consortium:
        if Consortium.objects.visible_to(user).filter(slug=params.consortium).exists():
            outputs = outputs.filter(consortium__slug=params.consortium)
        else:
            params.notices.append(f"There is no consortium “{params.consortium}”, so that filter was left out.")
            params.consortium = ""
    if params.contributor:
        # A slug (from a link) or words of a name, acronym or former name (typed).
        named = filter_organisations(Organisation.objects.visible_to(user), params.contributor)
        contributors = Organisation.objects.visible_to(user).filter(
            Q(slug=params.contributor) | Q(pk__in=named.values("pk"))
        )
        outputs = outputs.filter(
            pk__in=OutputContributor.objects.visible_to(user)
            .filter(organisation__in=contributors.values("pk"))
            .values("output")
        )
    if params.theme:
        if Theme.objects.filter(slug=params.theme).exists():
            outputs = outputs.filter(themes__slug=params.theme)
        else:
            params.notices.append(f"There is no theme “{params.theme}”, so that filter was left out.")
            params.theme = ""
    if params.year:
        outputs = outputs.filter(published_on__year=int(params.year))
    # The model's order with a tie-breaker, so that pages (and the CSV's batches) never overlap.
    return outputs.order_by("-published_on", "title", "pk")


class OutputListView(TemplateView):
    template_name = "web/output_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        params = OutputParams.from_request(self.request, dict(OutputKind.choices))
        outputs = (
            filtered_outputs(params, user)
            .select_related("consortium")
            .prefetch_related(
                "themes",
                Prefetch(
                    "contributors",
                    queryset=OutputContributor.objects.visible_to(user)
                    .select_related("organisation")
                    .order_by("order", "organisation__name"),
                ),
            )
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

        page_query = params.querydict().urlencode()
        context.update(
            page=Paginator(outputs, PAGE_SIZE).get_page(params.page),
            chosen=params.chosen(),
            notices=params.notices,
            has_filters=bool(page_query),
            page_query=page_query,
            kinds=OutputKind.choices,
            **cached(("output-filters", sees_everything(user)), filter_lists),
        )
        return context


def output_list_csv(request):
    """The outputs list as CSV: the same filters, the same outputs in the same order."""
    user = request.user
    params = OutputParams.from_request(request, dict(OutputKind.choices))
    outputs = filtered_outputs(params, user)
    header, rows = in_page_order(
        "outputs",
        JointOutput,
        slug_batches(lambda start, stop: outputs[start:stop].values_list("slug", flat=True), outputs.count()),
        ("slug",),
        lambda batch: JointOutput.objects.visible_to(user).filter(slug__in=[key[0] for key in batch]),
    )
    return csv_response(header, blank_press_contacts_unless_visible(header, rows, user), "outputs")


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
