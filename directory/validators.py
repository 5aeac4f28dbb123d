"""What a person may type: the one check for invisible characters in names and text.

Every CharField and TextField a person types in the directory and consortia
models carries one of the two validators below, so the admin (model
validation), the API (the services' `full_clean()`) and the CSV importer
(which calls the same functions on each cell) refuse the same characters with
the same message (docs/architecture.md, "Each rule's one home").

Refused, because they cannot be seen and change what a reader sees or what
the next program does:

- C0 and C1 control characters (NUL, BEL, ESC, DEL, U+0080–U+009F…); a
  multi-line text keeps its tabs and line ends, a single-line value does not;
- the bidirectional overrides, embeddings and isolates (U+202A–U+202E,
  U+2066–U+2069), which reorder the text around them ("Trojan Source");
- the line and paragraph separators (U+2028, U+2029) in single-line values;
- lone surrogates, which are not characters at all and which neither UTF-8
  nor the database can store, and the Unicode noncharacters.

Kept, because real names and words need them: the zero-width joiner and
non-joiner (U+200D, U+200C) inside Welsh, Persian, Indic and emoji text, the
left-to-right and right-to-left marks (U+200E, U+200F) of mixed-direction
names, the tag characters of the Welsh flag, and every letter (ŵ, ŷ, é…).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

_C0_NAMES = [
    "NUL",
    "SOH",
    "STX",
    "ETX",
    "EOT",
    "ENQ",
    "ACK",
    "BEL",
    "BS",
    "TAB",
    "LF",
    "VT",
    "FF",
    "CR",
    "SO",
    "SI",
    "DLE",
    "DC1",
    "DC2",
    "DC3",
    "DC4",
    "NAK",
    "SYN",
    "ETB",
    "CAN",
    "EM",
    "SUB",
    "ESC",
    "FS",
    "GS",
    "RS",
    "US",
]
_DIRECTION_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_LINE_BREAKS = "\n\r\u2028\u2029"
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)
)
# One compiled character class each: an import checks millions of characters, a loop in Python would not keep up.
_REFUSED_IN_TEXT = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_DIRECTION_CONTROLS}\ud800-\udfff{_NONCHARACTERS}]"
)
_REFUSED_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_DIRECTION_CONTROLS}\ud800-\udfff{_NONCHARACTERS}]")


def describe_character(character: str) -> str:
    """“an invisible control character (U+001B ESC)”: what a message names a refused character by."""
    code = ord(character)
    label = f"U+{code:04X}"
    if character == "\t":
        return f"a tab ({label} TAB)"
    if character in _LINE_BREAKS:
        name = _C0_NAMES[code] if code < 0x20 else unicodedata.name(character)
        return f"a line break ({label} {name})"
    if code < 0x20:
        return f"an invisible control character ({label} {_C0_NAMES[code]})"
    if code == 0x7F:
        return f"an invisible control character ({label} DEL)"
    if code <= 0x9F:
        return f"an invisible control character ({label})"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return f"an invisible text-direction control ({label} {unicodedata.name(character)})"
    if 0xD800 <= code <= 0xDFFF:
        return f"half of a character without its other half (unpaired surrogate {label})"
    return f"a Unicode noncharacter ({label})"


def _check(value, refused: re.Pattern) -> None:
    if not isinstance(value, str):
        return
    found = refused.search(value)
    if found:
        raise ValidationError(
            "This contains %(character)s at character %(position)s. Remove it and try again.",
            code="control_character",
            params={"character": describe_character(found.group()), "position": found.start() + 1},
        )


def reject_control_characters(value) -> None:
    """A single-line value (a name, a title, a note): refuse every character described above.

    Raises a ValidationError naming the first such character and where it is,
    e.g. “This contains an invisible control character (U+001B ESC) at
    character 5. Remove it and try again.” The importer calls this on each
    cell of a single-line column.
    """
    _check(value, _REFUSED_IN_LINE)


def reject_control_characters_in_text(value) -> None:
    """A multi-line text (a description, notes, findings): as above, but tabs and line ends are kept."""
    _check(value, _REFUSED_IN_TEXT)
