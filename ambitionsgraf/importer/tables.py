"""A survey export read into a Table: rows of cells with their spreadsheet row numbers.

CSV as the survey tools and Excel write it (UTF-8 with or without BOM, UTF-16, Windows-1252; the
delimiter sniffed, Excel's `sep=` line obeyed) and .xlsx by openpyxl, read-only, with the cached
values Excel saved: of several sheets, the one whose first row is a header (`known` headings). Measured against sheet_limits before and while it is read; read with safe_read.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils import quote_sheetname

from ..problems import Problem
from ..safe_read import MAX_EXPORT, read_regular
from ..sheet_limits import LIMITS, csv_records, measure_xlsx, sheet_problems
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
    note: str | None = None  # which sheet was read, when the workbook has several

    def cell(self, letter: str, row: int) -> str:
        """A cell as a spreadsheet names it: Blad1!F7 in a workbook, F7 in a CSV file."""
        sheet = self.sheet if self.sheet is None or re.fullmatch(r"\w+", self.sheet) else quote_sheetname(self.sheet)
        return f"{sheet}!{letter}{row}" if sheet else f"{letter}{row}"


Known = Callable[[str], bool]  # whether a heading is one the import recognises


def known_heading(heading: str) -> bool:
    """A heading recognised without the instrument: a fixed column, a survey tool's own, a question id."""
    return (
        loose_key(heading) in FIXED
        or heading_key(heading) in TOOL_HEADINGS
        or bool(re.fullmatch(r"[vh][0-9]?_[a-z_]+", loose_key(heading)))
    )


def read_table(path: Path, shown: str, known: Known = known_heading) -> tuple[Table | None, list[Problem]]:
    """Read a .csv or .xlsx file into rows of cells, with their spreadsheet row numbers. `known`
    says which headings are recognised: a workbook's answers are on the sheet whose first row has them."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        hint = "; save it as .xlsx or CSV" if suffix in (".xls", ".ods", ".numbers") else ""
        return None, [Problem(shown, 1, "file", f"expected a .csv or .xlsx file, got {show(path.name, 60)!r}{hint}")]
    data, problem = read_regular(path, MAX_BYTES, "a survey export")  # a pipe, a device, a folder: refused unopened
    if data is None:
        return None, [Problem(shown, 1, "file", str(problem))]
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, shown, known)
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
        score = sum(1 for c in cells if known_heading(c))
        score = score * 1000 + len(cells)
        if score > best_score:
            best, best_score = delimiter, score
    return best


_HEADER = 2  # recognised headings that make a sheet's first row the answers' header


def _read_xlsx(data: bytes, shown: str, known: Known) -> tuple[Table | None, list[Problem]]:
    """The answers' sheet's cells as Excel last saved them (cached values), read-only: the only sheet,
    or of several the one whose first row is a header the import recognises.

    A formula whose value Excel never saved (a file written by a program, not by Excel)
    would read as an empty cell; it is an error naming the cell instead.
    """
    problems, measured = measure_xlsx(data, shown)  # measured before it is parsed
    if problems:
        return None, problems
    books: list[Any] = []
    try:
        books.append(_load(data, data_only=True))
        if not books[0].worksheets:
            return None, [Problem(shown, 1, "file", "the workbook has no sheet; the answers belong on the first sheet")]
        index, note, refused = _choose_sheet(books[0].worksheets, known, shown)
        if index is None:
            return None, refused
        sheet = measured[index] if index < len(measured) and measured[index].name == books[0].worksheets[index].title else None
        refused = sheet_problems(sheet, index, shown) if sheet is not None else []
        if refused:
            return None, refused
        if sheet is None or sheet.formulas:  # formulas: a second pass finds those never calculated
            books.append(_load(data, data_only=False))
        table, problems = _read_sheet(books, index, shown)
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged or foreign file
        return None, [Problem(shown, 1, "file", f"cannot be read as an Excel workbook (.xlsx): {_reason(exc)}")]
    finally:
        for wb in books:
            wb.close()
    if table is None:
        return None, problems
    table.note = note
    merged = _merged_problems(table, sheet.merged if sheet is not None else ())
    return (None, merged) if merged else (table, [])


def _load(data: bytes, data_only: bool) -> Any:
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)


def _reason(exc: Exception) -> str:
    import zipfile

    return "not a zip archive" if isinstance(exc, zipfile.BadZipFile) else show(str(exc) or type(exc).__name__, 80)


def _first_row(ws: Any) -> list[Any]:
    """A sheet's first row, read alone (the rest of the sheet is not parsed)."""
    rows = ws.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS, values_only=True)
    try:
        return list(next(rows, ()))
    finally:
        rows.close()


