"""Reading one cell: each parser turns text into a value or raises CellError with a plain message.

``ValueLookup`` is the one way a value is found by its name: every choice
column (classification, kind, role) and every reference to a table of named
values (themes, regions, relationship types) accepts the stored value or the
name people see, in any case and spacing (“South East”, “south-east”,
“SOUTH_EAST”), and refuses anything else with the same message.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from directory.models.base import LONG_TEXT_MAX_LENGTH

LIST_SEPARATOR = ";"


class CellError(Exception):
    pass


def quoted(value: str, limit: int = 60) -> str:
    """A cell's text for a message: in quotes, shortened, with invisible characters shown as their code.

    A message echoes what was typed; a 100,000-character cell or an escape
    character would make it unreadable (or, printed to a terminal, do
    something).
    """
    value = str(value)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    if not value.isprintable():
        value = "".join(char if char.isprintable() or char == " " else f"[U+{ord(char):04X}]" for char in value)
    return f"“{value}”"


def text(max_length: int | None = LONG_TEXT_MAX_LENGTH, required: bool = False):
    """A text cell; max_length is the model field's (a TextField's is LONG_TEXT_MAX_LENGTH, the model layer's)."""

    def parse(value: str) -> str:
        if required and not value:
            raise CellError("This cannot be blank.")
        if max_length and len(value) > max_length:
            raise CellError(f"This is {len(value):,} characters long; the most allowed is {max_length:,}.")
        return value

    parse.max_length = max_length
    return parse


_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def slug(value: str) -> str:
    if not value:
        raise CellError("This cannot be blank.")
    if not _SLUG.fullmatch(value):
        raise CellError(f"{quoted(value)} is not a valid slug: use only letters, numbers, hyphens and underscores.")
    if len(value) > 255:
        raise CellError("This slug is longer than 255 characters.")
    return value


_WORDS = re.compile(r"[^\W_]+")


def lookup_key(text: str) -> str:
    """What a value is matched by: “South East”, “south-east” and “SOUTH_EAST” are all “south east”."""
    text = unicodedata.normalize("NFC", text).casefold().replace("&", " and ")
    return " ".join(_WORDS.findall(text))


class ValueLookup:
    """Values found by what they are stored as (a slug, a choice's value) or by the name people see.

    ``entries`` are (value, stored text, *names); the stored text wins over a
    name another value happens to have, and a name two values share finds
    neither. One message for every value not found (``unknown``).
    """

    def __init__(self, label: str, entries: Iterable[tuple], limit_listed: int = 30):
        self.label = label
        self.by_key: dict[str, object] = {}
        self.listed: list[str] = []
        names: dict[str, set] = {}
        entries = list(entries)
        for value, stored, *others in entries:
            self.by_key[lookup_key(str(stored))] = value
            shown = [str(name) for name in others if name and lookup_key(str(name)) != lookup_key(str(stored))]
            self.listed.append(f"{stored} ({shown[0]})" if shown else str(stored))
            for name in others:
                if name:
                    names.setdefault(lookup_key(str(name)), set()).add(value)
        for key, values in names.items():
            if key not in self.by_key and len(values) == 1:
                self.by_key[key] = next(iter(values))
        # Text as stored or shown, found without working out its key: most cells are written so.
        self.exact: dict[str, object] = {}
        for value, stored, *others in entries:
            for text in (stored, *others):
                if text and self.by_key.get(lookup_key(str(text))) == value:
                    self.exact[str(text)] = value
        self.limit_listed = limit_listed

    def get(self, text: str, default=None):
        found = self.exact.get(text)
        if found is not None:
            return found
        return self.by_key.get(lookup_key(text), default)

    def __contains__(self, text: str) -> bool:
        return text in self.exact or lookup_key(text) in self.by_key

    def known(self) -> str:
        if not self.listed:
            return "none are recorded yet"
        listed = sorted(self.listed)
        more = len(listed) - self.limit_listed
        return ", ".join(listed[: self.limit_listed]) + (f" and {more:,} more" if more > 0 else "")

    def unknown(self, values: Iterable[str]) -> str:
        values = list(values)
        shown = ", ".join(quoted(value) for value in values)
        # One message for one mistake, whichever column it is in (issue 10: two messages confused people).
        if len(values) > 1:
            return f"{shown} are not known {self.label}s. Use one of: {self.known()}."
        return f"{shown} is not a known {self.label}. Use one of: {self.known()}."


