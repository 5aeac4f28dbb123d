"""Turning an uploaded file into header and rows, or refusing it with a clear reason.

Real spreadsheets arrive as UTF-8 with or without a byte-order mark, as
Windows-1252 (what Excel in the UK saves as "CSV (Comma delimited)"), with
CRLF or LF line ends, quoted commas and line breaks inside cells, and blank
rows at the end. All of those are read; anything else is refused before a
single row is looked at.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

from csvio.safety import RISKY_FIRST_CHARACTERS, unescape_cell


class FileRefused(Exception):
    """The whole file is refused; the message is for a coordinator."""


@dataclass
class CsvFile:
    header: list[str]  # normalised column names, in file order
    raw_header: list[str]  # as written in the file
    records: Iterator[tuple[int, list[str]]]  # (spreadsheet row number, cells), blank rows dropped
    encoding: str


def max_bytes() -> int:
    return getattr(settings, "CSV_IMPORT_MAX_BYTES", 50 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "CSV_IMPORT_MAX_ROWS", 200_000)


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def read_bytes(source) -> bytes:
    """Read a path, bytes, or a file object, refusing anything over the size limit without reading it all."""
    limit = max_bytes()
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    elif isinstance(source, str) or hasattr(source, "__fspath__"):
        with open(source, "rb") as handle:
            data = handle.read(limit + 1)
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    if len(data) > limit:
        raise FileRefused(
            f"The file is larger than {_size(limit)}, the largest we accept. "
            "Split it into smaller files and import them one after another."
        )
    return data


# Bytes Windows-1252 leaves undefined: a file containing them is not Windows-1252 either.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name as a coordinator would know it)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "UTF-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            "This is an Excel workbook, not a CSV file. In Excel choose File › Save As › "
            "“CSV UTF-8 (Comma delimited) (*.csv)” and import that file."
        )
    if b"\x00" in data:
        raise FileRefused("This does not look like a CSV file: it contains binary data.")
    try:
        return data.decode("utf-8", errors="strict"), "UTF-8"
    except UnicodeDecodeError as error:
        utf8_error = error
    if not _CP1252_UNDEFINED.search(data):
        return data.decode("cp1252"), "Windows-1252"
    line = data[: utf8_error.start].count(b"\n") + 1
    raise FileRefused(
        f"The file is neither UTF-8 nor Windows-1252 text (the first unreadable character is on line {line}). "
        "Save it from your spreadsheet as “CSV UTF-8 (Comma delimited)” and try again."
    )


def normalise_header(name: str) -> str:
    """“ Short Name ” and “short-name” both become “short_name”."""
    return re.sub(r"[\s\-]+", "_", (name or "").replace("\ufeff", "").strip().lower())


def is_formula(text: str) -> bool:
    """A cell a spreadsheet would run as a formula (escaped cells have been unescaped already).

    A leading + or - is allowed when the rest looks like a number or a telephone
    number, since people type those (“+44 20 7946 0000”, “-5”).
    """
    if not text or not text.startswith(RISKY_FIRST_CHARACTERS):
        return False
    return not (text[0] in "+-" and re.fullmatch(r"[+\-][\d\s().]*", text))


def _lines(text: str) -> Iterator[str]:
    """The text line by line, ends kept, without copying it into a buffer first (csv joins quoted line breaks)."""
    start = 0
    length = len(text)
    while start < length:
        end = text.find("\n", start)
        if end == -1:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def parse(data: bytes) -> CsvFile:
    """Decode, find the heading row, and read the rest lazily; refuse empty files and files over the row limit.

    Rows are produced one at a time (records is an iterator), so a large file is
    never held twice: once as text, once as cells.
    """
    if not data.strip():
        raise FileRefused("The file is empty.")
    text, encoding = decode(data)
    del data
    reader = csv.reader(_lines(text), strict=False)
    header = None
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                header = cells
                break
    except csv.Error as error:
        raise FileRefused(f"Row {reader.line_num} could not be read as CSV: {error}.") from error
    if header is None:
        raise FileRefused("The file is empty.")
    records = _records(reader, len(header))
    first = next(records, None)
    if first is None:
        raise FileRefused("The file has column headings but no rows to import.")
    return CsvFile(
        header=[normalise_header(name) for name in header],
        raw_header=[name.strip() for name in header],
        records=itertools.chain([first], records),
        encoding=encoding,
    )


def _records(reader, header_rows: int) -> Iterator[tuple[int, list[str]]]:
    limit = max_rows()
    row_number = 1  # the heading row, as a spreadsheet numbers it
    count = 0
    try:
        for cells in reader:
            row_number += 1
            if not any(cell.strip() for cell in cells):
                continue
            count += 1
            if count > limit:
                raise FileRefused(
                    f"The file has more than {limit:,} rows, the most we accept in one import. "
                    "Split it into smaller files and import them one after another."
                )
            yield row_number, cells
    except csv.Error as error:
        raise FileRefused(f"Row {row_number + 1} could not be read as CSV: {error}.") from error


def cell_text(raw: str) -> str:
    """A cell as a value: surrounding spaces trimmed, a spreadsheet-safety apostrophe removed."""
    return unescape_cell(raw.strip())
