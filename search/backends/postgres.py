"""The PostgreSQL backend: weighted full text, typo correction, and a narrow trigger-kept table.

Matching: every word of the query must match the organisation's weighted
full-text vector (English stemming; every name, acronym, former name and
identifier weighs most (A), then the description (B), then theme names (C);
search/index.py keeps it). A word that appears nowhere in the directory is
widened to the nearest known words (pg_trgm similarity against
`directory_search_word`, directory/0004), so "clinx" also tries "clinks" and
"fundation" "foundation". Whole-name trigram matching was tried first and
dropped: at 100,000 rows of similar names every typo query rechecked most of
the table (1.4 s).

The results page and its counts match on `directory_search_document`
(directory/0005): one narrow row per organisation (id, name, visibility, kind
and a copy of its vector), kept by statement-level triggers on the
organisation table whatever writes it. A subject matching 12,000
organisations is counted and ranked there without reading the wide
organisation rows. Organisation querysets (the API) match the organisation's
own vector, through its own GIN index, with the same ranking expression.

The relevance order (search/__init__.py): organisations whose names match
come first, ranked by `ts_rank` (names-only expression index, directory/0006),
then the other matches (description or theme) by name.
"""

import re

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, Q, Value
from django.db.models.expressions import RawSQL

from directory.models.base import sees_everything

from .base import Listing, SearchBackend

CORRECTIONS_PER_WORD = 3
DOCUMENTS = "directory_search_document"
# The names part (weight A) of a search document's vector; indexed by directory/0006.
NAMES_SQL = "ts_filter(d.vector, '{a}')"
# The other matches are read in name order from the name index only when they number at least this many times
# the page's end (see DocumentMatch.page_sql).
WALK_RATIO = 20
CONSORTIUM_SIMILARITY = 0.6


# Who may see an organisation, on the narrow table. `directory_search_document.is_public` is a cached copy of
# the rule `Organisation.objects.public()` (docs/architecture.md), written by the triggers of directory/0005
# from the organisation's own is_public: reading it spares every visitor's search and count a join with the
# wide organisation table (its own index, search_document_hidden_idx, makes "leave the hidden out" an
# anti-join in organisation order). tests/web/test_search_documents.py proves that it equals public() for
# every row, after every kind of write.
def visible_documents_sql(user, alias: str = "d") -> str:
    """SQL: documents of organisations the user may see (`sees_everything`, then the cached public())."""
    return "TRUE" if sees_everything(user) else f"{alias}.is_public"


def not_hidden_sql(user, column: str) -> str:
    """SQL: the organisation in `column` is one the user may see (an anti-join on the hidden ones' index)."""
    if sees_everything(user):
        return "TRUE"
    return f"NOT EXISTS (SELECT 1 FROM {DOCUMENTS} h WHERE h.organisation_id = {column} AND NOT h.is_public)"


def tsquery_sql(prepared, any_word: bool = False) -> tuple[str, list[str]]:
    """Every word (or, with any_word, at least one), each widened by its corrections, as SQL and parameters."""
    if not prepared.words:
        return "NULL::tsquery", []
    terms, params = [], []
    for word in prepared.words:
        alternatives = prepared.alternatives(word)
        terms.append("(" + " || ".join(["plainto_tsquery('english', %s)"] * len(alternatives)) + ")")
        params += alternatives
    return "(" + (" || " if any_word else " && ").join(terms) + ")", params


class VectorMatch(Func):
    """`vector @@ tsquery`, for a vector column and a tsquery written as SQL (corrections included)."""

    output_field = BooleanField()

    def __init__(self, vector, tsquery: tuple[str, list]):
        super().__init__(vector)
        self.tsquery = tsquery

    def as_sql(self, compiler, connection, **extra):
        vector, params = compiler.compile(self.source_expressions[0])
        q, q_params = self.tsquery
        return f"({vector} @@ {q})", [*params, *q_params]


class RelevanceRank(Func):
    """A row's key in the relevance order: ts_rank when its names (weight A) match, -1 otherwise.

    With names_first=False, plain ts_rank (the suggestions' order).
    """

    output_field = FloatField()

    def __init__(self, vector, tsquery: tuple[str, list], names_first: bool = True):
        super().__init__(vector)
        self.tsquery, self.names_first = tsquery, names_first

    def as_sql(self, compiler, connection, **extra):
        v, v_params = compiler.compile(self.source_expressions[0])
        q, q_params = self.tsquery
        if not self.names_first:
            return f"ts_rank({v}, {q})", [*v_params, *q_params]
        sql = f"CASE WHEN ts_filter({v}, '{{a}}') @@ {q} THEN ts_rank({v}, {q}) ELSE -1 END"
        return sql, [*v_params, *q_params, *v_params, *q_params]


# Organisation querysets (the API's search, the page's twenty rows) read the organisation's own vector, the
# one the triggers copy to the search table: the same ranks. Reaching the copy instead costs a join per match
# ("race equality" at 20,000 organisations: 64 ms against 40 ms), so the organisation keeps its GIN index.
VECTOR = "search_vector"


