"""The organisation search page's reads: parse the query string, filter, rank, count facets.

Everything the page needs is read in a fixed number of queries whatever the
number of results: one count, one page, three prefetches, one aggregate per
facet, and (with a query) one for consortia matching by name.

Facet counts and the total are the costly part on a large directory (each
aggregates every matching row: 50–200 ms at 100,000 organisations), so they are
cached for WEB_FACET_CACHE_SECONDS (default 300) per visibility, query and
filters. Any save or delete of an organisation, membership, consortium, theme
or output (signals, see web/apps.py) starts a new cache generation; bulk writes
that send no signals show new counts within that time.
"""

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, Value
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils import timezone

from consortia.models import Consortium, Membership
from directory.models import Classification, Organisation, Region, Theme

from .index import PreparedQuery, filter_organisations, normalise_query, rank_organisations, uses_full_text

FACET_LIMIT = 20
GENERATION_KEY = "web:directory-generation"


def new_generation(**kwargs) -> None:
    """Signal receiver: the directory changed, so cached counts start afresh."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def cached(parts: tuple, compute):
    """compute(), cached for WEB_FACET_CACHE_SECONDS under a key made of parts and the generation."""
    seconds = getattr(settings, "WEB_FACET_CACHE_SECONDS", 300)
    if not seconds:
        return compute()
    generation = cache.get_or_set(GENERATION_KEY, 1, None)
    key = "web:" + hashlib.sha256(repr((generation, timezone.localdate(), *parts)).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


@dataclass
class SearchParams:
    """What the visitor asked for, read forgivingly from the query string."""

    q: str = ""
    themes: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    classification: str = ""
    consortia: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    prepared: PreparedQuery | None = None

    @classmethod
    def from_querydict(cls, data: QueryDict) -> "SearchParams":
        def slugs(name: str) -> list[str]:
            seen = []
            for value in data.getlist(name):
                value = value.strip()[:100]
                if value and value not in seen:
                    seen.append(value)
            return seen[:10]

        return cls(
            q=" ".join(data.get("q", "").split())[:200],
            themes=slugs("theme"),
            regions=slugs("region"),
            classification=data.get("classification", "").strip()[:40],
            consortia=slugs("consortium"),
        )

    @property
    def has_filters(self) -> bool:
        return bool(self.themes or self.regions or self.classification or self.consortia)

    @property
    def is_empty(self) -> bool:
        return not (self.q or self.has_filters)

    def querydict(self, **changes) -> QueryDict:
        values = {
            "q": self.q,
            "theme": self.themes,
            "region": self.regions,
            "classification": self.classification,
            "consortium": self.consortia,
        }
        values.update(changes)
        query = QueryDict(mutable=True)
        for key, value in values.items():
            for item in value if isinstance(value, list) else [value]:
                if item:
                    query.appendlist(key, item)
        return query

    def without(self, key: str, value: str = "") -> str:
        """The query string with one filter value removed (for "remove this filter" links)."""
        current = {"theme": self.themes, "region": self.regions, "consortium": self.consortia}
        if key in current:
            return self.querydict(**{key: [v for v in current[key] if v != value]}).urlencode()
        return self.querydict(**{key: ""}).urlencode()


def visible_consortia(user):
    return Consortium.objects.visible_to(user)


def current_memberships_prefetch(user):
    from django.db.models import Prefetch

    memberships = (
        Membership.objects.current()
        .filter(consortium__in=visible_consortia(user).values("pk"))
        .select_related("consortium")
        .order_by("consortium__name", "role")
    )
    return Prefetch("memberships", queryset=memberships, to_attr="current_memberships")


@dataclass
class FacetValue:
    slug: str
    name: str
    count: int
    selected: bool


def run_search(params: SearchParams, user):
    """Resolve the filters and return (ranked queryset, facets, labels for the active filters)."""
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    regions = {region.slug: region for region in Region.objects.all()}
    classifications = dict(Classification.choices)
    chosen_consortia = {}
    if params.consortia:
        chosen_consortia = {c.slug: c for c in visible_consortia(user).filter(slug__in=params.consortia)}

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

    authenticated = bool(user and user.is_authenticated)
    prefetches = ("themes", "regions", current_memberships_prefetch(user))
    if params.q:
        params.prepared = PreparedQuery(params.q)
    theme_links = [Organisation.themes.through.objects.filter(theme=themes[slug]) for slug in params.themes]
    region_links = [Organisation.regions.through.objects.filter(region=regions[slug]) for slug in params.regions]
    member_links = [Membership.objects.current().filter(consortium=chosen_consortia[slug]) for slug in params.consortia]
    # Every chosen theme, area and consortium must apply (each narrows the list).
    links = [link.values("organisation") for link in theme_links + region_links + member_links]

    if uses_full_text():
        match = without_classification = DocumentMatch(params.prepared, authenticated, links)
        results = DocumentResults(match, params.classification, Organisation.objects.visible_to(user), prefetches)
    else:
        base = Organisation.objects.visible_to(user)
        if params.q:
            base = filter_organisations(base, params.prepared)
        for link in links:
            base = base.filter(pk__in=link)
        without_classification = base
        if params.classification:
            base = base.filter(classification=params.classification)
        results = rank_organisations(base, params.prepared) if params.q else base.order_by("name", "pk")
        results = results.prefetch_related(*prefetches)

    def count_facets():
        return facet_counts(without_classification, params.classification, authenticated)

    text = params.prepared.text if params.prepared else ""
    key = ("facets", authenticated, text, params.themes, params.regions, params.classification, params.consortia)
    counts = cached(key, count_facets)
    if isinstance(results, DocumentResults):
        results.total = counts["total"]
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

    active = (
        [("theme", slug, f"Theme: {themes[slug].name}") for slug in params.themes]
        + [("region", slug, f"Area: {regions[slug].name}") for slug in params.regions]
        + [("consortium", slug, f"Consortium: {chosen_consortia[slug].name}") for slug in params.consortia]
        + (
            [("classification", params.classification, f"Kind: {classifications[params.classification]}")]
            if params.classification
            else []
        )
    )
    active = [(label, params.without(key, slug)) for key, slug, label in active]
    return results, counts["total"], facets, active


FACETS_SQL = """
WITH matched (id, classification) AS ({matched}),
chosen AS (SELECT id FROM matched WHERE %s = '' OR classification = %s)
SELECT 'total', '', '', COUNT(*) FROM chosen
UNION ALL
SELECT 'theme', CAST(link.theme_id AS TEXT), '', COUNT(*)
    FROM {org_themes} link {join_link} WHERE {within_link} GROUP BY link.theme_id
