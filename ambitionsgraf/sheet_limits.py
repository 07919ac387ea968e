"""Limits on a survey export, checked before the expensive parse, so that a small file cannot cost
minutes or gigabytes (a 129 KB workbook of 14 million empty cells, a 61 KB styles bomb, a 10 MB
CSV of two million columns): each is refused in well under a second.

A workbook (a zip of XML parts) is measured without parsing it: the declared sizes of its
parts (a part never unpacks to more than it declares), then every part streamed through zlib
and its XML elements counted (every element, whatever its namespace prefix, starts with `<`).
What openpyxl would do with the workbook is bounded by those counts: it reads the styles and the
shared strings whole, scans every sheet that declares no dimension, and reads the first sheet;
all of it twice when the first sheet holds a formula (once for the values Excel saved, once for
the formulas). A CSV file is read row by row and stopped at the first row past a limit.

The limits are set so that the worst file within them is imported in under 5 s of CPU and
500 MB (measured by `make bench`); a real survey export is far below every one.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

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
_CHUNK = 1 << 20


@dataclass
class _Part:
    tags: int = 0
    formulas: bool = False
    head: bytes = b""


def _scan(z: zipfile.ZipFile, name: str, stop: int) -> _Part:
    """Count a part's XML elements as it unpacks (stopping past `stop`), note whether it holds a
    formula element, and keep its first 64 KB (where a sheet's dimension is)."""
    part = _Part()
    tail = b""
    with z.open(name) as fh:
        while chunk := fh.read(_CHUNK):
            if len(part.head) < 65536:
                part.head += chunk[: 65536 - len(part.head)]
            part.tags += chunk.count(b"<")
            joined = tail + chunk
            part.formulas = part.formulas or any(f in joined for f in _FORMULA)
            tail = chunk[-2:]
            if part.tags > stop:
                break
    return part


def first_sheet(z: zipfile.ZipFile) -> str | None:
    """The first sheet's part, as the workbook lists its sheets (openpyxl's worksheets[0])."""
    try:
        workbook = z.read("xl/workbook.xml")[:1_000_000].decode("utf-8", "replace")
        rels = z.read("xl/_rels/workbook.xml.rels")[:1_000_000].decode("utf-8", "replace")
    except KeyError:
        return None
    sheet = re.search(r"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", workbook)
    if not sheet:
        return None
    for rel in re.finditer(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
        if re.search(r'\bId="%s"' % re.escape(sheet[1]), rel[0]):
            target = re.search(r'\bTarget="([^"]+)"', rel[0])
            if target:
                path = target[1].lstrip("/") if target[1].startswith("/") else "xl/" + target[1]
                return path if path in z.namelist() else None
    return None


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
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            unpacked = sum(i.file_size for i in infos)
            if unpacked > limits.unpacked:
                return _refuse(
                    shown, f"the workbook unpacks to {unpacked // 1_000_000} MB, expected at most {limits.unpacked // 1_000_000} MB"
                ), False
            return _measure(z, infos, shown, limits)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError, EOFError, ValueError):
        return [], False  # openpyxl says what is wrong with it


def _measure(z: zipfile.ZipFile, infos: list[zipfile.ZipInfo], shown: str, limits: Limits) -> tuple[list[Problem], bool]:
    sheet = first_sheet(z)
    strings = _shared_strings_part(z)
    names = {i.filename for i in infos}
    if "xl/styles.xml" in names:
        styles = _scan(z, "xl/styles.xml", limits.style_tags)
        if styles.tags > limits.style_tags:
            return _refuse(shown, f"its styles (xl/styles.xml) hold more than {grouped(limits.style_tags)} elements"), False
    shared = _scan(z, strings, limits.shared_tags) if strings in names else _Part()
    first = _scan(z, sheet, limits.sheet_tags) if sheet is not None else _Part()
    if first.tags > limits.sheet_tags:
        return _refuse(shown, f"its first sheet holds more than {grouped(limits.sheet_tags)} elements"), first.formulas
    passes = 2 if first.formulas else 1
    sheet_work = first.tags
    # Every sheet that declares no dimension is scanned whole when the workbook is opened.
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            part = first if info.filename == sheet else _scan(z, info.filename, limits.sheet_tags)
            if not _DIMENSION.search(part.head):
                sheet_work += part.tags
            if sheet_work * passes > limits.sheet_tags:
                return _refuse(
                    shown,
                    f"its sheets hold more than {grouped(limits.sheet_tags // passes)} elements to read"
                    f"{', which are read twice for a sheet with formulas' if passes == 2 else ''}",
                ), first.formulas
    if shared.tags * passes > limits.shared_tags:
        return _refuse(
            shown,
            f"its shared strings hold more than {grouped(limits.shared_tags // passes)} elements"
            f"{', which are read twice for a sheet with formulas' if passes == 2 else ''}",
        ), first.formulas
    return _dimension_problems(first.head, shown, limits), first.formulas


def _dimension_problems(head: bytes, shown: str, limits: Limits) -> list[Problem]:
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
            f"the first sheet declares {grouped(rows * cols)} cells ({ref}: {grouped(rows)} rows, "
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
