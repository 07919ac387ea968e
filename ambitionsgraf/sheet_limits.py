"""Limits on a survey export, checked before the expensive parse, so that a small file cannot cost
minutes or gigabytes (a 129 KB workbook of 14 million empty cells, a 61 KB styles bomb, a 10 MB
CSV of two million columns): each is refused in well under a second.

A workbook (a zip of XML parts) is measured without parsing it: the declared sizes of its
parts (a part never unpacks to more than it declares), then every part streamed through zlib
and its XML elements counted (every element, whatever its namespace prefix, starts with `<`).
What openpyxl would do with the workbook is bounded by those counts: it reads the styles and the
shared strings whole, scans every sheet that declares no dimension, and reads the first sheet;
all of it twice when that sheet holds a formula (once for the values Excel saved, once for
the formulas). Of a workbook of several sheets the importer reads the first row of each (the
elements up to that row's end) and then one sheet, any of them: each must fit. A CSV file is read row by row and stopped at the first row past a limit.

The limits are set so that the worst file within them is imported in under 5 s of CPU and
500 MB (measured by `make bench`); a real survey export is far below every one.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from html import unescape

from .problems import Problem
from .text import grouped

NOT_AN_EXPORT = "this is not a survey export"


@dataclass(frozen=True)
class Limits:
    rows: int = 20_000  # respondents and the header
    columns: int = 1_000
    cells: int = 100_000  # a CSV file's or a sheet's (declared, and read): 3 300 respondents of 30 columns
    unpacked: int = 60_000_000  # a workbook's parts together
    sheet_tags: int = 800_000  # XML elements read from the sheets, times the passes that read them
    style_tags: int = 20_000  # xl/styles.xml: Excel's own files hold a few hundred
    shared_tags: int = 600_000  # the shared strings, times the passes: four a string


LIMITS = Limits()

_FORMULA = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b":f/")  # a formula element, with or without a prefix
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?\"")
_ROW_END = re.compile(rb"</(?:\w+:)?row>|<(?:\w+:)?row\b[^>]*/>")  # where a sheet's first row ends
_MERGED = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"')
_CHUNK = 1 << 20
_MAX_MERGED = 100_000  # more merged ranges than a sheet within the limits has cells to merge


@dataclass
class _Part:
    tags: int = 0
    formulas: bool = False
    head: bytes = b""
    first_row: int = 0  # the elements up to the end of its first row: what reading only that row costs
    merged: list[str] = field(default_factory=list)  # a sheet's merged ranges ("A2:A4"), in the order it lists them


@dataclass(frozen=True)
class SheetMeasure:
    """A worksheet of a workbook as measured: its name, and what reading it costs and holds."""

    name: str
    tags: int
    formulas: bool
    first_row: int
    merged: tuple[str, ...]
    head: bytes


def _scan(z: zipfile.ZipFile, name: str, stop: int) -> _Part:
    """Count a part's XML elements as it unpacks (stopping past `stop`), note whether it holds a
    formula element, where its first row ends and which cells it merges, and keep its first 64 KB
    (where a sheet's dimension is). No XML is parsed: merged ranges are read as the text says them."""
    part = _Part()
    tail = b""
    seen: set[bytes] = set()
    with z.open(name) as fh:
        while chunk := fh.read(_CHUNK):
            if len(part.head) < 65536:
                part.head += chunk[: 65536 - len(part.head)]
            if not part.first_row and (end := _ROW_END.search(chunk)):
                part.first_row = part.tags + chunk[: end.end()].count(b"<")
            part.tags += chunk.count(b"<")
            joined = tail + chunk
            part.formulas = part.formulas or any(f in joined for f in _FORMULA)
            for m in _MERGED.finditer(joined):  # a range cut by the chunk's end is found whole in the next
                if m[1] not in seen and len(seen) < _MAX_MERGED:
                    seen.add(m[1])
                    part.merged.append(m[1].decode())
            tail = chunk[-256:]
            if part.tags > stop:
                break
    part.first_row = part.first_row or part.tags
    return part


def sheet_parts(z: zipfile.ZipFile) -> list[tuple[str, str]]:
    """Each worksheet's name and part, in the order the workbook lists them (openpyxl's worksheets)."""
    try:
        workbook = z.read("xl/workbook.xml")[:1_000_000].decode("utf-8", "replace")
        rels = z.read("xl/_rels/workbook.xml.rels")[:1_000_000].decode("utf-8", "replace")
    except KeyError:
        return []
    targets = {}
    for rel in re.finditer(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
        rid, target = re.search(r'\bId="([^"]+)"', rel[0]), re.search(r'\bTarget="([^"]+)"', rel[0])
        if rid and target:
            targets[rid[1]] = target[1].lstrip("/") if target[1].startswith("/") else "xl/" + target[1]
    names = set(z.namelist())
    parts = []
    for sheet in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        name, rid = re.search(r'\bname="([^"]*)"', sheet[0]), re.search(r'\br:id="([^"]+)"', sheet[0])
        path = targets.get(rid[1]) if rid else None
        if name and path in names and "/worksheets/" in path:
            parts.append((unescape(name[1]), path))
    return parts


def first_sheet(z: zipfile.ZipFile) -> str | None:
    """The first sheet's part, as the workbook lists its sheets (openpyxl's worksheets[0])."""
    parts = sheet_parts(z)
    return parts[0][1] if parts else None


def _shared_strings_part(z: zipfile.ZipFile) -> str | None:
    """Where the shared strings are, as [Content_Types].xml says (openpyxl looks there)."""
    try:
        types = z.read("[Content_Types].xml")[:1_000_000].decode("utf-8", "replace")
    except KeyError:
        return None
    for override in re.finditer(r"<(?:\w+:)?Override\b[^>]*>", types):
        if "sharedStrings+xml" in override[0]:
            name = re.search(r'\bPartName="/?([^"]+)"', override[0])
            if name:
                return name[1]
    return None


def column_number(letters: str) -> int:
    """A → 1, Z → 26, AA → 27."""
    n = 0
    for c in letters:
        n = n * 26 + ord(c) - 64
    return n


def _refuse(shown: str, message: str) -> list[Problem]:
    return [Problem(shown, 1, "file", f"{message}; {NOT_AN_EXPORT}")]


def xlsx_problems(data: bytes, shown: str, limits: Limits = LIMITS) -> tuple[list[Problem], bool]:
    """Why this workbook is refused before openpyxl reads it (nothing when it is within the limits),
    and whether its first sheet holds a formula (then the importer reads it twice)."""
    problems, sheets = measure_xlsx(data, shown, limits)
    if problems or not sheets:
        return problems, bool(sheets) and sheets[0].formulas
    return sheet_problems(sheets[0], 0, shown, limits), sheets[0].formulas


def measure_xlsx(data: bytes, shown: str, limits: Limits = LIMITS) -> tuple[list[Problem], list[SheetMeasure]]:
    """Why this workbook is refused before openpyxl reads it, and its worksheets as measured (none
    when it is no zip of parts: openpyxl says what is wrong with it). With several sheets the import
    reads the first row of each and then one of them, whichever: each must fit in the budget."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            unpacked = sum(i.file_size for i in infos)
            if unpacked > limits.unpacked:
                return _refuse(
                    shown, f"the workbook unpacks to {unpacked // 1_000_000} MB, expected at most {limits.unpacked // 1_000_000} MB"
                ), []
            return _measure(z, infos, shown, limits)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError, EOFError, ValueError):
        return [], []  # openpyxl says what is wrong with it


def _which(index: int, sheet: SheetMeasure) -> str:
    return "its first sheet" if index == 0 else f"its sheet '{sheet.name[:40]}'"


def _measure(z: zipfile.ZipFile, infos: list[zipfile.ZipInfo], shown: str, limits: Limits) -> tuple[list[Problem], list[SheetMeasure]]:
    listed = sheet_parts(z)
    strings = _shared_strings_part(z)
    names = {i.filename for i in infos}
    if "xl/styles.xml" in names:
        styles = _scan(z, "xl/styles.xml", limits.style_tags)
        if styles.tags > limits.style_tags:
            return _refuse(shown, f"its styles (xl/styles.xml) hold more than {grouped(limits.style_tags)} elements"), []
    shared = _scan(z, strings, limits.shared_tags) if strings in names else _Part()
    parts: dict[str, _Part] = {}
    sheets: list[SheetMeasure] = []
    for index, (name, path) in enumerate(listed):  # the first sheet first: refused at once when it is too big
        part = parts[path] = _scan(z, path, limits.sheet_tags)
        sheets.append(SheetMeasure(name, part.tags, part.formulas, part.first_row, tuple(part.merged), part.head))
        if index == 0 and part.tags > limits.sheet_tags:
            return _refuse(shown, f"its first sheet holds more than {grouped(limits.sheet_tags)} elements"), sheets
    # Every sheet that declares no dimension is scanned whole when the workbook is opened.
    undeclared = 0
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            part = parts.get(info.filename) or _scan(z, info.filename, limits.sheet_tags)
            undeclared += 0 if _DIMENSION.search(part.head) else part.tags
    probe = sum(s.first_row for s in sheets) if len(sheets) > 1 else 0  # the first row of each, to choose
    for index in _worst_first(sheets, undeclared):
        sheet = sheets[index]
        passes = 2 if sheet.formulas else 1
        twice = ", which are read twice for a sheet with formulas" if passes == 2 else ""
        if index > 0 and sheet.tags > limits.sheet_tags:
            return _refuse(shown, f"{_which(index, sheet)} holds more than {grouped(limits.sheet_tags)} elements"), sheets
        if (sheet.tags + undeclared) * passes + probe > limits.sheet_tags:
            if probe:
                return _refuse(
                    shown,
                    f"its sheets hold more than {grouped(limits.sheet_tags)} elements to read: the first row of each of its "
                    f"{len(sheets)} sheets, then sheet '{sheet.name[:40]}'{' twice, for its formulas' if passes == 2 else ''}",
                ), sheets
            return _refuse(shown, f"its sheets hold more than {grouped(limits.sheet_tags // passes)} elements to read{twice}"), sheets
        if shared.tags * passes > limits.shared_tags:
            return _refuse(shown, f"its shared strings hold more than {grouped(limits.shared_tags // passes)} elements{twice}"), sheets
    return [], sheets


def _worst_first(sheets: list[SheetMeasure], undeclared: int) -> list[int]:
    """The sheets the import may read whole (the first; of several, any), the costliest to read first."""
    if len(sheets) < 2:
        return list(range(len(sheets)))
    return sorted(range(len(sheets)), key=lambda i: -(sheets[i].tags + undeclared) * (2 if sheets[i].formulas else 1))


def sheet_problems(sheet: SheetMeasure, index: int, shown: str, limits: Limits = LIMITS) -> list[Problem]:
    """Why the sheet chosen to be read is refused: the cells its dimension declares."""
    return _dimension_problems(sheet.head, shown, limits, _which(index, sheet)[4:])


def _dimension_problems(head: bytes, shown: str, limits: Limits, which: str = "first sheet") -> list[Problem]:
    m = _DIMENSION.search(head)
    if not m:
        return []
    first_col, first_row = column_number(m[1].decode()), int(m[2])
    last_col, last_row = (column_number(m[3].decode()), int(m[4])) if m[3] else (first_col, first_row)
    rows, cols = last_row - first_row + 1, last_col - first_col + 1
    if last_row > limits.rows or cols > limits.columns or rows * cols > limits.cells:
        ref = m[0].split(b'"')[1].decode()
        return _refuse(
            shown,
            f"the {which} declares {grouped(rows * cols)} cells ({ref}: {grouped(rows)} rows, "
            f"{grouped(cols)} columns), expected at most {grouped(limits.rows)} rows, "
            f"{grouped(limits.columns)} columns and {grouped(limits.cells)} cells",
        )
    return []


def csv_records(text: str, delimiter: str, shown: str, limits: Limits = LIMITS) -> tuple[list[list[str]] | None, list[Problem]]:
    """The rows of a CSV text, read one by one and stopped at the first past a limit."""
    records: list[list[str]] = []
    cells = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            cells += len(record)
            if len(record) > limits.columns:
                return None, [
                    Problem(
                        shown,
                        len(records) + 1,
                        "file",
                        f"expected at most {grouped(limits.columns)} columns, got {grouped(len(record))}; {NOT_AN_EXPORT}",
                    )
                ]
            if len(records) >= limits.rows:
                return None, [Problem(shown, 1, "file", f"expected at most {grouped(limits.rows)} rows, got more; {NOT_AN_EXPORT}")]
            if cells > limits.cells:
                return None, [
                    Problem(
                        shown,
                        len(records) + 1,
                        "file",
                        f"expected at most {grouped(limits.cells)} cells, got more by row {grouped(len(records) + 1)}; {NOT_AN_EXPORT}",
                    )
                ]
            records.append(record)
    except csv.Error as exc:
        return None, [Problem(shown, 1, "file", f"cannot be read as CSV: {exc}")]
    return records, []
