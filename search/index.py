"""Finding organisations by what people type.

`refresh_search_index(ids)` keeps the denormalised `search_names` (and, on
PostgreSQL, `search_vector` and the word list) current; it is called by signals
on single saves and by bulk imports once per batch.

`search_organisations(queryset, query)` filters and ranks:

* On PostgreSQL: every word of the query must match the stored, weighted
  full-text vector (English stemming; all names, acronyms, former names and
  identifiers weigh most, then the description, then theme names). A word
  that appears nowhere in the directory is widened to the nearest known words
  (pg_trgm similarity against `directory_search_word`, migration 0004), so
  "clinx" also tries "clinks" and "fundation" "foundation". The match runs on
  the search_vector GIN index; rows are ordered by `ts_rank`, then by name.
  Whole-name trigram matching was tried first and dropped: at 100,000 rows of
  similar names every typo query rechecked most of the table (1.4 s).
  The web directory's results page and facet counts run the same match on
  `directory_search_document` instead (migration 0005: a narrow, trigger-kept
  copy of each organisation's vector, name, visibility and kind), so that a
  subject matching 12,000 organisations is counted without reading the wide
  organisation rows. That page lists first the organisations whose names
  match (ranked by ts_rank; names-only index, migration 0006), then the other
  matches (description or theme) by name; see search/documents.py. The API and the
  admin keep the ranking above.
* On SQLite (the fallback): every word of the query, folded to lower case
  without accents, must appear somewhere in the row's names, acronyms, former
  names or identifiers (`search_names`); a word of letters found in no name is
  widened to the closest words of the names (difflib, ratio ≥ 0.7), so "clinx"
  still finds Clinks. Exact name matches come first, then names starting with
  the query, then the rest by name. No stemming, descriptions or themes.
"""

import difflib
import functools
import operator
import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When

from directory.names import fold

MAX_WORDS = 8
CORRECTIONS_PER_WORD = 3
FALLBACK_CUTOFF = 0.7  # difflib ratio: "clinx" and "clinks" score 0.73


def refresh_search_index(organisation_ids: Iterable[int]) -> None:
    from directory.models import Organisation

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


VECTOR_SQL = """
    setweight(to_tsvector('english', coalesce({names}, '')), 'A')
    || setweight(to_tsvector('english', coalesce({description}, '')), 'B')
    || setweight(to_tsvector('english', coalesce({themes}, '')), 'C')
"""
THEME_NAMES_SQL = """(
    SELECT string_agg(t.name, ' ' ORDER BY t.name)
    FROM directory_organisation_themes ot
    JOIN directory_theme t ON t.id = ot.theme_id
    WHERE ot.organisation_id = {alias}.id)"""


def update_search_vectors(ids: list[int]) -> None:
    """PostgreSQL only: rebuild the weighted full-text vector for these organisations.

    Names (all of them, via search_names) weigh most (A), then the
    description (B), then theme names (C). Rows whose vector is already right
    are not rewritten (a rewrite leaves a dead row behind). Triggers copy the
    vector to directory_search_document (migration 0005).
    """
    vector = VECTOR_SQL.format(names="o2.search_names", description="o2.description", themes=THEME_NAMES_SQL)
    vector = vector.format(alias="o2")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE directory_organisation o SET search_vector = v.vector
            FROM (SELECT o2.id, {vector} AS vector FROM directory_organisation o2 WHERE o2.id = ANY(%s)) AS v
            WHERE o.id = v.id AND o.search_vector IS DISTINCT FROM v.vector
            """,
            [ids],
        )
    update_search_words(ids)


def update_search_words(ids: list[int]) -> None:
    """PostgreSQL only: add the words of these organisations to the list typos are corrected against."""
    themes = THEME_NAMES_SQL.format(alias="o")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO directory_search_word (word)
            SELECT DISTINCT w FROM directory_organisation o,
                regexp_split_to_table(lower(o.search_names || ' ' || o.description || ' '
                    || coalesce({themes}, '')), '[^[:alnum:]]+') AS w
            WHERE o.id = ANY(%s) AND length(w) BETWEEN 3 AND 40
            ON CONFLICT DO NOTHING
            """,
            [ids],
        )


# What update_search_words counts as a word: a run of letters and digits (the regular expression
# class [[:alnum:]] there), lowered.
WORD_SEPARATORS = re.compile(r"[\W_]+")


def add_search_words(texts: Iterable[str]) -> None:
    """PostgreSQL only: add the words of these texts to the typo-correction list, as update_search_words would.

    For bulk writers that already hold the text (an organisation's search_names,
    description and theme names): the words are split and de-duplicated here,
    and each distinct one is sent once.
    """
    words = set()
    for text in texts:
        words.update(WORD_SEPARATORS.split(text.lower()))
    words = sorted(word for word in words if 3 <= len(word) <= 40)
    with connection.cursor() as cursor:
        for start in range(0, len(words), 50_000):
            cursor.execute(
                "INSERT INTO directory_search_word (word) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
                [words[start : start + 50_000]],
            )


def search_vector_value(search_names: str, description: str, theme_names: Iterable[str]):
    """PostgreSQL: the vector update_search_vectors would compute, as an expression for an INSERT.

    Bulk loads (csvio/synthetic.py) pass it as ``search_vector`` to
    ``bulk_create`` so that no row has to be rewritten afterwards (theme names
    are sorted in both, so a later refresh finds nothing to change); they must
    still call ``update_search_words`` for the rows they insert.
    """
    from django.contrib.postgres.search import SearchVectorField
    from django.db.models.expressions import RawSQL

    return RawSQL(
        VECTOR_SQL.format(names="%s", description="%s", themes="%s"),
        [search_names, description, " ".join(sorted(theme_names))],
        output_field=SearchVectorField(),
    )


