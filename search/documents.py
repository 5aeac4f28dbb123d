"""Finding organisations (and consortia) by what people type: the functions every channel calls.

- `search_organisations(queryset, query)`: the matches among a queryset, in
  the relevance order (search/__init__.py). The API's `?search=` calls it.
- `search_directory(query, user)`: the results page: the same match and the
  same order, narrowed by themes, areas, a kind and consortium members in
  force on a date, with the facet counts and the total; only the page's
  twenty organisations are read whole.
- `filter_organisations` (unranked, for subqueries), `suggest_organisations`
  (some of the words, when none matched all) and `search_consortia`.

Which database does the work, and how, is the backend's business
(search/backends/); who may see what and what is in force on a date come
from the model layer's querysets (docs/architecture.md).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from consortia.models import Consortium
from directory.models import Organisation
from directory.models.base import sees_everything

from .backends import backend
from .facets import cached, facet_counts, members_on
from .query import PreparedQuery, normalise_query, prepare


def filter_organisations(queryset, query):
    """Only the matching rows, unranked: cheap to count and to use as a subquery.

    `query` is the text typed, or a PreparedQuery (its corrections were already looked up).
    """
    prepared = prepare(query)
    if not prepared:
        return queryset
    return backend().filter(queryset, prepared)


def rank_organisations(queryset, query):
    """Already-matched rows in the relevance order, annotated with `search_rank`."""
    prepared = prepare(query)
    if not prepared:
        return queryset
    return backend().rank(queryset, prepared)


def search_organisations(queryset, query):
    """The organisations of `queryset` matching the query, in the relevance order (search/__init__.py)."""
    prepared = prepare(query)
    return rank_organisations(filter_organisations(queryset, prepared), prepared)


def suggest_organisations(queryset, query, limit: int = 3):
    """When nothing matched every word: up to `limit` organisations matching some of them (PostgreSQL only)."""
    prepared = prepare(query)
    if not prepared:
        return queryset.none()
    return backend().suggest(queryset, prepared, limit)


@dataclass
class DirectoryQuery:
    """What the results page asks: words, and filters already resolved to records.

    Every chosen theme, area and consortium must apply (each narrows the
    list). `on` is the date whose consortium members count (today if None).
    """

    text: str = ""
    themes: Sequence = ()
    regions: Sequence = ()
    consortia: Sequence[Consortium] = ()
    classification: str = ""
    on: datetime.date | None = None


@dataclass
class DirectorySearch:
    """The page's answer: `results` slice into organisations, best first; `counts` are search/facets.py's."""

    results: object
    total: int
    counts: dict
    prepared: PreparedQuery | None = None
    on: datetime.date = field(default_factory=timezone.localdate)


def search_directory(query: DirectoryQuery, user, prefetches: tuple = ()) -> DirectorySearch:
    """The organisations the user may see matching the query and filters, with the facet counts.

    Reads, whatever the number of matches: the corrections of misspelt words
    (one query), the total with every facet's counts (one statement, cached),
    and, when sliced, one page with its prefetches.
    """
    on = query.on or timezone.localdate()
    prepared = PreparedQuery(query.text) if normalise_query(query.text) else None
    visible_consortia = Consortium.objects.visible_to(user).values("pk")
    links = [Organisation.themes.through.objects.filter(theme=theme) for theme in query.themes]
    links += [Organisation.regions.through.objects.filter(region=region) for region in query.regions]
    links += [
        members_on(on).filter(consortium=consortium, consortium__in=visible_consortia) for consortium in query.consortia
    ]
    listing = backend().listing(
        Organisation.objects.visible_to(user), prepared, [link.values("organisation") for link in links], user
    )
    key = (
        "facets",
        sees_everything(user),
        prepared.text if prepared else "",
        sorted(theme.pk for theme in query.themes),
        sorted(region.pk for region in query.regions),
        query.classification,
        sorted(consortium.pk for consortium in query.consortia),
        on,
    )
    counts = cached(key, lambda: facet_counts(listing, query.classification, user, on))
    results = listing.results(query.classification, prefetches, counts["total"])
    return DirectorySearch(results, counts["total"], counts, prepared, on)


def search_consortia(query: str, user, limit: int = 5) -> list[Consortium]:
    """Consortia whose current or former name matches: "strategic partnership programme" finds the alliance.

    Each consortium's parent is read through visible_to(user): a public
    consortium inside a hidden alliance shows no parent to a visitor.
    """
    text = normalise_query(query)
    if not text:
        return []
    consortia = Consortium.objects.visible_to(user)
    condition = Q(pk__in=consortia.search(text).values("pk")) | backend().similar_consortia(consortia, text)
    return list(
        consortia.filter(condition)
        .with_parent_visible_to(user)
        .prefetch_related("other_names")
        .order_by("name")[:limit]
    )
