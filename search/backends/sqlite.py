"""The portable backend: SQLite in development and tests (and any database but PostgreSQL).

Every word of the query, folded to lower case without accents, must appear
somewhere in the organisation's `search_names` (names, acronyms, former
names, identifiers). A word of letters found in no name is widened to the
closest words of the names (difflib, ratio ≥ FALLBACK_CUTOFF), so "clinx"
still finds Clinks. The relevance order: an exact name first, then names
starting with the query, then the rest by name. No stemming, descriptions or
themes, and no suggestions when nothing matches.

It keeps no index of its own: `search_names` is enough at demonstration
sizes. SQLite FTS5 would be a backend of its own module (search/backends/base.py).
"""

import difflib
import re

from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When

from .base import SearchBackend

CORRECTIONS_PER_WORD = 3
FALLBACK_CUTOFF = 0.7  # difflib ratio: "clinx" and "clinks" score 0.73


class SQLiteBackend(SearchBackend):
    name = "sqlite"

    def query_words(self, text: str) -> list[str]:
        return text.split()

    def corrections(self, words: list[str]) -> dict[str, list[str]]:
        """For each word of letters found in no name, the closest words of the names (difflib).

        One query tells which words appear somewhere; only when one does not is
        the list of words in names read (fine at demonstration sizes).
        """
        from directory.models import Organisation

        candidates = [word for word in words if len(word) >= 3 and word.isalpha()]
        if not candidates:
            return {}
        table = connection.ops.quote_name(Organisation._meta.db_table)
        exists = ", ".join(f"EXISTS(SELECT 1 FROM {table} WHERE search_names LIKE %s)" for _ in candidates)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {exists}", [f"%{word}%" for word in candidates])
            found = cursor.fetchone()
        unknown = [word for word, known in zip(candidates, found, strict=True) if not known]
        if not unknown:
            return {}
        vocabulary = set()
        for names in Organisation.objects.values_list("search_names", flat=True).iterator(chunk_size=2000):
            vocabulary.update(re.findall(r"[^\W\d_]{3,}", names))
        return {
            word: difflib.get_close_matches(word, vocabulary, CORRECTIONS_PER_WORD, FALLBACK_CUTOFF) for word in unknown
        }

    def filter(self, queryset, prepared):
        if not prepared:
            return queryset
        condition = Q()
        for word in prepared.words:
            either = Q()
            for alternative in prepared.alternatives(word):
                either |= Q(search_names__contains=alternative)
            condition &= either
        return queryset.filter(condition)

    def rank(self, queryset, prepared):
        if not prepared:
            return queryset
        text = prepared.text
        return queryset.annotate(
            search_rank=Case(
                When(search_names=text, then=Value(3)),
                When(search_names__startswith=f"{text} |", then=Value(3)),
                When(search_names__startswith=text, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("-search_rank", "name", "pk")
