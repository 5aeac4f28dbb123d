"""`?format=csv` on every list: the same filtered, visible rows, streamed as CSV.

Records with an import format use its columns (`csvio.exports`),
so an exported file imports back unchanged; themes and regions, which have
none, get flat columns here. Every cell goes through
`csvio.safety.stream_csv`, the one place that escapes spreadsheet
formulas. Rows come in record order (oldest first): the export reads in
primary-key batches to keep memory flat.

The first rows are read before the response is returned: once streaming has
begun the status line is sent, so a database that cannot be reached must fail
here, where it still answers 503 (config/errors.py), not mid-file.

Visibility: the viewsets pass querysets already narrowed with `visible_to`.
The import format also carries a few cells that name another record — a
consortium's parent, an output's press contact — and a contact's private
notes. A cell naming a record the reader may not see (`visible_to` again) is
left blank, and notes are for those who see everything.
"""

from collections.abc import Callable, Iterable
from itertools import chain

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from consortia.models import Consortium
from csvio.exports import export_rows
from csvio.safety import stream_csv
from directory.models import Contact
from directory.models.base import sees_everything


class CSVRenderer(BaseRenderer):
    """Lets content negotiation accept `?format=csv`; list views stream the body themselves."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only reached for a response that is not a list (errors are switched to JSON in the view).
        return b""


def streaming_csv(header: list[str], rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    rows = iter(rows)
    first = next(rows, None)  # runs the first batch's queries now (see above)
    if first is not None:
        rows = chain([first], rows)
    response = StreamingHttpResponse(stream_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def kind_csv(kind: str, queryset, user) -> StreamingHttpResponse:
    header, rows = export_rows(kind, queryset)
    if kind == "contacts" and not sees_everything(user):
        rows = _blank_columns(rows, [header.index("notes")])
    for columns, visible in _references(kind, user):
        rows = _blank_unless_visible(rows, [header.index(column) for column in columns], visible)
    return streaming_csv(header, rows, kind)


def _references(kind: str, user) -> list[tuple[tuple[str, ...], set]]:
    """Cells naming another record, with the keys of those records this reader may see."""
    if kind == "consortia":
        parents = Consortium.objects.visible_to(user).filter(pk__in=Consortium.objects.values("parent"))
        return [(("parent",), set(parents.values_list("slug")))]
    if kind == "outputs":
        press = Contact.objects.visible_to(user).filter(press_outputs__isnull=False)
        return [(("press_contact_organisation", "press_contact"), set(press.values_list("organisation__slug", "name")))]
    return []


def columns_csv(columns: list[tuple[str, Callable]], queryset, filename: str) -> StreamingHttpResponse:
    rows = ([value(obj) for _, value in columns] for obj in queryset.iterator(chunk_size=2000))
    return streaming_csv([name for name, _ in columns], rows, filename)


def _blank_columns(rows, indexes):
    for row in rows:
        row = list(row)
        for index in indexes:
            row[index] = ""
        yield row


def _blank_unless_visible(rows, indexes: list[int], visible: set):
    for row in rows:
        key = tuple(row[index] for index in indexes)
        if any(key) and key not in visible:
            row = list(row)
            for index in indexes:
                row[index] = ""
        yield row
