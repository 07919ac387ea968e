"""A survey export read into a Table: rows of cells with their spreadsheet row numbers.

CSV as the survey tools and Excel write it (UTF-8 with or without BOM, UTF-16, Windows-1252; the
delimiter sniffed, Excel's `sep=` line obeyed) and .xlsx by openpyxl, read-only, with the cached
values Excel saved. Measured against sheet_limits before and while it is read; read with safe_read.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils import quote_sheetname

from ..problems import Problem
from ..safe_read import MAX_EXPORT, read_regular
from ..sheet_limits import LIMITS, csv_records, xlsx_problems
from ..text import grouped, show
from .cells import clean, column_letter, heading_key, loose_key
from .columns import FIXED, TOOL_HEADINGS

MAX_BYTES = MAX_EXPORT
MAX_ROWS = LIMITS.rows  # every limit on an export is in sheet_limits
MAX_COLUMNS = LIMITS.columns
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


@dataclass
class Table:
    shown: str
    rows: list[tuple[int, list[Any]]]  # (spreadsheet row number, cells); the header is the first
    sheet: str | None = None  # the sheet read, in a workbook

    def cell(self, letter: str, row: int) -> str:
        """A cell as a spreadsheet names it: Blad1!F7 in a workbook, F7 in a CSV file."""
        sheet = self.sheet if self.sheet is None or re.fullmatch(r"\w+", self.sheet) else quote_sheetname(self.sheet)
        return f"{sheet}!{letter}{row}" if sheet else f"{letter}{row}"


def read_table(path: Path, shown: str) -> tuple[Table | None, list[Problem]]:
    """Read a .csv or .xlsx file into rows of cells, with their spreadsheet row numbers."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        hint = "; save it as .xlsx or CSV" if suffix in (".xls", ".ods", ".numbers") else ""
        return None, [Problem(shown, 1, "file", f"expected a .csv or .xlsx file, got {show(path.name, 60)!r}{hint}")]
    data, problem = read_regular(path, MAX_BYTES, "a survey export")  # a pipe, a device, a folder: refused unopened
    if data is None:
        return None, [Problem(shown, 1, "file", str(problem))]
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, shown)
    return _read_csv(data, shown)


