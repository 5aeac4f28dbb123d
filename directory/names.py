"""Name handling shared by search and duplicate detection."""

import re
import unicodedata

_LEGAL_SUFFIXES = {
    "ltd": "limited",
    "cio": "cio",
    "plc": "plc",
    "llp": "llp",
    "cic": "cic",
}


def fold(text: str) -> str:
    """Lower-case and strip accents, so "CAFÉ" and "cafe" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text or "")
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