UNION ALL
SELECT 'region', CAST(link.region_id AS TEXT), '', COUNT(*)
    FROM {org_regions} link {join_link} WHERE {within_link} GROUP BY link.region_id
UNION ALL
SELECT 'classification', classification, '', COUNT(*) FROM matched WHERE classification <> '' GROUP BY classification
UNION ALL
SELECT * FROM (
    SELECT 'consortium', c.slug, c.name, counted.n
    FROM (
        -- distinct (consortium, organisation) pairs, hashed: one organisation may hold two roles
        SELECT pairs.consortium_id, COUNT(*) AS n
        FROM (
            SELECT DISTINCT m.consortium_id, m.organisation_id
            FROM {memberships} m {join_membership}
            WHERE {within_membership}
                AND (m.start_date IS NULL OR m.start_date <= %s) AND (m.end_date IS NULL OR m.end_date >= %s)
        ) AS pairs
        GROUP BY pairs.consortium_id
    ) AS counted
    JOIN {consortia} c ON c.id = counted.consortium_id
    WHERE c.is_public OR %s
    ORDER BY counted.n DESC, c.name
    LIMIT {limit}
) AS top_consortia
"""


def facet_counts(matched, classification: str, authenticated: bool) -> dict:
    """Every facet's counts and the total in one statement: the matching rows are found once.

    `matched` is the result set before the classification filter (so the
    classification facet can offer the other kinds); theme, area and consortium
    counts and the total use the rows of the chosen classification. It is a
    queryset of organisations, or (PostgreSQL) a DocumentMatch.
    """
    tables = {
        "org_themes": connection.ops.quote_name(Organisation.themes.through._meta.db_table),
        "org_regions": connection.ops.quote_name(Organisation.regions.through._meta.db_table),
        "memberships": connection.ops.quote_name(Membership._meta.db_table),
        "consortia": connection.ops.quote_name(Consortium._meta.db_table),
        "limit": int(FACET_LIMIT),
    }
    today_text = timezone.localdate().isoformat()
    everyone = isinstance(matched, DocumentMatch) and matched.is_everyone and not classification
    if everyone:
        sql, params = everyone_sql(authenticated, tables)
    else:
        if isinstance(matched, DocumentMatch):
            inner, inner_params = matched.sql()
        else:
            inner, inner_params = matched.order_by().values_list("pk", "classification").query.sql_with_params()
        join = "JOIN chosen ON chosen.id = {}.organisation_id"
        sql = FACETS_SQL.format(
            matched=inner,
            join_link=join.format("link"),
            join_membership=join.format("m"),
            within_link="TRUE",
            within_membership="TRUE",
            **tables,
        )
        params = [*inner_params, classification, classification, today_text, today_text, authenticated]
    counts = {"total": 0, "theme": {}, "region": {}, "classification": {}, "consortium": []}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, key, label, n in cursor.fetchall():
            if kind == "total":
                counts["total"] = n
            elif kind in ("theme", "region"):
                counts[kind][int(key)] = n
            elif kind == "classification":
                if everyone:  # every kind, blank included: together they are the total
                    counts["total"] += n
                if key:
                    counts[kind][key] = n
            else:
                counts[kind].append((key, label, n))
    counts["consortium"].sort(key=lambda row: (-row[2], row[1]))
    return counts


EVERYONE_SQL = """
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
UNION ALL
SELECT * FROM (
    SELECT 'consortium', c.slug, c.name, counted.n
    FROM ({member_counts}) AS counted
    JOIN {consortia} c ON c.id = counted.consortium_id
    WHERE c.is_public OR %s
    ORDER BY counted.n DESC, c.name
    LIMIT {limit}
) AS top_consortia
"""
# Distinct (organisation, consortium) pairs of current memberships (one organisation may hold two roles), read
# in order from membership_org_cons_dates_idx (consortia/0004) alone: no hashing of 140,000 pairs. For a
# visitor, a merge anti-join with search_document_hidden_idx (directory/0006), also in organisation order,
# leaves the hidden organisations out without breaking that order.
PAIRS_SQL = """
    SELECT pairs.consortium_id, COUNT(*) AS n FROM (
        SELECT DISTINCT ON (m.organisation_id, m.consortium_id) m.consortium_id
        FROM {memberships} m
        WHERE {visible} AND (m.start_date IS NULL OR m.start_date <= %s) AND (m.end_date IS NULL OR m.end_date >= %s)
        ORDER BY m.organisation_id, m.consortium_id
    ) AS pairs GROUP BY pairs.consortium_id