def _decode(data: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 with or without BOM, UTF-16 with BOM (Excel "Unicode text"), else Windows-1252.

    Windows-1252 only when the file is plainly that: a file that holds UTF-8 text and a
    stray byte is a mix of the two (text pasted from elsewhere), and decoding it either
    way would turn some of its letters into mojibake, so it is refused.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        try:
            return data.decode("utf-8"), []
        except UnicodeDecodeError as exc:
            if _UTF8_MULTIBYTE.search(data):
                return None, [_mixed(data, exc.start, shown)]
            encoding = "cp1252"
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError as exc:
        if encoding == "utf-8-sig":
            return None, [_mixed(data, exc.start, shown)]
        row = data[: exc.start].count(b"\n") + 1
        return None, [
            Problem(shown, row, "encoding", f"expected UTF-8 or Windows-1252, got byte 0x{data[exc.start]:02X}; save the file as CSV UTF-8")
        ]


def _mixed(data: bytes, at: int, shown: str) -> Problem:
    row = data[:at].count(b"\n") + 1
    return Problem(
        shown,
        row,
        "encoding",
        f"expected UTF-8 or Windows-1252, got UTF-8 text with a stray byte 0x{data[at]:02X} "
        "(a mix of both; some letters would come out wrong); save the file as CSV UTF-8 again",
    )


def _read_csv(data: bytes, shown: str) -> tuple[Table | None, list[Problem]]:
    text, problems = _decode(data, shown)
    if text is None:
        return None, problems
    if "\x00" in text:
        return None, [Problem(shown, 1, "file", "expected a text file, got binary data; is this really a CSV file?")]
    offset = 0
    first, _, rest = text.partition("\n")
    m = re.fullmatch(r"sep=(.)\r?", first)
    if m:  # Excel's separator hint; Excel hides the line, so the header is still row 1
        delimiter, text, offset = m[1], rest, 0
    else:
        delimiter = _sniff_delimiter(text)
    records, problems = csv_records(text, delimiter, shown)  # stopped at the first row past a limit
    if records is None:
        return None, problems
    return Table(shown, [(i + 1 + offset, r) for i, r in enumerate(records)]), []


def _sniff_delimiter(text: str) -> str:
    """The delimiter that makes the most recognisable header; ';' (Swedish Excel) on a tie."""
    header = text[:1_000_000].split("\n", 1)[0]  # a legitimate header is far shorter; the rest is not looked at
    best, best_score = ";", -1
    for delimiter in (";", ",", "\t"):
        try:
            cells = next(csv.reader([header], delimiter=delimiter), [])[: LIMITS.columns + 1]
        except csv.Error:
            continue
        score = sum(
            1
            for c in cells
            if loose_key(c) in FIXED or heading_key(c) in TOOL_HEADINGS or re.fullmatch(r"[vh][0-9]?_[a-z_]+", loose_key(c))
        )
        score = score * 1000 + len(cells)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_xlsx(data: bytes, shown: str) -> tuple[Table | None, list[Problem]]:
    """The first sheet's cells as Excel last saved them (cached values), read-only.

    A formula whose value Excel never saved (a file written by a program, not by Excel)
    would read as an empty cell; it is an error naming the cell instead.
    """
    import zipfile

    import openpyxl

    limits, formulas = xlsx_problems(data, shown)  # measured before it is parsed
    if limits:
        return None, limits
    books = []
    try:
        for data_only in (True, False) if formulas else (True,):  # formulas: a second pass finds those never calculated
            books.append(openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only))
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged or foreign file
        for wb in books:
            wb.close()
        reason = "not a zip archive" if isinstance(exc, zipfile.BadZipFile) else show(str(exc) or type(exc).__name__, 80)
        return None, [Problem(shown, 1, "file", f"cannot be read as an Excel workbook (.xlsx): {reason}")]
    values_book = books[0]
    problems: list[Problem] = []
    try:
        if not values_book.worksheets:
            return None, [Problem(shown, 1, "file", "the workbook has no sheet; the answers belong on the first sheet")]
        sheet = values_book.worksheets[0].title
        rows: list[tuple[int, list[Any]]] = []
        read_cells = 0
        values_rows = values_book.worksheets[0].iter_rows()
        pairs = zip(values_rows, books[1].worksheets[0].iter_rows()) if formulas else ((r, ()) for r in values_rows)
        for number, (cells, formula_cells) in enumerate(pairs, start=1):
            read_cells += len(cells)
            refused = _past_a_limit(shown, number, len(cells), read_cells)
            if refused is not None:
                return None, [refused]
            values = [getattr(c, "value", None) for c in cells]
            problems += _unsaved_formulas(shown, number, values, formula_cells, rows[0][1] if rows else [])
            rows.append((number, values))
    except Exception as exc:  # a damaged sheet fails while it is read, not when the file opens
        return None, [Problem(shown, 1, "file", f"cannot be read as an Excel workbook (.xlsx): {show(str(exc) or type(exc).__name__, 80)}")]
    finally:
        for wb in books:
            wb.close()
    if problems:
        return None, problems
    return Table(shown, rows, sheet), []


def _past_a_limit(shown: str, number: int, columns: int, read_cells: int) -> Problem | None:
    """Row `number` of a sheet, `columns` wide, after `read_cells` cells: refused past a limit."""
    if number > MAX_ROWS:
        return Problem(shown, 1, "file", f"expected at most {MAX_ROWS} rows, got more")
    if columns > MAX_COLUMNS:
        return Problem(shown, number, "file", f"expected at most {MAX_COLUMNS} columns, got {columns}")
    if read_cells > LIMITS.cells:
        return Problem(
            shown,
            number,
            "file",
            f"expected at most {grouped(LIMITS.cells)} cells, got more by row {grouped(number)}; this is not a survey export",
        )
    return None


def _unsaved_formulas(shown: str, number: int, values: list[Any], formula_cells: Any, header: list[Any]) -> list[Problem]:
    """A formula cell whose value Excel never saved, on row `number`: a problem naming the cell."""
    problems = []
    for i, f in enumerate(formula_cells):
        if getattr(f, "data_type", None) == "f" and (i >= len(values) or values[i] is None):
            heading = clean(header[i]) if i < len(header) else ""
            problems.append(
                Problem(
                    shown,
                    number,
                    show(heading) if heading else f"column {column_letter(i)}",
                    f"cell {column_letter(i)}{number} holds a formula ({show(str(f.value), 30)}) with no saved value; "
                    "open the file in Excel and save it, or paste the values as values",
                )
            )
    return problems
