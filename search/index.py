"""Index upkeep: keep what search reads current when organisations change.

`refresh_search_index(ids)` rewrites the denormalised `search_names` (every
name, acronym, former name and identifier, folded: `compose_search_names`,
via `Organisation.build_search_names`) and asks the backend to bring its own
index up to date (`SearchBackend.update_index`). Signals call it on single
saves (search/signals.py); bulk writers call it, or the functions below, once
per batch.

PostgreSQL's index is the weighted full-text vector (`VECTOR_SQL`: names A,
description B, theme names C) in `directory_organisation.search_vector`,
copied by triggers to the narrow `directory_search_document` that every read
uses (directory/0005), and the word list typos are corrected against
(`directory_search_word`, directory/0004). Bulk writers compute the vector in
their INSERT (`VECTOR_SQL`, `search_vector_value`) and add the words of the
rows they write (`add_search_words`); `update_search_vectors` rewrites the
vectors of rows that changed.
"""

import re
from collections.abc import Iterable

from django.db import connection

from .backends import backend


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
    backend().update_index(ids)


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
