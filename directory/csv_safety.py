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


def escape_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        value = ";".join(str(item) for item in value)
    text = str(value)
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
