"""CSV that is safe to open in a spreadsheet, shared by every export, and that imports back exactly.

A cell that starts with =, +, -, @, a tab or a carriage return can be run as a
formula by Excel, LibreOffice or Google Sheets. Such cells get a leading
apostrophe, which spreadsheets show as text and do not evaluate (the OWASP
advice for CSV injection).

The importer trims the spaces around a cell, so a value that starts or ends
with a space or a line break gets the apostrophe too, and so does a value that
itself starts with an apostrophe the importer would otherwise remove:
``unescape_cell(escape_cell(value)) == value`` for every text (docs/csv.md,
“an export imports back unchanged”).
"""

import codecs
import csv
import datetime
from collections.abc import Iterable, Iterator

RISKY_FIRST_CHARACTERS = ("=", "+", "-", "@", "\t", "\r")

# What Excel needs to read a CSV file as UTF-8 rather than the computer's own code page (docs/csv.md).
BYTE_ORDER_MARK = codecs.BOM_UTF8.decode("utf-8")


def plain_cell(value) -> str:
    """A value as CSV text: blank for None, true/false, ISO 8601 dates, lists joined with “;”."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        value = ";".join(str(item) for item in value)
    return str(value)


def needs_apostrophe(text: str) -> bool:
    """Would a spreadsheet run this as a formula, or would the importer read it back differently?"""
    if not text:
        return False
    if text.startswith(RISKY_FIRST_CHARACTERS) or text[0].isspace() or text[-1].isspace():
        return True
    # “'=x” itself: without a second apostrophe the importer would take the first one away.
    return text[0] == "'" and needs_apostrophe(text[1:])


def escape_cell(value) -> str:
    """plain_cell, with an apostrophe in front of anything a spreadsheet could run or the importer would trim."""
    text = plain_cell(value)
    if text and (text[0] in "=+-@\t\r'" or text[0].isspace() or text[-1].isspace()) and needs_apostrophe(text):
        return "'" + text
    return text


def unescape_cell(raw: str) -> str:
    """A cell as read from a file, as the value it stands for: the inverse of escape_cell.

    Spaces around the cell are trimmed, unless the cell starts with the
    apostrophe escape_cell puts there: then everything after the apostrophe is
    the value, exactly.
    """
    text = raw.strip()
    if len(text) > 1 and text[0] == "'":
        inner = raw[len(raw) - len(raw.lstrip()) + 1 :]
        if needs_apostrophe(inner):
            return inner
    return text


class _Echo:
    def write(self, value):
        return value


def stream_csv(header: list[str], rows: Iterable[Iterable], *, bom: bool = False) -> Iterator[str]:
    """Yield CSV lines one at a time (for StreamingHttpResponse), every cell escaped.

    ``bom``: start with a UTF-8 byte-order mark, for files a person opens in
    Excel, which otherwise reads “Tŷ Hafan” in the computer's own code page
    (docs/csv.md says which downloads carry one).
    """
    writer = csv.writer(_Echo())
    first = writer.writerow(header)
    yield BYTE_ORDER_MARK + first if bom else first
    for row in rows:
        yield writer.writerow([escape_cell(cell) for cell in row])