def choice(choices, required: bool = False, default: str = "", label: str = "value"):
    """Accept the stored value or the label, in any case and spacing: “Membership body” or “membership-body”."""
    lookup = ValueLookup(label, [(stored, stored, shown) for stored, shown in choices])

    def parse(value: str) -> str:
        if not value:
            if required and not default:
                raise CellError(f"This cannot be blank: use one of {lookup.known()}.")
            return default
        found = lookup.get(value)
        if found is None:
            raise CellError(lookup.unknown([value]))
        return found

    parse.lookup = lookup
    return parse


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def date(value: str) -> datetime.date | None:
    """ISO 8601 (2024-03-31), or the UK day/month/year a spreadsheet may save (31/03/2024)."""
    if not value:
        return None
    match = _ISO_DATE.fullmatch(value)
    try:
        if match:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        match = _UK_DATE.fullmatch(value)
        if match:
            return datetime.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise CellError(f"{quoted(value)} is not a real date.") from None
    raise CellError(f"{quoted(value)} is not a date: write it as YYYY-MM-DD, for example 2024-03-31.")


_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


def boolean(default: bool):
    def parse(value: str) -> bool:
        if not value:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise CellError(f"{quoted(value)} is not yes or no: write true or false.")

    return parse


def whole_number(maximum: int = 2_147_483_647):
    """A whole number from 0 to the model field's largest (2,147,483,647; 32,767 for a small one)."""

    def parse(value: str) -> int | None:
        if not value:
            return None
        cleaned = value.replace(",", "")
        if not (cleaned.isascii() and cleaned.isdigit()):
            raise CellError(f"{quoted(value)} is not a whole number of zero or more.")
        number = int(cleaned)
        if number > maximum:
            raise CellError(f"{quoted(value)} is too large: the most allowed is {maximum:,}.")
        return number

    return parse


positive_integer = whole_number()


def _eager(validator):
    """Django compiles validator patterns lazily, and every use of a lazy pattern costs a proxy lookup;
    give this validator instance the compiled patterns themselves (same rules, same patterns)."""
    for name in ("regex", "user_regex", "domain_regex", "literal_regex"):
        lazy = getattr(type(validator), name, None)
        if lazy is not None:
            setattr(validator, name, re.compile(lazy.pattern, lazy.flags))
    return validator


_email = _eager(EmailValidator())


def email(value: str) -> str:
    if not value:
        return ""
    if len(value) > 254:
        raise CellError("This email address is too long.")
    try:
        _email(value)
    except ValidationError:
        raise CellError(f"{quoted(value)} is not a valid email address.") from None
    return value


_url = _eager(URLValidator(schemes=["http", "https"]))


def url(max_length: int = 200):
    def parse(value: str) -> str:
        if not value:
            return ""
        if len(value) > max_length:
            raise CellError(f"This web address is longer than {max_length} characters.")
        try:
            _url(value)
        except ValidationError:
            raise CellError(f"{quoted(value)} is not a valid web address: it should start with https://") from None
        return value

    return parse


def phone(value: str) -> str:
    """A telephone number, stored as E.164 (+442079460000); UK numbers may be typed as 020 7946 0000."""
    if not value:
        return ""
    if value[0] == "+" and value[1:].isdigit():
        try:
            number = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            number = None
    else:
        try:
            number = phonenumbers.parse(value, getattr(settings, "PHONENUMBER_DEFAULT_REGION", "GB"))
        except phonenumbers.NumberParseException:
            number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise CellError(f"{quoted(value)} is not a valid telephone number.")
    return phone_text(number)


def phone_text(number) -> str:
    """How a number is stored: E.164, and an extension after it as RFC 3966 writes one (+442079460000;ext=12).

    django-phonenumber-field reads that text back with its extension, which
    E.164 alone cannot hold; numbers without one are stored as plain E.164.
    """
    stored = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{stored};ext={number.extension}" if number.extension else stored


def phone_for_export(e164) -> str:
    """UK numbers in the national form people type (020 7946 0000); others in international form.

    An extension is kept (“020 7946 0000 x12”), and reads back as the same number.
    """
    if not e164:
        return ""
    text_value = phone_text(e164) if isinstance(e164, phonenumbers.PhoneNumber) else str(e164)
    try:
        number = phonenumbers.parse(text_value, None)
    except phonenumbers.NumberParseException:
        return text_value
    home = getattr(settings, "PHONENUMBER_DEFAULT_REGION", "GB")
    if number.country_code == phonenumbers.country_code_for_region(home):
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        # Only where the national form reads back as the same number (it does for GB, not for the Isle of Man).
        if phonenumbers.region_code_for_country_code(number.country_code) == home:
            return national
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def split_list(value: str) -> list[str]:
    """“a; b;c” → ["a", "b", "c"]; “\\;” keeps a literal semicolon inside an item."""
    if not value:
        return []
    if "\\;" in value:
        items = [item.replace("\0", ";") for item in value.replace("\\;", "\0").split(LIST_SEPARATOR)]
    else:
        items = value.split(LIST_SEPARATOR)
    return [item.strip() for item in items if item.strip()]


