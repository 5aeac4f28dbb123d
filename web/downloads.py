"""The lists' "Download as CSV": exactly the rows the page lists, filters included, in the page's order.

Each download is built from the same reads as its page (the same parameters,
the same `visible_to`, the same order), over every page of the list, in the
import columns of `csvio.exports`, so a file opens in a spreadsheet and
imports back. Cells are written by `csvio.safety.stream_csv`, the one place
that makes cells safe for spreadsheets, with a byte-order mark so that Excel
reads "Tŷ Hafan" as written (docs/csv.md). The exporter reads in primary-key
order; here each batch is put back in the page's order.
"""

from collections.abc import Callable, Iterable, Iterator

from django.http import StreamingHttpResponse

from csvio.exports import export_rows
from csvio.safety import stream_csv
from directory.models import Contact

BATCH = 2_000


def csv_response(header: list[str], rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream_csv(header, rows, bom=True), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def in_page_order(kind: str, model, keys: Iterable[list], key_columns: tuple[str, ...], where: Callable):
    """(header, rows) of `kind` for batches of record keys in the page's order.

    `keys` yields lists of keys (tuples of the `key_columns` values, as the
    exporter writes them); `where(batch)` is the queryset of that batch's records.
    """
    header, _ = export_rows(kind, model.objects.none())
    positions = [header.index(column) for column in key_columns]

    def rows() -> Iterator[list]:
        for batch in keys:
            if not batch:
                continue
            _, found = export_rows(kind, where(batch))
            by_key = {tuple(row[i] for i in positions): row for row in found}
            yield from (by_key[key] for key in batch if key in by_key)

    return header, rows()


def slug_batches(slugs_of: Callable[[int, int], Iterable[str]], total: int) -> Iterator[list[tuple]]:
    """Slugs of the page's records in its order, BATCH at a time: `slugs_of(start, stop)` reads one slice."""
    for start in range(0, total, BATCH):
        yield [(slug,) for slug in slugs_of(start, start + BATCH)]


def blank_press_contacts_unless_visible(header: list[str], rows: Iterable[list], user) -> Iterator[list]:
    """An output's press contact cells name a contact: left blank unless the reader may see that contact."""
    columns = [header.index("press_contact_organisation"), header.index("press_contact")]
    visible = set(
        Contact.objects.visible_to(user).filter(press_outputs__isnull=False).values_list("organisation__slug", "name")
    )
    for row in rows:
        if tuple(row[i] for i in columns) not in visible:
            row = list(row)
            for i in columns:
                row[i] = ""
        yield row