class DocumentMatch(Listing):
    """The organisations a search page lists, as conditions on the narrow search table.

    Matching, counting and ranking 12,000 rows there reads less than half the
    pages the organisation table would, and never the wide rows. The theme,
    area and consortium filters are subqueries on the link tables, compiled
    from querysets, which their (theme_id, organisation_id)-style indexes
    answer alone.
    """

    def __init__(self, prepared, user, links, organisations=None):
        self.tsquery, self.tsquery_params = tsquery_sql(prepared) if prepared else ("", [])
        self.user = user
        self.links = [link.query.sql_with_params() for link in links]
        self.organisations = organisations
        self.everything = not (self.tsquery or self.links)

    def where(self, classification: str = "") -> tuple[str, list]:
        conditions, params = [visible_documents_sql(self.user)], []
        if self.tsquery:
            conditions.append(f"d.vector @@ {self.tsquery}")
            params += self.tsquery_params
        for sql, link_params in self.links:
            conditions.append(f"d.organisation_id IN ({sql})")
            params += link_params
        if classification:
            conditions.append("d.classification = %s")
            params.append(classification)
        return " AND ".join(conditions), params

    def count(self) -> int:
        where, params = self.where()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {DOCUMENTS} d WHERE {where}", params)
            return cursor.fetchone()[0]

    def matched_sql(self) -> tuple[str, list]:
        where, params = self.where()
        return f"SELECT d.organisation_id, d.classification FROM {DOCUMENTS} d WHERE {where}", params

    def results(self, classification: str, prefetches: tuple, total: int):
        results = DocumentResults(self, classification, self.organisations, prefetches)
        results.total = total
        return results

    def page_sql(self, classification: str, offset: int, limit: int, total: int) -> tuple[str, list]:
        """The ids of one page, best first: only these organisations are read from the wide table.

        With a query, organisations whose names (any name: current, acronym,
        former, identifier) match come first, ranked by ts_rank; the other
        matches (description or theme only) follow by name. Each part is cut
        to the page's end on its own: the name matches are few (their own
        index, NAMES_SQL), and the rest of a broad match are read in name
        order from the name index until the page is full, so a subject
        matching 12,000 organisations ranks a handful of rows, not all of them.
        When matches are few (fewer than WALK_RATIO times the page's end), the
        name index would be walked far for nothing (the planner cannot tell:
        "nacro" once walked all 100,000 rows), so the ordering expression is
        one no index answers and the matches are found by the vector index
        and sorted.
        """
        where, params = self.where(classification)
        end = offset + limit
        if not self.tsquery:
            sql = f"SELECT d.organisation_id FROM {DOCUMENTS} d WHERE {where} ORDER BY d.name, d.organisation_id"
            return f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset]
        q, q_params = self.tsquery, self.tsquery_params
        by_name = "d.name" if total >= WALK_RATIO * end else "(d.name || '')"  # same order, but no index
        sql = f"""
            SELECT page.organisation_id FROM (
                (SELECT d.organisation_id, 0 AS tier, ts_rank(d.vector, {q}) AS rank, d.name
                 FROM {DOCUMENTS} d WHERE {where} AND {NAMES_SQL} @@ {q}
                 ORDER BY rank DESC, d.name, d.organisation_id LIMIT %s)
                UNION ALL
                (SELECT d.organisation_id, 1, 0, d.name
                 FROM {DOCUMENTS} d WHERE {where} AND NOT ({NAMES_SQL} @@ {q})
                 ORDER BY {by_name}, d.organisation_id LIMIT %s)
            ) AS page
            ORDER BY page.tier, page.rank DESC, page.name, page.organisation_id LIMIT %s OFFSET %s
        """
        return sql, [*q_params, *params, *q_params, end, *params, *q_params, end, limit, offset]


class DocumentResults:
    """The paginator's object list on PostgreSQL: slicing it reads one page in one statement.

    The page's ids are chosen and ordered on the narrow table; the
    organisations are then read by primary key, ranked again (20 rows) so that
    they keep that order, with their prefetches. The total comes with the
    facet counts (cached with them).
    """

    def __init__(self, match: DocumentMatch, classification: str, organisations, prefetches):
        self.match, self.classification = match, classification
        self.organisations, self.prefetches = organisations, prefetches
        self.total = 0

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, key: slice):
        start = key.start or 0
        stop = self.total if key.stop is None else key.stop
        sql, params = self.match.page_sql(self.classification, start, max(stop - start, 0), self.total)
        page = self.organisations.filter(pk__in=RawSQL(sql, params))
        if self.match.tsquery:
            rank = RelevanceRank(F(VECTOR), (self.match.tsquery, self.match.tsquery_params))
            page = page.annotate(search_rank=rank).order_by("-search_rank", "name", "pk")
        else:
            page = page.order_by("name", "pk")
        return page.prefetch_related(*self.prefetches)