def join_list(items) -> str:
    return LIST_SEPARATOR.join(str(item).replace(";", "\\;") for item in items)


class DatedName(str):
    """A name from an other-names cell, with the dates it was in use if the cell gives them.

    ``dated`` is False for a bare name: a name already recorded then keeps its
    dates (docs/csv.md, “Other names”).
    """

    start = None
    end = None
    dated = False


_DATE_TEXT = r"(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})"
_NAME_DATES = re.compile(
    rf"(?P<name>.*?\S)\s*\((?:(?P<start>{_DATE_TEXT[1:-1]}) to (?P<end>{_DATE_TEXT[1:-1]})"
    rf"|from (?P<since>{_DATE_TEXT[1:-1]})|until (?P<until>{_DATE_TEXT[1:-1]}))\)"
)


def name_with_dates(name: str, start, end) -> str:
    """“Strategic Partnership Programme (2016-04-01 to 2021-03-31)”: how an export writes a dated other name."""
    if start and end:
        return f"{name} ({start.isoformat()} to {end.isoformat()})"
    if start:
        return f"{name} (from {start.isoformat()})"
    if end:
        return f"{name} (until {end.isoformat()})"
    return str(name)


def _dated_name(item: str) -> str:
    """The name, as a DatedName if it ends with its dates (“Old Name (2001-04-01 to 2016-03-31)”)."""
    match = _NAME_DATES.fullmatch(item) if item[-1] == ")" else None
    if match is None:
        return item
    name = DatedName(match["name"])
    name.dated = True
    name.start = date(match["start"] or match["since"] or "")
    name.end = date(match["end"] or match["until"] or "")
    if name.start and name.end and name.end < name.start:
        raise CellError(f"The dates of {quoted(name)} end ({name.end}) before they start ({name.start}).")
    return name


def name_list(max_length: int = 255):
    """Other names, “;”-separated; each may end with the dates it was in use, as exports write them."""

    def parse(value: str) -> list[str]:
        items = [_dated_name(item) for item in split_list(value)]
        for item in items:
            if len(item) > max_length:
                raise CellError(f"{quoted(item, 40)} is longer than {max_length} characters.")
        seen = set()
        for item in items:
            if item in seen:
                raise CellError(f"{quoted(item)} is listed twice.")
            seen.add(item)
        return items

    return parse


def reference_list(value: str) -> list[str]:
    """Names or slugs of other records, resolved later in bulk (each through a ``ValueLookup``)."""
    return list(dict.fromkeys(split_list(value)))  # the same record named twice counts once when resolved


def reference(value: str) -> str:
    """A natural key of another record, resolved later in bulk; blank allowed (the column says if it is required)."""
    return value


def display(value) -> str:
    """A parsed or recorded value as the preview and the messages show it: the text a cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | set | frozenset):
        return join_list(sorted("-".join(v) if isinstance(v, tuple) else display(v) for v in value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


_SCHEME_PREFIXES: tuple[str, ...] | None = None
_ORG_ID = re.compile(r"\s*([A-Za-z]{2})[\s_\-]*([A-Za-z]{2,3})[\s_\-:]+(\S.*?)\s*")


def canonical_org_id(text: str) -> str:
    """“gb chc 1234567” or “GB_CHC-1234567” as “GB-CHC-1234567”; anything else unchanged.

    The scheme is a reference value like any other: accepted in any case and
    spacing. The number itself is tidied by ``directory.identifiers``.
    """
    global _SCHEME_PREFIXES
    if _SCHEME_PREFIXES is None:
        from directory.identifiers import SCHEMES

        _SCHEME_PREFIXES = tuple(f"{code}-" for code in SCHEMES)
    if text.startswith(_SCHEME_PREFIXES):
        return text  # written as exports write it: nothing to tidy
    match = _ORG_ID.fullmatch(text)
    if match:
        code = f"{match[1]}-{match[2]}".upper()
        if f"{code}-" in _SCHEME_PREFIXES:
            return f"{code}-{match[3]}"
    return text
