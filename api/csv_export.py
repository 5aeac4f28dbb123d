"""`?format=csv` on every list: the same filtered, visible rows, streamed as CSV.

Columns are flat and use natural keys (slugs, org-id strings); lists inside a
cell are joined with ";". Every cell goes through `directory.csv_safety`, the
one place that escapes spreadsheet formulas.
"""

from collections.abc import Callable, Iterable

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from directory.csv_safety import stream_csv

CHUNK_SIZE = 2000


class CSVRenderer(BaseRenderer):
    """Lets content negotiation accept `?format=csv`; list views stream the body themselves."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only reached for a response that is not a list (errors are switched to JSON in the view).
        return b""


Column = tuple[str, Callable]


def slugs(attribute: str) -> Callable:
    return lambda obj: [item.slug for item in getattr(obj, attribute).all()]


def csv_response(columns: list[Column], queryset, filename: str) -> StreamingHttpResponse:
    header = [name for name, _ in columns]

    def rows() -> Iterable[list]:
        for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [value(obj) for _, value in columns]

    response = StreamingHttpResponse(stream_csv(header, rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
