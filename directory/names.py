"""Name handling shared by search and duplicate detection."""

import re
import unicodedata
from collections.abc import Iterable

_LEGAL_SUFFIXES = {
    "ltd": "limited",
    "cio": "cio",
    "plc": "plc",
    "llp": "llp",
    "cic": "cic",
}


def fold(text: str) -> str:
    """Lower-case and strip accents, so "CAFÉ" and "cafe" compare equal."""
    text = text or ""
    if text.isascii():
        # NFKD leaves ASCII as it is and it has no combining marks: only the case changes.
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def normalise_name(name: str) -> str:
    """The form of an organisation's name used to spot likely duplicates.

    Ignores case, accents, punctuation, a leading "The", "&" against "and",
    and "Ltd" against "Limited".
    """
    text = fold(name).replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    words = text.split()
    if words and words[0] == "the":
        words = words[1:]
    words = [_LEGAL_SUFFIXES.get(word, word) for word in words]
    return " ".join(words)


def compose_search_names(
    name: str,
    short_name: str,
    other_names: Iterable[tuple[str, str]],
    identifiers: Iterable[tuple[str, str]],
) -> str:
    """An organisation's search names: every name it goes by and every identifier, folded.

    The one home of this rule (docs/architecture.md): the model, the CSV
    importer, the synthetic generator and the search index all call it, so a
    row written by any of them reads the same as one saved through the admin.
    `other_names` are (kind, name) pairs and `identifiers` (scheme, value)
    pairs, in any order: they are sorted here (by code point, not by a
    database's collation) so the text never depends on who read them. Each
    identifier appears as its number and as its org-id (GB-CHC-1234567).
    """
    parts = [name, short_name]
    parts += [other for _, other in sorted(other_names)]
    for scheme, value in sorted(identifiers):
        parts += [value, f"{scheme}-{value}"]
    return fold(" | ".join(part for part in parts if part))
