"""The organisation search page's parameters, read forgivingly from the query string."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.http import QueryDict

from directory.models.base import parse_date_parameter
from search.query import MAX_LENGTH, PreparedQuery

MAX_VALUES = 10


@dataclass
class SearchParams:
    """What the visitor asked for. Bad values become notices on the page, never errors.

    `on` is the date whose consortium members the consortium filter and its
    counts use (today if absent), read as every list reads a date
    (`parse_date_parameter`, ISO 8601).
    """

    q: str = ""
    themes: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    classification: str = ""
    consortia: list[str] = field(default_factory=list)
    on_text: str = ""
    on: datetime.date | None = None
    notices: list[str] = field(default_factory=list)
    prepared: PreparedQuery | None = None

    @classmethod
    def from_querydict(cls, data: QueryDict) -> "SearchParams":
        def slugs(name: str) -> list[str]:
            seen = []
            for value in data.getlist(name):
                value = value.strip()[:100]
                if value and value not in seen:
                    seen.append(value)
            return seen[:MAX_VALUES]

        params = cls(
            q=" ".join(data.get("q", "").split())[:MAX_LENGTH],
            themes=slugs("theme"),
            regions=slugs("region"),
            classification=data.get("classification", "").strip()[:40],
            consortia=slugs("consortium"),
            on_text=data.get("on", "").strip()[:40],
        )
        if params.on_text:
            try:
                params.on = parse_date_parameter(params.on_text, "on")
            except ValidationError as error:
                message = " ".join(error.message_dict["on"])
                params.notices.append(f"The date “on” was left out: {message} Today’s members are shown.")
                params.on_text = ""
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