"""


def not_hidden(column: str) -> str:
    """SQL: the organisation in `column` is not hidden from visitors (an anti-join on the hidden ids' index)."""
    return f"NOT EXISTS (SELECT 1 FROM {DOCUMENTS} h WHERE h.organisation_id = {column} AND NOT h.is_public)"


def member_counts_sql(authenticated: bool) -> tuple[str, list]:
    """PostgreSQL: (consortium_id, n) current members per consortium, as SQL and parameters."""
    today_text = timezone.localdate().isoformat()
    sql = PAIRS_SQL.format(
        memberships=connection.ops.quote_name(Membership._meta.db_table),
        visible="TRUE" if authenticated else not_hidden("m.organisation_id"),
    )
    return sql, [today_text, today_text]


def current_member_counts(authenticated: bool) -> dict[int, int]:
    """Current members per consortium, counting only organisations this viewer may see (PostgreSQL)."""
    sql, params = member_counts_sql(authenticated)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def everyone_sql(authenticated: bool, tables: dict) -> tuple[str, list]:
    """PostgreSQL: the facets of the unfiltered directory (the home page), from indexes alone.

    Nothing narrows the list but visibility, so nothing is joined: kinds are
    counted from search_document_kind_idx (directory/0006), each theme and
    area from its own range of the (theme_id, organisation_id) /
    (region_id, organisation_id) indexes, and the total is the sum of the
    kinds (blank included). A visitor's counts leave the hidden organisations
    out with anti-joins on their own index.
    """
    member_counts, params = member_counts_sql(authenticated)
    sql = EVERYONE_SQL.format(
        documents=DOCUMENTS,
        themes=connection.ops.quote_name(Theme._meta.db_table),
        regions=connection.ops.quote_name(Region._meta.db_table),
        visible_document="TRUE" if authenticated else "d.is_public",
        visible_link="TRUE" if authenticated else not_hidden("link.organisation_id"),
        member_counts=member_counts,
        **tables,
    )
    return sql, [*params, authenticated]


DOCUMENTS = "directory_search_document"
# The names part (weight A) of a search document's vector; indexed by migration directory/0006.
NAMES_SQL = "ts_filter(d.vector, '{a}')"
# The other matches are read in name order from the name index only when they number at least this many times
# the page's end (see DocumentMatch.page_sql).
WALK_RATIO = 20


class DocumentMatch:
    """PostgreSQL: the organisations a search page lists, as conditions on the narrow search table.

    directory_search_document (migration 0005) holds each organisation's id,
    name, visibility, kind and search vector: matching, counting and ranking
    12,000 rows there reads less than half the pages the organisation table
    would, and never the wide rows. The theme, area and consortium filters are
    subqueries on the link tables, which their (theme_id, organisation_id)-style
    indexes answer alone.
    """

    def __init__(self, prepared: PreparedQuery | None, authenticated: bool, links: list):
        self.tsquery, self.tsquery_params = ("", [])
        if prepared:
            self.tsquery, self.tsquery_params = prepared.tsquery_sql() if prepared.words else ("NULL::tsquery", [])
        self.authenticated = authenticated
        self.links = [link.query.sql_with_params() for link in links]

    @property
    def is_everyone(self) -> bool:
        """Nothing narrows the list but who may see what (the home page)."""
        return not (self.tsquery or self.links)

    def where(self, classification: str = "") -> tuple[str, list]:
        conditions, params = ["TRUE"], []
        if self.tsquery:
            conditions.append(f"d.vector @@ {self.tsquery}")
            params += self.tsquery_params
        if not self.authenticated:
            conditions.append("d.is_public")
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

    def sql(self) -> tuple[str, list]:
        """(id, classification) of every match, for the facet counts."""
        where, params = self.where()
        return f"SELECT d.organisation_id, d.classification FROM {DOCUMENTS} d WHERE {where}", params

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
            table = Organisation._meta.db_table
            # The same order for the page's 20 rows: name matches by rank, then the rest (-1) by name.
            q = self.match.tsquery
            rank = RawSQL(
                f"SELECT CASE WHEN {NAMES_SQL} @@ {q} THEN ts_rank(d.vector, {q}) ELSE -1 END "
                f"FROM {DOCUMENTS} d WHERE d.organisation_id = {table}.id",
                [*self.match.tsquery_params, *self.match.tsquery_params],
            )
            page = page.annotate(search_rank=rank).order_by("-search_rank", "name", "pk")
        else:
            page = page.order_by("name", "pk")
        return page.prefetch_related(*self.prefetches)


def search_consortia(params: SearchParams, user, limit: int = 5):
    """Consortia whose current or former name matches: "strategic partnership programme" finds the alliance."""
    text = normalise_query(params.q)
    if not text:
        return []
    queryset = visible_consortia(user)
    condition = Q(pk__in=queryset.search(text).values("pk"))
    if uses_full_text():
        from django.contrib.postgres.search import TrigramWordSimilarity

        similar = queryset.annotate(
            similarity=TrigramWordSimilarity(Value(text), "name"),
        ).filter(similarity__gte=0.6)
        former = queryset.annotate(
            similarity=TrigramWordSimilarity(Value(text), "other_names__name"),
        ).filter(similarity__gte=0.6)
        condition |= Q(pk__in=similar.values("pk")) | Q(pk__in=former.values("pk"))
    return list(
        queryset.filter(condition).select_related("parent").prefetch_related("other_names").order_by("name")[:limit]
    )


def today():
    return timezone.localdate()
