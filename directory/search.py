"""Finding organisations by what people type.

`refresh_search_index(ids)` keeps the denormalised `search_names` (and, on
PostgreSQL, `search_vector`) current; it is called by signals on single saves
and by bulk imports once per batch.

`search_organisations(queryset, query)` filters and ranks:

* On PostgreSQL, a row matches when the stored, weighted full-text vector
  matches the query (`websearch_to_tsquery`: every word, stemmed, in any name,
  the description or a theme) OR the query is word-similar to one of its names
  (pg_trgm `%>` over `search_names`, threshold `pg_trgm.word_similarity_threshold`,
  0.6 by default), which forgives typos such as "clinx" for Clinks. Both tests
  are served by GIN indexes (migration 0003). Rows are ordered by
  `search_rank` = `ts_rank` (names weigh most, then description, then themes)
  + trigram word similarity, then by name.
* On SQLite (the fallback), every word of the query, folded to lower case
  without accents, must appear somewhere in the row's names, acronyms, former
  names or identifiers (`search_names`). Exact name matches come first, then
  names starting with the query, then the rest by name. No stemming, no typos.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When

from .names import fold

SUGGESTION_SIMILARITY = 0.3


def refresh_search_index(organisation_ids: Iterable[int]) -> None:
    from .models import Organisation

    ids = list(organisation_ids)
    if not ids:
        return
    organisations = Organisation.objects.filter(pk__in=ids).prefetch_related("other_names", "identifiers")
    changed = []
    for organisation in organisations:
        names = organisation.build_search_names()
        if names != organisation.search_names:
            organisation.search_names = names
            changed.append(organisation)
    Organisation.objects.bulk_update(changed, ["search_names"], batch_size=500)
    if connection.vendor == "postgresql":
        update_search_vectors(ids)


def update_search_vectors(ids: list[int]) -> None:
    """PostgreSQL only: rebuild the weighted full-text vector for these organisations.

    Names (all of them, via search_names) weigh most (A), then the
    description (B), then theme names (C).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE directory_organisation o SET search_vector =
                setweight(to_tsvector('english', coalesce(o.search_names, '')), 'A')
                || setweight(to_tsvector('english', coalesce(o.description, '')), 'B')
                || setweight(to_tsvector('english', coalesce((
                    SELECT string_agg(t.name, ' ')
                    FROM directory_organisation_themes ot
                    JOIN directory_theme t ON t.id = ot.theme_id
                    WHERE ot.organisation_id = o.id), '')), 'C')
            WHERE o.id = ANY(%s)
            """,
            [ids],
        )


def normalise_query(query: str) -> str:
    """Folded, single-spaced, and cut to a sensible length (a pasted essay is not a search)."""
    return " ".join(fold(query or "").split())[:200]


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def filter_organisations(queryset, query: str):
    """Only the matching rows, unranked: cheap to count and to use as a subquery (facets)."""
    text = normalise_query(query)
    if not text:
        return queryset
    if uses_full_text():
        from django.contrib.postgres.search import SearchQuery

        tsquery = SearchQuery(text, search_type="websearch", config="english")
        return queryset.filter(Q(search_vector=tsquery) | Q(search_names__trigram_word_similar=text))
    condition = Q()
    for word in text.split():
        condition &= Q(search_names__contains=word)
    return queryset.filter(condition)


def search_organisations(queryset, query: str):
    """Matching organisations, best first, each annotated with `search_rank` (see the module docstring)."""
    text = normalise_query(query)
    if not text:
        return queryset
    matches = filter_organisations(queryset, text)
    if uses_full_text():
        from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity

        tsquery = SearchQuery(text, search_type="websearch", config="english")
        return matches.annotate(
            search_rank=SearchRank(F("search_vector"), tsquery) + TrigramWordSimilarity(Value(text), "search_names")
        ).order_by("-search_rank", "name", "pk")
    return matches.annotate(
        search_rank=Case(
            When(search_names=text, then=Value(3)),
            When(search_names__startswith=f"{text} |", then=Value(3)),
            When(search_names__startswith=text, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("-search_rank", "name", "pk")


def suggest_organisations(queryset, query: str, limit: int = 3):
    """When nothing matched: up to `limit` names that look a little like the query.

    PostgreSQL only (trigram word similarity with a lower bar); SQLite returns
    nothing and the page falls back to general advice.
    """
    text = normalise_query(query)
    if not text or not uses_full_text():
        return queryset.none()
    from django.contrib.postgres.search import TrigramWordSimilarity

    return (
        queryset.annotate(
            suggestion_score=TrigramWordSimilarity(Value(text), "search_names", output_field=FloatField())
        )
        .filter(suggestion_score__gte=SUGGESTION_SIMILARITY)
        .order_by("-suggestion_score", "name")[:limit]
    )
