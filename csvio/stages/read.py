"""Stage 1, read: turning an uploaded file into header and rows, or refusing it with a clear reason.

Real spreadsheets arrive as UTF-8 with or without a byte-order mark, as
Windows-1252 (what Excel in the UK saves as "CSV (Comma delimited)"), as
UTF-16 or UTF-32 (Excel's "Unicode Text"), separated by commas, semicolons
(Excel where the decimal mark is a comma), tabs or bars, with CRLF, LF or
CR line ends, quoted commas and line breaks inside cells, and blank rows at
the end. All of those are read; anything else is refused, naming the row
(and the column where there is one), before a single value is looked at.

What is decided here from the whole text at once, so that the parse stage
need not look at every character of every cell:

- the encoding, by evidence: a file that is valid UTF-8 except for a few
  bytes is UTF-8 with mistakes (refused, naming the first bad byte's row and
  column), not Windows-1252;
- the separator, from the heading row;
- whether any cell may hold a character the model layer refuses
  (``CsvFile.check_characters``); only then are cells checked one by one.
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
from directory.models.base import LONG_TEXT_MAX_LENGTH


class FileRefused(Exception):
    """The whole file is refused; the message is for a coordinator. ``row``/``column`` say where, if anywhere."""

    def __init__(self, message: str, *, row: int | None = None, column: str = ""):
        super().__init__(message)
        self.row = row
        self.column = column


@dataclass
class CsvFile:
    header: list[str]  # normalised column names, in file order
    raw_header: list[str]  # as written in the file
    # (spreadsheet row number, cells, whether the row runs over more than one line of the file); blank rows dropped
    records: Iterator[tuple[int, list[str], bool]]
    encoding: str
    delimiter: str = ","
    # True when some cell may hold a character the model layer refuses (a control character, a byte that
    # is not UTF-8, a byte-order mark inside the text…): the parse stage then checks every cell.
    check_characters: bool = False
    # The file is UTF-8 with a few bytes that are not; they were read as U+DC80–U+DCFF (surrogateescape).
    bad_bytes: bool = False


DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars (|)"}


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


# -- encoding --------------------------------------------------------------------------------------

# Bytes Windows-1252 leaves undefined: a file containing them is not Windows-1252 either.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
# A character UTF-8 decoding produced from more than one byte: evidence that the file is UTF-8.
_DECODED_NON_ASCII = re.compile("[\u0080-\udc7f\udd00-\U0010ffff]")
_BAD_BYTE = re.compile("[\udc80-\udcff]")
# Control bytes no text file has (tab, line ends and form feed aside).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_SAVE_AS_UTF8 = "Save it from your spreadsheet as “CSV UTF-8 (Comma delimited)” and try again."


@dataclass
class Decoded:
    text: str
    encoding: str
    bad_bytes: bool = False


def _unicode_without_mark(data: bytes) -> tuple[str, str] | None:
    """UTF-16 or UTF-32 without a byte-order mark, recognised by where the zero bytes of ASCII text fall."""
    sample = data[:4096]
    size = len(sample)
    if size < 4:
        return None
    for width, names in ((4, ("utf-32-le", "utf-32-be")), (2, ("utf-16-le", "utf-16-be"))):
        if len(data) % width:
            continue
        usable = size - size % width
        units = usable // width
        zero = [sum(1 for i in range(offset, usable, width) if sample[i] == 0) for offset in range(width)]
        # Little-endian ASCII text: the first byte of each unit is the letter, the others are zero.
        if zero[0] < units * 0.1 and all(count > units * 0.7 for count in zero[1:]):
            codec = names[0]
        elif zero[-1] < units * 0.1 and all(count > units * 0.7 for count in zero[:-1]):
            codec = names[1]
        else:
            continue
        label = f"UTF-{width * 8} ({'little' if codec.endswith('le') else 'big'}-endian, no byte-order mark)"
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            raise FileRefused(f"This looks like {label} text, but it cannot be read as such. {_SAVE_AS_UTF8}") from None
    return None


def decode(data: bytes) -> Decoded:
    """The text and how it was read (the name a coordinator would know), decided by evidence."""
    for mark, codec, name in (
        (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
    ):
        if data.startswith(mark):
            try:
                return Decoded(data[len(mark) :].decode(codec), name)
            except UnicodeDecodeError as error:
                raise FileRefused(
                    f"The file starts with the byte-order mark of {name} text, but byte {error.start + len(mark):,} "
                    f"cannot be read as {name}. {_SAVE_AS_UTF8}"
                ) from None
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            "This is an Excel workbook, not a CSV file. In Excel choose File › Save As › "
            "“CSV UTF-8 (Comma delimited) (*.csv)” and import that file."
        )
    has_mark = data.startswith(codecs.BOM_UTF8)
    if has_mark:
        data = data[len(codecs.BOM_UTF8) :]
    elif b"\x00" in data:
        unmarked = _unicode_without_mark(data)
        if unmarked is not None:
            return Decoded(*unmarked)
        # Text with a stray NUL is read (the parse stage names its cell); bytes that are largely control
        # characters are not text at all.
        sample = data[:65536]
        if len(_BINARY_BYTES.findall(sample)) > max(8, len(sample) // 20):
            raise FileRefused(
                "This does not look like a CSV file: it contains binary data. "
                "Save it from your spreadsheet as “CSV UTF-8 (Comma delimited)”."
            )
    try:
        return Decoded(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="surrogateescape")
    # Evidence: one character made of several UTF-8 bytes means the file was written as UTF-8, and the bytes
    # that are not UTF-8 are mistakes. Reading such a file as Windows-1252 would turn every “é” into “Ã©”.
    if has_mark or _DECODED_NON_ASCII.search(text):
        return Decoded(text, "UTF-8", bad_bytes=True)
    del text
    if not _CP1252_UNDEFINED.search(data):
        return Decoded(data.decode("cp1252"), "Windows-1252")
    first = _CP1252_UNDEFINED.search(data).start()
    line = data[:first].count(b"\n") + 1
    raise FileRefused(
        f"The file is neither UTF-8 nor Windows-1252 text (the first unreadable character is on line {line}). "
        + _SAVE_AS_UTF8
    )


# -- lines and the separator ------------------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n?|\n")


def _lines(text: str) -> Iterator[str]:
    """The text line by line, ends kept, without copying it into a buffer first (csv joins quoted line breaks).

    A line ends at LF, CRLF or a CR on its own (old Mac files, and files whose
    rows end in different ways): the csv module keeps a line break that is
    inside quotes exactly as written, whichever it is.
    """
    if text.count("\r") != text.count("\r\n"):
        start = 0
        for match in _LINE_BREAK.finditer(text):
            end = match.end()
            yield text[start:end]
            start = end
        if start < len(text):
            yield text[start:]
        return
    start = 0
    length = len(text)
    while start < length:
        end = text.find("\n", start)
        if end == -1:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def _count_outside_quotes(line: str, character: str) -> int:
    if '"' not in line:
        return line.count(character)
    return sum(part.count(character) for part in line.split('"')[::2])


_EXCEL_SEPARATOR_LINE = re.compile(r"[ \t]*sep=([,;\t|])[ \t]*(?:\r\n?|\n)", re.IGNORECASE)


def detect_delimiter(text: str) -> str:
    """The separator of the heading row: the one of , ; tab | it holds most often outside quotes (a tie: comma)."""
    for line in _lines(text[:1_000_000]):
        if line.strip():
            counts = {d: _count_outside_quotes(line, d) for d in DELIMITER_NAMES}
            best = max(DELIMITER_NAMES, key=lambda d: (counts[d], d == ","))
            return best if counts[best] else ","
    return ","


# -- characters a cell may not hold ---------------------------------------------------------------

# Everything directory/validators.py refuses in any text (control characters, bidirectional controls, lone
# surrogates, noncharacters), plus the tab, the line and paragraph separators (refused in single-line
# values) and a byte-order mark inside the text (two files joined together). Line ends are looked after
# row by row: only a row that runs over several lines of the file can have one inside a cell.
# One character class over the Basic Multilingual Plane and every character beyond it: a class that
# lists the astral noncharacters one by one is fourteen times slower to search 30 MB with. Characters
# beyond the plane (emoji, the Welsh flag's tags) are fine unless they are noncharacters (U+1FFFE…).
_NEEDS_CHARACTER_CHECK = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
    "\ufdd0-\ufdef\ufeff\ufffe\uffff\U00010000-\U0010ffff]"
)


def _needs_character_check(text: str, delimiter: str) -> bool:
    for found in _NEEDS_CHARACTER_CHECK.finditer(text):
        code = ord(found.group())
        if code < 0x10000 or code & 0xFFFE == 0xFFFE:
            return True
    # A tab can be inside a cell only where tabs are not the separator, or inside quotes where they are.
    return ("\t" in text) if delimiter != "\t" else ('"' in text)


def bad_byte(cell: str) -> str | None:
    """“0xE9” for the first byte of this cell that was not UTF-8 (read as a lone surrogate), if any."""
    found = _BAD_BYTE.search(cell)
    return f"0x{ord(found.group()) - 0xDC00:02X}" if found else None


# -- the heading row and the rows ------------------------------------------------------------------


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


def _field_size_limit() -> None:
    # The csv module stops at 131,072 characters a cell by default. Cells are measured by the columns'
    # parsers instead, against the model layer's limits, so that a long cell is named by row and column.
    wanted = max(max_bytes(), LONG_TEXT_MAX_LENGTH * 4)
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)


def parse(data: bytes) -> CsvFile:
    """Decode, find the heading row, and read the rest lazily; refuse empty files and files over the row limit.

    Rows are produced one at a time (records is an iterator), so a large file is
    never held twice: once as text, once as cells.
    """
    if not data.strip():
        raise FileRefused("The file is empty.")
    decoded = decode(data)
    del data
    # Ctrl-Z after the last row: the end-of-file mark of old DOS programs, not a row.
    text = decoded.text.rstrip("\x1a") if decoded.text.endswith("\x1a") else decoded.text
    del decoded.text
    if not text.strip():
        raise FileRefused("The file is empty.")
    _field_size_limit()
    excel_hint = _EXCEL_SEPARATOR_LINE.match(text)
    if excel_hint:
        # “sep=;” on a line of its own: Excel's way of naming the separator, not a row of the sheet.
        delimiter = excel_hint[1]
        text = text[excel_hint.end() :]
    else:
        delimiter = detect_delimiter(text)
    rows = _Rows(text, delimiter)
    header = rows.heading()
    if header is None:
        raise FileRefused("The file is empty.")
    if decoded.bad_bytes and any(bad_byte(cell) for cell in header):
        byte = next(bad_byte(cell) for cell in header if bad_byte(cell))
        raise FileRefused(
            f"The heading row has a byte ({byte}) that is not UTF-8, in a file that is otherwise UTF-8. "
            + _SAVE_AS_UTF8,
            row=rows.heading_row,
        )
    records = rows.records(header)
    first = next(records, None)
    if first is None:
        raise FileRefused("The file has column headings but no rows to import.")
    return CsvFile(
        header=[normalise_header(name) for name in header],
        raw_header=[name.strip() for name in header],
        records=itertools.chain([first], records),
        encoding=decoded.encoding,
        delimiter=delimiter,
        check_characters=decoded.bad_bytes or _needs_character_check(text, delimiter),
        bad_bytes=decoded.bad_bytes,
    )


class _Rows:
    """The csv reader over the text, numbering rows as a spreadsheet does and explaining quoting mistakes."""

    def __init__(self, text: str, delimiter: str):
        self.text = text
        self.delimiter = delimiter
        # strict: a quote in the wrong place is an error to explain, not something to guess around.
        self.reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
        self.row_number = 0  # the spreadsheet row of the record read last (blank rows count)
        self.heading_row = 0

    def _next(self) -> list[str] | None:
        start_line = self.reader.line_num + 1
        try:
            cells = next(self.reader, None)
        except csv.Error as error:
            raise self._quoting_problem(start_line, error) from error
        if cells is not None:
            self.row_number += 1
        return cells

    def heading(self) -> list[str] | None:
        while (cells := self._next()) is not None:
            if any(cell.strip() for cell in cells):
                self.heading_row = self.row_number
                self.header = cells
                return cells
        return None

    def records(self, header: list[str]) -> Iterator[tuple[int, list[str], bool]]:
        limit = max_rows()
        count = 0
        reader = self.reader
        width = len(header)
        # A row that swallowed the next ones (an unclosed quote) holds whole rows after a line break inside a
        # cell: width - 1 separators and no quote. Prose in a description of a narrow file could too.
        swallow_check = width >= 5
        line = reader.line_num
        row_number = self.row_number
        try:
            for cells in reader:
                row_number += 1
                now = reader.line_num
                spans = now - line > 1
                line = now
                if not any(cell.strip() for cell in cells):
                    continue
                count += 1
                if count > limit:
                    raise FileRefused(
                        f"The file has more than {limit:,} rows, the most we accept in one import. "
                        "Split it into smaller files and import them one after another."
                    )
                if spans and swallow_check:
                    self.row_number = row_number
                    self._check_swallowed(cells, width)
                yield row_number, cells, spans
        except csv.Error as error:
            self.row_number = row_number
            raise self._quoting_problem(line + 1, error) from error

    def _check_swallowed(self, cells: list[str], width: int) -> None:
        for index, cell in enumerate(cells):
            if cell.count(self.delimiter) < width - 1 or ("\n" not in cell and "\r" not in cell):
                continue
            for offset, line in enumerate(_LINE_BREAK.split(cell)[1:], start=1):
                if '"' not in line and line.count(self.delimiter) == width - 1:
                    raise FileRefused(
                        f"Line {offset + 1} of this cell looks like a whole row of the file (“{_shorten(line)}”): "
                        'a quote (") that opens the cell seems to have no closing quote, so the rows after it '
                        "were read into this one cell. Add the missing quote.",
                        row=self.row_number,
                        column=self._column(index),
                    )

    def _column(self, index: int) -> str:
        header = getattr(self, "header", None)
        if header and index < len(header):
            return normalise_header(header[index]) or f"column {index + 1}"
        return f"column {index + 1}"

    def _record_text(self, start_line: int, end_line: int) -> str:
        return "".join(itertools.islice(_lines(self.text), start_line - 1, end_line))

    def _quoting_problem(self, start_line: int, error: csv.Error) -> FileRefused:
        row = self.row_number + 1
        end_line = max(self.reader.line_num, start_line)
        problem = _find_quote_problem(self._record_text(start_line, end_line), self.delimiter)
        if problem is None:
            return FileRefused(f"Row {row} could not be read as CSV: {error}.", row=row)
        index, kind, opened, closed = problem
        column = self._column(index) if self.heading_row else f"column {index + 1}"
        if kind == "unclosed":
            following = end_line - (start_line + opened)
            return FileRefused(
                'The quote (") that opens this cell is never closed, so '
                + (
                    f"the rest of the file ({following:,} more line{'s' if following != 1 else ''}) would be read "
                    "into this one cell"
                    if following
                    else "the cell has no end"
                )
                + '. Add the closing quote, or write a quote that is part of the text as two quotes ("").',
                row=row,
                column=column,
            )
        if closed > opened:
            return FileRefused(
                f'The quote (") that opens this cell is closed only on line {start_line + closed:,} of the file, '
                f"so the {closed - opened:,} line{'s' if closed - opened != 1 else ''} after it would be read into "
                "this one cell, and text follows the closing quote. A closing quote seems to be missing.",
                row=row,
                column=column,
            )
        return FileRefused(
            'Text follows the closing quote (") of this cell. Put the whole cell in quotes and write each quote '
            'that is part of the text as two quotes (""), or leave the quotes out.',
            row=row,
            column=column,
        )


def _find_quote_problem(text: str, delimiter: str) -> tuple[int, str, int, int] | None:
    """Where a record's quoting goes wrong: (cell index, "unclosed" or "text after quote", line the quote
    opened on, line the problem is on), lines counted from 0 within the record; None if it is sound."""
    cell = 0
    state = "start"
    line = opened = 0
    length = len(text)
    i = 0
    while i < length:
        char = text[i]
        if state == "quoted":
            if char == '"':
                state = "after_quote"
            elif char == "\n" or (char == "\r" and text[i + 1 : i + 2] != "\n"):
                line += 1
        elif state == "after_quote":
            if char == '"':
                state = "quoted"
            elif char == delimiter:
                cell += 1
                state = "start"
            elif char in "\r\n":
                return None  # the record ends soundly here
            else:
                return cell, "text after quote", opened, line
        elif char in "\r\n":
            return None
        elif state == "start":
            if char == '"':
                state, opened = "quoted", line
            elif char == delimiter:
                cell += 1
            else:
                state = "plain"
        elif char == delimiter:
            cell += 1
            state = "start"
        i += 1
    if state == "quoted":
        return cell, "unclosed", opened, line
    return None


def _shorten(text: str, limit: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cell_text(raw: str) -> str:
    """A cell as a value: surrounding spaces trimmed, a spreadsheet-safety apostrophe removed."""
    return unescape_cell(raw)
