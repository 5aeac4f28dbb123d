"""Every page parameter, read and checked in one place (docs/architecture.md: `web/` holds the page parameters).

A page never fails on what is typed into its address, and never silently
acts on something it could not read. `PageQuery` checks each value the way
the API's filters check theirs, and each page reads its parameters only
through it:

- text that is not UTF-8 (`%ff%fe`, the overlong `%C0%AF`), read from the raw
  query string, since Django's own reading turns such bytes into U+FFFD;
- invisible characters (NUL, ESC, a right-to-left override...): the same
  characters the records refuse, by the same rule (`directory.validators`);
- values longer than the page reads;
- a value repeated where one is expected (the first is used);
- dates, read by `parse_date_parameter` (ISO 8601), as the API reads `as_of`;
- slugs and choices that name nothing (the page that resolves them says so).

What is left out is said in a notice on the page that names the parameter,
and the page answers with what it could read. Parameters a page does not
know are ignored: links from elsewhere carry their own (the API, a tool for
scripts, refuses them instead).
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, unquote_to_bytes

from django.core.exceptions import ValidationError
from django.http import QueryDict

from directory.models.base import parse_date_parameter
from directory.validators import reject_control_characters
from search.query import MAX_LENGTH

#: The most values of one repeatable parameter a page reads (themes, areas, consortia).
MAX_VALUES = 10
#: The longest slug any record has (SlugField max_length); a longer value names nothing.
SLUG_LENGTH = 255
#: The longest typed text a page reads besides the search words (the outputs' contributor box).
TEXT_LENGTH = 100
#: ISO 8601 dates are ten characters; a little room for spaces around them.
DATE_LENGTH = 40
PAGE_LENGTH = 12


def _query_bytes(query_string: str) -> bytes:
    # WSGI hands the query string over as bytes read as Latin-1; a test client or ASGI may not.
    try:
        return query_string.encode("iso-8859-1")
    except UnicodeEncodeError:
        return query_string.encode("utf-8", "surrogatepass")


def read_query_string(query_string: str) -> dict[str, list[str | None]]:
    """Each parameter's values, in order, as Django splits them; None for a value that is not UTF-8 text."""
    values = defaultdict(list)
    for pair in _query_bytes(query_string).split(b"&"):
        if not pair:
            continue
        name, _, value = pair.partition(b"=")
        # A name Django cannot read is no parameter any page knows: read it leniently and move on.
        name = unquote(name.replace(b"+", b" ").decode("iso-8859-1"), errors="replace")
        try:
            values[name].append(unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8"))
        except UnicodeDecodeError:
            values[name].append(None)
    return values


@dataclass
class DateParameter:
    """A date a page is asked about: the text as given (for the form), the date read, or the error."""

    text: str = ""
    date: datetime.date | None = None
    error: str = ""


class PageQuery:
    """One page's query string, read value by value; `notices` says what was left out and why."""

    def __init__(self, request):
        request.GET  # noqa: B018 - Django's own limit on the number of parameters (a 400 beyond it)
        self._values = read_query_string(request.META.get("QUERY_STRING", ""))
        self.notices: list[str] = []

    def notice(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)

    def _check(self, value: str | None, max_length: int, *, text: bool) -> tuple[str, str]:
        """(the value made ready, "") or ("", why it cannot be used)."""
        if value is None:
            return "", "it is not readable text (its bytes are not UTF-8)."
        if len(value) > max_length:
            return "", f"it is {len(value):,} characters long, and this page reads at most {max_length}."
        if text:
            # Typed or pasted words: line ends and tabs are spaces, runs of spaces one.
            value = value.replace("\t", " ").replace("\r", " ").replace("\n", " ")
        try:
            reject_control_characters(value)
        except ValidationError as error:
            return "", error.messages[0]
        return (" ".join(value.split()) if text else value.strip()), ""

    def _checked(self, name: str, value: str | None, max_length: int, *, text: bool) -> str:
        """One value, or "" with a notice naming the parameter when it cannot be used."""
        value, problem = self._check(value, max_length, text=text)
        if problem:
            self.notice(f"The value given for “{name}” was left out: {problem}")
        return value

    def _first(self, name: str) -> str | None:
        values = [value for value in self._values.get(name, []) if value != ""]
        if len(values) > 1:
            self.notice(f"“{name}” was given {len(values)} times; only the first was used.")
        return values[0] if values else ""

    def many(self, name: str, max_length: int = SLUG_LENGTH, limit: int = MAX_VALUES) -> list[str]:
        """A repeatable parameter's usable values, each once, in the order given."""
        kept = []
        for value in self._values.get(name, []):
            value = self._checked(name, value, max_length, text=False)
            if value and value not in kept:
                kept.append(value)
        if len(kept) > limit:
            self.notice(f"Only the first {limit} values of “{name}” were used.")
        return kept[:limit]

    def one(self, name: str, max_length: int = SLUG_LENGTH, *, text: bool = False) -> str:
        """A parameter that takes one value; `text` for typed words (spaces tidied)."""
        return self._checked(name, self._first(name), max_length, text=text)

    def choice(self, name: str, choices: Mapping[str, str], what: str) -> str:
        """One of `choices` (value: label); anything else is left out with a notice naming `what` it is not."""
        value = self.one(name, max(map(len, choices), default=1) + 40)
        if value and value not in choices:
            self.notice(f"There is no {what} “{value}”, so that filter was left out.")
            return ""
        return value

    def date(self, name: str) -> DateParameter:
        """A date read by `parse_date_parameter`, as the API reads `as_of`; a problem is the date's `error`.

        The page shows the error at its date field (or as a notice), not in `notices`.
        """
        text, problem = self._check(self._first(name), DATE_LENGTH, text=False)
        given = DateParameter(text=text)
        if text:
            try:
                given.date = parse_date_parameter(text, name)
            except ValidationError as error:
                problem = " ".join(error.message_dict[name])
        if problem:
            given.error = f"The date “{name}” was left out: {problem}"
        return given

    def page(self) -> str:
        """The page number as given: the paginator shows the first page for anything else, the last if beyond."""
        return self.one("page", PAGE_LENGTH)


@dataclass
class SearchParams:
    """What the visitor asked the organisation search for, read through `PageQuery`.

    `on` is the date whose consortium members the consortium filter and its
    counts use (today if absent).
    """

    q: str = ""
    themes: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    classification: str = ""
    consortia: list[str] = field(default_factory=list)
    on_text: str = ""
    on: datetime.date | None = None
    page: str = ""
    notices: list[str] = field(default_factory=list)
    prepared: object = None

    @classmethod
    def from_request(cls, request) -> "SearchParams":
        query = PageQuery(request)
        on = query.date("on")
        if on.error:
            query.notice(f"{on.error} Today’s members are shown.")
        params = cls(
            q=query.one("q", MAX_LENGTH, text=True),
            themes=query.many("theme"),
            regions=query.many("region"),
            # Checked against the kinds by run_search, which names an unknown one.
            classification=query.one("classification"),
            consortia=query.many("consortium"),
            on_text=on.text if on.date else "",
            on=on.date,
            page=query.page(),
            notices=query.notices,
        )
        return params

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
            "on": self.on_text,
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


OUTPUT_FILTERS = ("kind", "consortium", "contributor", "theme", "year")


@dataclass
class OutputParams:
    """The outputs list's filters, read through `PageQuery`; the view resolves the slugs and says which name nothing."""

    kind: str = ""
    consortium: str = ""
    contributor: str = ""
    theme: str = ""
    year: str = ""
    page: str = ""
    notices: list[str] = field(default_factory=list)

    @classmethod
    def from_request(cls, request, kinds: Mapping[str, str]) -> "OutputParams":
        query = PageQuery(request)
        params = cls(
            kind=query.choice("kind", kinds, "kind of output"),
            consortium=query.one("consortium"),
            contributor=query.one("contributor", TEXT_LENGTH, text=True),
            theme=query.one("theme"),
            year=query.one("year", DATE_LENGTH),
            page=query.page(),
            notices=query.notices,
        )
        # ASCII digits only: "²" is a digit to str.isdigit() and not a number to int().
        if params.year and not (re.fullmatch("[0-9]{4}", params.year) and 1900 <= int(params.year) <= 2100):
            params.notices.append(f"“{params.year}” is not a year, so that filter was left out.")
            params.year = ""
        return params

    def chosen(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in OUTPUT_FILTERS}

    def querydict(self) -> QueryDict:
        query = QueryDict(mutable=True)
        query.update({key: value for key, value in self.chosen().items() if value})
        return query
