"""`?format=csv` on every list: the same filtered, visible rows, streamed as CSV.

Records with an import format use its columns (`csvio.exports`),
so an exported file imports back unchanged; themes and regions, which have
none, get flat columns here. Every cell goes through
`csvio.safety.stream_csv`, the one place that escapes spreadsheet
formulas. Rows come in record order (oldest first): the export reads in
primary-key batches to keep memory flat.

Visibility: the viewsets pass querysets already narrowed to the caller. Three
columns the import format carries regardless need narrowing here for
anonymous callers: a contact's private notes, an output's press contact when
that contact is not public, and a consortium's parent when the parent is not
public.
"""

from collections.abc import Callable, Iterable

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from csvio.exports import export_rows
from csvio.safety import stream_csv
from directory.models import Contact


class CSVRenderer(BaseRenderer):
    """Lets content negotiation accept `?format=csv`; list views stream the body themselves."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only reached for a response that is not a list (errors are switched to JSON in the view).
        return b""


def streaming_csv(header: list[str], rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def kind_csv(kind: str, queryset, *, anonymous: bool) -> StreamingHttpResponse:
    header, rows = export_rows(kind, queryset)
    if anonymous and kind == "contacts":
        rows = _blank_columns(rows, [header.index("notes")])
    if anonymous and kind == "outputs":
        rows = _public_press_contacts_only(rows, header)
    if anonymous and kind == "consortia":
        rows = _public_parents_only(rows, header)
    return streaming_csv(header, rows, kind)


def columns_csv(columns: list[tuple[str, Callable]], queryset, filename: str) -> StreamingHttpResponse:
    rows = ([value(obj) for _, value in columns] for obj in queryset.iterator(chunk_size=2000))
    return streaming_csv([name for name, _ in columns], rows, filename)


def _blank_columns(rows, indexes):
    for row in rows:
        row = list(row)
        for index in indexes:
            row[index] = ""
        yield row


def _public_press_contacts_only(rows, header):
    organisation_at, name_at = header.index("press_contact_organisation"), header.index("press_contact")
    public = set(
        Contact.objects.public()
        .filter(organisation__is_public=True, press_outputs__isnull=False)
        .values_list("organisation__slug", "name")
    )
    for row in rows:
        row = list(row)
        if (row[organisation_at], row[name_at]) not in public:
            row[organisation_at] = row[name_at] = ""
        yield row


def _public_parents_only(rows, header):
    from consortia.models import Consortium

    parent_at = header.index("parent")
    hidden = set(Consortium.objects.filter(is_public=False).values_list("slug", flat=True))
    for row in rows:
        if row[parent_at] in hidden:
            row = list(row)
            row[parent_at] = ""
        yield row
