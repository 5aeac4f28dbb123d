"""CSV that is safe to open in a spreadsheet, shared by every export.

A cell that starts with =, +, -, @, a tab or a carriage return can be run as a
formula by Excel, LibreOffice or Google Sheets. Such cells get a leading
apostrophe, which spreadsheets show as text and do not evaluate (the OWASP
advice for CSV injection).
"""

import csv
import datetime
from collections.abc import Iterable, Iterator

RISKY_FIRST_CHARACTERS = ("=", "+", "-", "@", "\t", "\r")


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


def escape_cell(value) -> str:
    """plain_cell, with an apostrophe in front of anything a spreadsheet could run as a formula."""
    text = plain_cell(value)
    if text.startswith(RISKY_FIRST_CHARACTERS):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """Undo escape_cell on import, so an exported file imports back unchanged."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(RISKY_FIRST_CHARACTERS):
        return text[1:]
    return text


class _Echo:
    def write(self, value):
        return value


def stream_csv(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """Yield CSV lines one at a time (for StreamingHttpResponse), every cell escaped."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([escape_cell(cell) for cell in row])
