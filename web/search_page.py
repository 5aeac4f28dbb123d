"""The organisation search page: from its parameters to what the template shows.

The search itself (matching, order, counts) is search.documents.search_directory;
this module resolves the slugs of the query string to records (reporting the
unknown ones), and labels the facets and the active filters.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.formats import date_format

from consortia.models import Consortium, Membership
from directory.models import Classification, Region, Theme
from search.documents import DirectoryQuery, search_directory

from .params import SearchParams


@dataclass
class FacetValue:
    slug: str
    name: str
    count: int
    selected: bool


def current_memberships_prefetch(user):
    """Each result's current memberships, of consortia the user may see (the result cards list them)."""
    memberships = (
        Membership.objects.current()
        .filter(consortium__in=Consortium.objects.visible_to(user).values("pk"))
        .select_related("consortium")
        .order_by("consortium__name", "role")
    )
    return Prefetch("memberships", queryset=memberships, to_attr="current_memberships")


def run_search(params: SearchParams, user, prefetches: tuple | None = None):
    """Resolve the filters and return (results, total, facets, labels for the active filters).

    `prefetches`: what each result brings along (the result cards' by default; none for the CSV).
    """
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    regions = {region.slug: region for region in Region.objects.all()}
    classifications = dict(Classification.choices)
    chosen_consortia = {}
    if params.consortia:
        chosen_consortia = {c.slug: c for c in Consortium.objects.visible_to(user).filter(slug__in=params.consortia)}

    def known(values, table, label):
        kept = []
        for value in values:
            if value in table:
                kept.append(value)
            else:
                params.notices.append(f"There is no {label} “{value}”, so that filter was left out.")
        return kept

    params.themes = known(params.themes, themes, "theme")
    params.regions = known(params.regions, regions, "region")
    params.consortia = known(params.consortia, chosen_consortia, "consortium")
    if params.classification and params.classification not in classifications:
        params.notices.append(f"There is no kind of organisation “{params.classification}”, so it was left out.")
        params.classification = ""

    found = search_directory(
        DirectoryQuery(
            text=params.q,
            themes=[themes[slug] for slug in params.themes],
            regions=[regions[slug] for slug in params.regions],
            consortia=[chosen_consortia[slug] for slug in params.consortia],
            classification=params.classification,
            on=params.on,
        ),
        user,
        prefetches=("themes", "regions", current_memberships_prefetch(user)) if prefetches is None else prefetches,
    )
    params.prepared = found.prepared
    counts = found.counts
    theme_counts, region_counts = counts["theme"], counts["region"]
    classification_counts, consortium_rows = counts["classification"], counts["consortium"]
    facets = {
        "theme": [
            FacetValue(t.slug, t.name, theme_counts.get(t.pk, 0), t.slug in params.themes)
            for t in themes.values()
            if theme_counts.get(t.pk) or t.slug in params.themes
        ],
        "region": [
            FacetValue(r.slug, r.name, region_counts.get(r.pk, 0), r.slug in params.regions)
            for r in regions.values()
            if region_counts.get(r.pk) or r.slug in params.regions
        ],
        "classification": [
            FacetValue(value, label, classification_counts.get(value, 0), value == params.classification)
            for value, label in classifications.items()
            if classification_counts.get(value) or value == params.classification
        ],
        "consortium": [FacetValue(slug, name, n, slug in params.consortia) for slug, name, n in consortium_rows],
    }
    listed = {value.slug for value in facets["consortium"]}
    for slug in params.consortia:
        if slug not in listed:
            facets["consortium"].append(FacetValue(slug, chosen_consortia[slug].name, 0, True))

    members = f" (members on {date_format(params.on, 'j F Y')})" if params.on else ""
    active = (
        [("theme", slug, f"Theme: {themes[slug].name}") for slug in params.themes]
        + [("region", slug, f"Area: {regions[slug].name}") for slug in params.regions]
        + [("consortium", slug, f"Consortium: {chosen_consortia[slug].name}{members}") for slug in params.consortia]
        + (
            [("classification", params.classification, f"Kind: {classifications[params.classification]}")]
            if params.classification
            else []
        )
    )
    active = [(label, params.without(key, slug)) for key, slug, label in active]
    return found.results, found.total, facets, active
