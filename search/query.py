"""Query preparation: what was typed, as words and the corrections of misspelt ones.

A `PreparedQuery` is made once per request: finding the corrections costs a
query, and the results, the facet counts and the suggestions all reuse them.
How the text splits into words and where corrections come from is the
backend's business (search/backends/).
"""

from directory.names import fold

MAX_WORDS = 8
MAX_LENGTH = 200


def normalise_query(query: str) -> str:
    """Folded, single-spaced, and cut to a sensible length (a pasted essay is not a search)."""
    return " ".join(fold(query or "").split())[:MAX_LENGTH]


class PreparedQuery:
    """The words of a search (at most MAX_WORDS), each with the known words it may have been meant as."""

    def __init__(self, query: str):
        from .backends import backend

        engine = backend()
        self.text = normalise_query(query)
        self.words: list[str] = engine.query_words(self.text)[:MAX_WORDS]
        self.corrections: dict[str, list[str]] = engine.corrections(self.words) if self.words else {}

    def __bool__(self) -> bool:
        return bool(self.text)

    def __repr__(self) -> str:
        return f"PreparedQuery({self.text!r})"

    def alternatives(self, word: str) -> list[str]:
        """The word itself, then its corrections: any of them may match."""
        return [word, *self.corrections.get(word, [])]


def prepare(query) -> PreparedQuery:
    """The text typed, prepared; a PreparedQuery is passed through (its corrections were already looked up)."""
    return query if isinstance(query, PreparedQuery) else PreparedQuery(query)
