"""Reading one cell: each parser turns text into a value or raises CellError with a plain message."""

from __future__ import annotations

import datetime
import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

LIST_SEPARATOR = ";"


class CellError(Exception):
    pass


def text(max_length: int | None = None, required: bool = False):
    def parse(value: str) -> str:
        if required and not value:
            raise CellError("This cannot be blank.")
        if max_length and len(value) > max_length:
            raise CellError(f"This is {len(value)} characters long; the most allowed is {max_length}.")
        return value

    return parse


_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def slug(value: str) -> str:
    if not value:
        raise CellError("This cannot be blank.")
    if not _SLUG.fullmatch(value):
        raise CellError(f"“{value}” is not a valid slug: use only letters, numbers, hyphens and underscores.")
    if len(value) > 255:
        raise CellError("This slug is longer than 255 characters.")
    return value


def choice(choices, required: bool = False, default: str = ""):
    """Accept the stored value or the label, in any case: “Membership body” or “membership-body”."""
    lookup = {}
    for stored, label in choices:
        lookup[stored.lower()] = stored
        lookup[str(label).lower()] = stored
    allowed = ", ".join(stored for stored, _ in choices)

    def parse(value: str) -> str:
        if not value:
            if required and not default:
                raise CellError(f"This cannot be blank: use one of {allowed}.")
            return default
        try:
            return lookup[value.lower()]
        except KeyError:
            raise CellError(f"“{value}” is not one of the allowed values: {allowed}.") from None

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
        raise CellError(f"“{value}” is not a real date.") from None
    raise CellError(f"“{value}” is not a date: write it as YYYY-MM-DD, for example 2024-03-31.")


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
        raise CellError(f"“{value}” is not yes or no: write true or false.")

    return parse


def positive_integer(value: str) -> int | None:
    if not value:
        return None
    cleaned = value.replace(",", "")
    if not cleaned.isdigit():
        raise CellError(f"“{value}” is not a whole number of zero or more.")
    number = int(cleaned)
    if number > 2_147_483_647:
        raise CellError(f"“{value}” is too large.")
    return number


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
        raise CellError(f"“{value}” is not a valid email address.") from None
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
            raise CellError(f"“{value}” is not a valid web address: it should start with https://") from None
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
        raise CellError(f"“{value}” is not a valid telephone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_for_export(e164) -> str:
    """UK numbers in the national form people type (020 7946 0000); others in international form."""
    if not e164:
        return ""
    text_value = e164.as_e164 if hasattr(e164, "as_e164") else str(e164)
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


def name_list(max_length: int = 255):
    def parse(value: str) -> list[str]:
        items = split_list(value)
        for item in items:
            if len(item) > max_length:
                raise CellError(f"“{item[:40]}…” is longer than {max_length} characters.")
        seen = set()
        for item in items:
            if item in seen:
                raise CellError(f"“{item}” is listed twice.")
            seen.add(item)
        return items

    return parse


def slug_list(value: str) -> list[str]:
    items = split_list(value)
    for item in items:
        if not _SLUG.fullmatch(item):
            raise CellError(f"“{item}” is not a valid slug: use only letters, numbers, hyphens and underscores.")
    return sorted(set(items))


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
        return join_list(sorted(str(v) for v in value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