def _choose_sheet(worksheets: list[Any], known: Known, shown: str) -> tuple[int | None, str | None, list[Problem]]:
    """The sheet to read, a note saying which when there are several, or the problem that none or
    more than one is plainly the answers'."""
    if len(worksheets) == 1:
        return 0, None, []
    names = [ws.title for ws in worksheets]
    listed = ", ".join(f"'{show(n, 40)}'" for n in names)
    found = [i for i, ws in enumerate(worksheets) if sum(1 for c in _first_row(ws) if known(clean(c))) >= _HEADER]
    if len(found) == 1:
        note = f"read sheet '{show(names[found[0]], 40)}', the only one of the workbook's {len(names)} sheets ({listed}) whose first row is a header"
        return found[0], note, []
    if found:
        said = f"{len(found)} of its {len(names)} sheets begin with a header ({', '.join(repr(show(names[i], 40)) for i in found)})"
    else:
        said = f"none of its {len(names)} sheets ({listed}) begins with a header the import recognises"
    return (
        None,
        None,
        [
            Problem(
                shown,
                1,
                "file",
                f"{said}; the import reads one sheet, whose first row holds the column headings: keep that sheet alone "
                "in the workbook (delete the others, or copy it to a new workbook) and import again",
            )
        ],
    )


def _read_sheet(books: list[Any], index: int, shown: str) -> tuple[Table | None, list[Problem]]:
    """Sheet `index` row by row, counted against the limits; the second book (with formulas) beside it."""
    ws = books[0].worksheets[index]
    rows: list[tuple[int, list[Any]]] = []
    problems: list[Problem] = []
    read_cells = 0
    values_rows = ws.iter_rows()
    pairs = zip(values_rows, books[1].worksheets[index].iter_rows()) if len(books) > 1 else ((r, ()) for r in values_rows)
    for number, (cells, formula_cells) in enumerate(pairs, start=1):
        read_cells += len(cells)
        refused = _past_a_limit(shown, number, len(cells), read_cells)
        if refused is not None:
            return None, [refused]
        values = [getattr(c, "value", None) for c in cells]
        problems += _unsaved_formulas(shown, number, values, formula_cells, rows[0][1] if rows else [])
        rows.append((number, values))
    if problems:
        return None, problems
    return Table(shown, rows, ws.title), []


def _merged_problems(table: Table, merged: tuple[str, ...]) -> list[Problem]:
    """A problem on each row a merged range covers beyond its first cell: Excel keeps a merged range's
    value in its first cell only, so the others read as empty. Never filled in by guess."""
    from openpyxl.utils import get_column_letter, range_boundaries

    header = table.rows[0][1] if table.rows else []
    last = table.rows[-1][0] if table.rows else 0
    problems = []
    for ref in merged:
        first_col, first_row, last_col, last_row = range_boundaries(ref)
        for row in range(first_row, min(last_row, last) + 1):
            start = first_col + 1 if row == first_row else first_col
            if start > last_col:
                continue
            cells = table.cell(get_column_letter(start), row) + (f":{get_column_letter(last_col)}{row}" if last_col > start else "")
            heading = clean(header[start - 1]) if start - 1 < len(header) else ""
            problems.append(
                Problem(
                    table.shown,
                    row,
                    show(heading) if heading and row > 1 else f"column {get_column_letter(start)}",
                    f"{'cells' if last_col > start else 'cell'} {cells} {'are' if last_col > start else 'is'} part of the merged "
                    f"range {ref}, whose value is in {get_column_letter(first_col)}{first_row} only; unmerge the cells and "
                    f"fill the value into each {'row' if last_row > first_row else 'cell'}",
                )
            )
    return problems


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