def normalise_query(query: str) -> str:
    """Folded, single-spaced, and cut to a sensible length (a pasted essay is not a search)."""
    return " ".join(fold(query or "").split())[:200]


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def query_words(text: str) -> list[str]:
    return re.findall(r"\w+", text)[:MAX_WORDS]


def corrections(words: list[str]) -> dict[str, list[str]]:
    """PostgreSQL: for each word found nowhere in the directory, the nearest known words (one query)."""
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


def fallback_corrections(tokens: list[str]) -> dict[str, list[str]]:
    """SQLite: for each word of letters found in no name, the closest words of the names (difflib).

    One query tells which words appear somewhere; only when one does not is the
    list of words in names read (fine at demo sizes; PostgreSQL keeps a table).
    """
    from directory.models import Organisation

    candidates = [token for token in tokens if len(token) >= 3 and token.isalpha()]
    if not candidates:
        return {}
    table = connection.ops.quote_name(Organisation._meta.db_table)
    exists = ", ".join(f"EXISTS(SELECT 1 FROM {table} WHERE search_names LIKE %s)" for _ in candidates)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {exists}", [f"%{token}%" for token in candidates])
        found = cursor.fetchone()
    unknown = [token for token, known in zip(candidates, found, strict=True) if not known]
    if not unknown:
        return {}
    vocabulary = set()
    for names in Organisation.objects.values_list("search_names", flat=True).iterator(chunk_size=2000):
        vocabulary.update(re.findall(r"[^\W\d_]{3,}", names))
    return {
        token: difflib.get_close_matches(token, vocabulary, CORRECTIONS_PER_WORD, FALLBACK_CUTOFF) for token in unknown
    }


class PreparedQuery:
    """The words of a search, resolved once per request: finding corrections for misspelt words costs a query."""

    def __init__(self, query: str):
        self.text = normalise_query(query)
        if uses_full_text():
            self.words = query_words(self.text)
            self.corrections = corrections(self.words) if self.words else {}
        else:
            self.words = self.text.split()[:MAX_WORDS]
            self.corrections = fallback_corrections(self.words) if self.words else {}

    def __bool__(self) -> bool:
        return bool(self.text)

    def tsquery(self, any_word: bool = False):
        """Every word (or, with any_word, at least one), each widened by its corrections."""
        from django.contrib.postgres.search import SearchQuery

        terms = []
        for word in self.words:
            term = SearchQuery(word, search_type="plain", config="english")
            for near in self.corrections.get(word, []):
                term |= SearchQuery(near, search_type="plain", config="english")
            terms.append(term)
        return functools.reduce(operator.or_ if any_word else operator.and_, terms)

    def tsquery_sql(self) -> tuple[str, list[str]]:
        """The same query as tsquery(), as SQL and parameters, for statements written by hand."""
        terms, params = [], []
        for word in self.words:
            alternatives = [word, *self.corrections.get(word, [])]
            terms.append("(" + " || ".join(["plainto_tsquery('english', %s)"] * len(alternatives)) + ")")
            params += alternatives
        return "(" + " && ".join(terms) + ")", params


def prepare(query) -> PreparedQuery:
    return query if isinstance(query, PreparedQuery) else PreparedQuery(query)


def filter_organisations(queryset, query):
    """Only the matching rows, unranked: cheap to count and to use as a subquery (facets).

    `query` is the text typed, or a PreparedQuery to avoid looking corrections up twice.
    """
    prepared = prepare(query)
    if not prepared:
        return queryset
    if uses_full_text():
        if not prepared.words:
            return queryset.none()
        return queryset.filter(search_vector=prepared.tsquery())
    condition = Q()
    for word in prepared.words:
        either = Q(search_names__contains=word)
        for near in prepared.corrections.get(word, []):
            either |= Q(search_names__contains=near)
        condition &= either
    return queryset.filter(condition)


def rank_organisations(queryset, query):
    """Order already-filtered rows best first, annotated with `search_rank`."""
    prepared = prepare(query)
    if not prepared:
        return queryset
    text = prepared.text
    if uses_full_text():
        from django.contrib.postgres.search import SearchRank

        if not prepared.words:
            return queryset
        return queryset.annotate(search_rank=SearchRank(F("search_vector"), prepared.tsquery())).order_by(
            "-search_rank", "name", "pk"
        )
    return queryset.annotate(
        search_rank=Case(
            When(search_names=text, then=Value(3)),
            When(search_names__startswith=f"{text} |", then=Value(3)),
            When(search_names__startswith=text, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("-search_rank", "name", "pk")


def search_organisations(queryset, query):
    """Matching organisations, best first, each annotated with `search_rank` (see the module docstring)."""
    prepared = prepare(query)
    return rank_organisations(filter_organisations(queryset, prepared), prepared)


def suggest_organisations(queryset, query, limit: int = 3):
    """When nothing matched every word: up to `limit` organisations matching some of them.

    PostgreSQL only; SQLite returns nothing and the page falls back to general advice.
    """
    prepared = prepare(query)
    if not prepared or not uses_full_text() or len(prepared.words) < 2:
        return queryset.none()
    from django.contrib.postgres.search import SearchRank

    tsquery = prepared.tsquery(any_word=True)
    return (
        queryset.filter(search_vector=tsquery)
        .annotate(search_rank=SearchRank(F("search_vector"), tsquery))
        .order_by("-search_rank", "name")[:limit]
    )
