"""What a search backend does, and the listing every backend can fall back on.

A backend answers five kinds of question, and nothing outside
search/backends/ asks which database is in use:

- query preparation: `query_words`, `corrections` (search/query.py);
- index upkeep: `update_index` after the search names of some organisations
  changed (search/index.py);
- organisation querysets, for the API, the outputs page and tests: `filter`
  (unranked, cheap to count or use as a subquery), `rank` (the relevance
  order, annotated `search_rank`; see search/__init__.py), `suggest`;
- the results page: `listing` (what the page lists and counts), and the
  counts of the unfiltered directory and of members per consortium;
- consortia: `similar_consortia` (near misses of a consortium's names).

To add a backend (SQLite FTS5, for instance), subclass `SearchBackend` in a
module of its own under search/backends/ and choose it in `backend()`
(search/backends/__init__.py). Its own tables come from a migration, and it
keeps them current in `update_index`.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Q, QuerySet


class Listing:
    """The organisations a results page lists before the kind filter: read by the page and its facet counts.

    `links` are subqueries of organisation ids (theme, area and consortium
    filters), each of which narrows the list.
    """

    #: Nothing narrows the list but who may see it (the unfiltered directory).
    everything: bool = False

    def matched_sql(self) -> tuple[str, list]:
        """(id, classification) of every organisation listed, as SQL and parameters."""
        raise NotImplementedError

    def results(self, classification: str, prefetches: tuple, total: int):
        """The organisations of this kind (any kind if blank), best first: an object a paginator can slice."""
        raise NotImplementedError


class QuerysetListing(Listing):
    """A listing as an organisation queryset: filtered by the backend, ranked by it (any database)."""

    def __init__(self, backend: "SearchBackend", organisations: QuerySet, prepared, links: Iterable[QuerySet]):
        self.backend, self.prepared = backend, prepared
        self.links = list(links)
        queryset = backend.filter(organisations, prepared) if prepared else organisations
        for link in self.links:
            queryset = queryset.filter(pk__in=link)
        self.queryset = queryset
        self.everything = not (prepared or self.links)

    def matched_sql(self) -> tuple[str, list]:
        return self.queryset.order_by().values_list("pk", "classification").query.sql_with_params()

    def results(self, classification: str, prefetches: tuple, total: int):
        queryset = self.queryset.filter(classification=classification) if classification else self.queryset
        ranked = self.backend.rank(queryset, self.prepared) if self.prepared else queryset.order_by("name", "pk")
        return ranked.prefetch_related(*prefetches)


class SearchBackend:
    name = ""

    # Query preparation

    def query_words(self, text: str) -> list[str]:
        """The words of an already normalised query."""
        raise NotImplementedError

    def corrections(self, words: list[str]) -> dict[str, list[str]]:
        """For each word found nowhere in the directory, the nearest words that are."""
        return {}

    # Index upkeep

    def update_index(self, ids: list[int]) -> None:
        """Bring the backend's own index up to date for these organisations (search_names already are)."""

    # Organisation querysets

    def filter(self, queryset: QuerySet, prepared) -> QuerySet:
        raise NotImplementedError

    def rank(self, queryset: QuerySet, prepared) -> QuerySet:
        raise NotImplementedError

    def suggest(self, queryset: QuerySet, prepared, limit: int) -> QuerySet:
        """When nothing matched every word: organisations matching some. None by default."""
        return queryset.none()

    # The results page

    def listing(self, organisations: QuerySet, prepared, links: Iterable[QuerySet], user) -> Listing:
        """What the results page lists: `organisations` (those the user may see) matching and linked."""
        return QuerysetListing(self, organisations, prepared, links)

    def unfiltered_facets_sql(self, user) -> tuple[str, list] | None:
        """A faster statement for the kind, theme and area counts of the unfiltered directory, or None.

        Its rows are (facet, key, '', count), as in search/facets.py; with it,
        the total is the sum of the kinds, the blank kind included.
        """
        return None

    def member_counts_sql(self, memberships: QuerySet, user) -> tuple[str, list]:
        """(consortium_id, n): the distinct organisations of `memberships` that the user may see, as SQL."""
        from directory.models import Organisation

        organisations = Organisation.objects.visible_to(user)
        if organisations.query.has_filters():  # a logged-in user sees every organisation: no join needed
            memberships = memberships.filter(organisation__in=organisations.values("pk"))
        counts = memberships.order_by().values("consortium_id").annotate(n=Count("organisation_id", distinct=True))
        sql, params = counts.values_list("consortium_id", "n").query.sql_with_params()
        return sql, list(params)

    def member_counts(self, memberships: QuerySet, user) -> dict[int, int]:
        """Members per consortium (`member_counts_sql`), as {consortium id: count}."""
        sql, params = self.member_counts_sql(memberships, user)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return dict(cursor.fetchall())

    # Consortia

    def similar_consortia(self, consortia: QuerySet, text: str) -> Q:
        """A condition for consortia whose names are close to the text (beyond containing its words)."""
        return Q(pk__in=[])