# The facets of the unfiltered directory (the home page), from indexes alone: kinds from
# search_document_kind_idx (directory/0006), each theme and area from its own range of the
# (theme_id, organisation_id) / (region_id, organisation_id) indexes; the total is the sum of the kinds (blank
# included). A visitor's counts leave the hidden organisations out with anti-joins on their own index.
UNFILTERED_SQL = """
SELECT 'classification', d.classification, '', COUNT(*)
    FROM {documents} d WHERE {visible_document} GROUP BY d.classification
UNION ALL
SELECT 'theme', CAST(t.id AS TEXT), '', (
    SELECT COUNT(*) FROM {org_themes} link WHERE link.theme_id = t.id AND {visible_link}
) FROM {themes} t
UNION ALL
SELECT 'region', CAST(r.id AS TEXT), '', (
    SELECT COUNT(*) FROM {org_regions} link WHERE link.region_id = r.id AND {visible_link}
) FROM {regions} r
"""
# Distinct (organisation, consortium) pairs (one organisation may hold two roles), read in order from
# membership_org_cons_dates_idx (consortia/0004) alone: no hashing of 140,000 pairs. The memberships are a
# compiled queryset (the dates rule is in_force_on), which PostgreSQL flattens into this statement. For a
# visitor, a merge anti-join with search_document_hidden_idx (directory/0006), also in organisation order,
# leaves the hidden organisations out without breaking that order.
PAIRS_SQL = """
    SELECT pairs.consortium_id, COUNT(*) AS n FROM (
        SELECT DISTINCT ON (m.organisation_id, m.consortium_id) m.consortium_id
        FROM ({memberships}) AS m
        WHERE {visible}
        ORDER BY m.organisation_id, m.consortium_id
    ) AS pairs GROUP BY pairs.consortium_id
"""


class PostgresBackend(SearchBackend):
    name = "postgresql"

    def query_words(self, text: str) -> list[str]:
        return re.findall(r"\w+", text)

    def corrections(self, words: list[str]) -> dict[str, list[str]]:
        """For each word found nowhere in the directory, the nearest known words (one query)."""
        unknown = [word for word in words if len(word) >= 3]
        if not unknown:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT q.w, s.word
                FROM unnest(%s::text[]) AS q(w)
                JOIN LATERAL (
                    SELECT word FROM directory_search_word
                    WHERE word %% q.w
                    ORDER BY similarity(word, q.w) DESC, word
                    LIMIT %s
                ) AS s ON true
                WHERE NOT EXISTS (SELECT 1 FROM directory_search_word e WHERE e.word = q.w)
                """,
                [unknown, CORRECTIONS_PER_WORD],
            )
            found: dict[str, list[str]] = {}
            for word, near in cursor.fetchall():
                found.setdefault(word, []).append(near)
        return found

    def update_index(self, ids: list[int]) -> None:
        from ..index import update_search_vectors

        update_search_vectors(ids)

    def filter(self, queryset, prepared):
        if not prepared:
            return queryset
        if not prepared.words:
            return queryset.none()
        return queryset.filter(VectorMatch(F(VECTOR), tsquery_sql(prepared)))

    def rank(self, queryset, prepared):
        if not prepared or not prepared.words:
            return queryset
        rank = RelevanceRank(F(VECTOR), tsquery_sql(prepared))
        return queryset.annotate(search_rank=rank).order_by("-search_rank", "name", "pk")

    def suggest(self, queryset, prepared, limit: int):
        """Up to `limit` organisations matching some of the words, best first (two words or more)."""
        if not prepared or len(prepared.words) < 2:
            return queryset.none()
        tsquery = tsquery_sql(prepared, any_word=True)
        return (
            queryset.filter(VectorMatch(F(VECTOR), tsquery))
            .annotate(search_rank=RelevanceRank(F(VECTOR), tsquery, names_first=False))
            .order_by("-search_rank", "name", "pk")[:limit]
        )

    def listing(self, organisations, prepared, links, user) -> Listing:
        return DocumentMatch(prepared, user, links, organisations)

    def unfiltered_facets_sql(self, user):
        from directory.models import Organisation, Region, Theme

        quote = connection.ops.quote_name
        sql = UNFILTERED_SQL.format(
            documents=DOCUMENTS,
            org_themes=quote(Organisation.themes.through._meta.db_table),
            org_regions=quote(Organisation.regions.through._meta.db_table),
            themes=quote(Theme._meta.db_table),
            regions=quote(Region._meta.db_table),
            visible_document=visible_documents_sql(user),
            visible_link=not_hidden_sql(user, "link.organisation_id"),
        )
        return sql, []

    def member_counts_sql(self, memberships, user) -> tuple[str, list]:
        sql, params = memberships.order_by().values("organisation_id", "consortium_id").query.sql_with_params()
        return PAIRS_SQL.format(memberships=sql, visible=not_hidden_sql(user, "m.organisation_id")), list(params)

    def similar_consortia(self, consortia, text: str) -> Q:
        from django.contrib.postgres.search import TrigramWordSimilarity

        condition = Q()
        for field in ("name", "other_names__name"):
            similar = consortia.annotate(similarity=TrigramWordSimilarity(Value(text), field))
            condition |= Q(pk__in=similar.filter(similarity__gte=CONSORTIUM_SIMILARITY).values("pk"))
        return condition
