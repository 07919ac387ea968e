"""Excel workbooks (.xlsx) written directly as SpreadsheetML: the open data's resultat.xlsx and
each organisation's action plan.

Why not openpyxl: a clean build writes one action plan per organisation, and openpyxl takes
7 ms for one (28 s of work at 4 000 organisations) and more than a second for the open data's
12 000 rows; this writer takes a fraction of a millisecond and a tenth of that. It also writes
the same bytes for the same sheets by construction (no creation time, fixed dates inside the
zip), which the incremental build relies on. It knows only what these files use: text,
numbers, dates, a few fixed styles, column widths, frozen header rows, an autofilter and
drop-down or date validation. The tests read every workbook back with openpyxl.
"""

from __future__ import annotations

import datetime
import functools
import re
import struct
import zlib
from dataclasses import dataclass

# The cell styles a sheet can use (indexes into STYLES' cellXfs, in order).
PLAIN, BOLD, DATE, WRAP, INTEGER, HEADING, TOP = range(7)

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>\
<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font></fonts>\
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FFDDE6F0"/><bgColor indexed="64"/></patternFill></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="7">\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>\
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>\
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top"/></xf>\
</cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0 (in its 1900 date system, from March 1900 on)


@dataclass(frozen=True)
class Validation:
    """Cells that take one of `choices` (a drop-down list), or a date when `choices` is empty."""

    cells: str  # "J5:J16"
    choices: tuple[str, ...] = ()
    prompt: str = ""
    error: str = ""


@dataclass(frozen=True)
class Sheet:
    name: str  # at most 31 characters, none of []:*?/\
    rows: tuple[tuple, ...]  # each cell: None, str, int, float, datetime.date, or (value, style)
    widths: tuple[float, ...] = ()  # of the first columns, in characters
    frozen_rows: int = 0  # rows that stay in view when scrolling
    autofilter: str | None = None  # "A4:K16"
    validations: tuple[Validation, ...] = ()
    default_styles: tuple[int, ...] = ()  # per column, for cells given without a style
    recurring: bool = False  # its rows recur in other workbooks (action plans: a step, its status): their XML is kept


def workbook(sheets: list[Sheet], *, title: str = "", creator: str = "") -> bytes:
    """The .xlsx file's bytes: the same sheets give the same bytes."""
    parts = {
        "[Content_Types].xml": _content_types(len(sheets)),
        "_rels/.rels": _root_rels(),
        "docProps/core.xml": _core(title, creator),
        "docProps/app.xml": _app(),
        "xl/workbook.xml": _workbook(sheets),
        "xl/_rels/workbook.xml.rels": _workbook_rels(len(sheets)),
        "xl/styles.xml": _STYLES,
    }
    for i, sheet in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = _worksheet(sheet)
    # The sheets compressed, the small fixed parts stored: compressing a few hundred bytes costs more than it saves.
    return _zip([(name, text.encode("utf-8"), name.startswith("xl/worksheets/")) for name, text in parts.items()])


def _zip(entries: list[tuple[str, bytes, bool]]) -> bytes:
    """A zip archive of (name, data, compressed) entries, written here rather than with zipfile, whose
    per-entry work was most of an action plan's cost. Every entry is dated 1980-01-01 (zip's first
    day): no time of writing, so the same entries give the same bytes."""
    local, central = [], []
    offset = 0
    for name, data, compressed in entries:
        raw = name.encode("ascii")
        if compressed:
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            body = packer.compress(data) + packer.flush()
        else:
            body = data
        crc = zlib.crc32(data)
        method = 8 if compressed else 0
        fields = (20, 0, method, 0, _ZIP_DAY, crc, len(body), len(data), len(raw))
        header = struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, 0) + raw
        local += [header, body]
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", (3 << 8) | 20, *fields, 0, 0, 0, 0, 0o644 << 16, offset) + raw)
        offset += len(header) + len(body)
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(local) + directory + end


_ZIP_DAY = (1980 - 1980) << 9 | 1 << 5 | 1  # 1980-01-01 in MS-DOS date form


def column_name(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def excel_date(day: datetime.date) -> int:
    return (day - _EPOCH).days


# -- the parts ------------------------------------------------------------------------------------

_LETTERS = tuple(column_name(i) for i in range(702))  # A … ZZ
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_NEEDS_CARE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    if _NEEDS_CARE.search(value) is None:  # most text: nothing to escape
        return value
    value = _NOT_IN_XML.sub("\ufffd", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;").replace("\n", "&#10;")


def _content_types(n: int) -> str:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                     'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1))
    return (_XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{sheets}"
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>")


def _root_rels() -> str:
    return (_XML_HEAD + f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>")


def _core(title: str, creator: str) -> str:
    return (_XML_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{_text(title)}</dc:title><dc:creator>{_text(creator)}</dc:creator><dc:language>sv-SE</dc:language>"
            "</cp:coreProperties>")


def _app() -> str:
    return (_XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>Ambitionsgrafen</Application></Properties>")


def _workbook(sheets: list[Sheet]) -> str:
    entries = "".join(f'<sheet name="{_attr(s.name)}" sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(sheets, start=1))
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"'{_text(s.name)}'!{_absolute(s.autofilter)}</definedName>"
        for i, s in enumerate(sheets) if s.autofilter
    )
    return (_XML_HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
            f"<sheets>{entries}</sheets>{f'<definedNames>{filters}</definedNames>' if filters else ''}</workbook>")


def _absolute(ref: str) -> str:
    return ":".join(re.sub(r"([A-Z]+)([0-9]+)", r"$\1$\2", part) for part in ref.split(":"))


def _workbook_rels(n: int) -> str:
    sheets = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
    return (_XML_HEAD + f'<Relationships xmlns="{_PKG_REL}">{sheets}'
            f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')


def _worksheet(sheet: Sheet) -> str:
    if len(sheet.name) > 31 or re.search(r"[\[\]:*?/\\]", sheet.name):
        raise ValueError(f"not a sheet name Excel accepts: {sheet.name!r}")
    out = [_XML_HEAD, f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">']
    if sheet.frozen_rows:
        top = f"A{sheet.frozen_rows + 1}"
        out.append(f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{sheet.frozen_rows}" topLeftCell="{top}" '
                   f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'
                   "</sheetView></sheetViews>")
    else:
        out.append('<sheetViews><sheetView workbookViewId="0"/></sheetViews>')
    out.append('<sheetFormatPr defaultRowHeight="15"/>')
    if sheet.widths:
        out.append("<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
                                      for i, w in enumerate(sheet.widths, start=1)) + "</cols>")
    out.append("<sheetData>")
    row_xml = _recurring_row if sheet.recurring else _row
    out.extend(row_xml(n, row, sheet.default_styles) for n, row in enumerate(sheet.rows, start=1))
    out.append("</sheetData>")
    if sheet.autofilter:
        out.append(f'<autoFilter ref="{sheet.autofilter}"/>')
    if sheet.validations:
        out.append(f'<dataValidations count="{len(sheet.validations)}">')
        for v in sheet.validations:
            out.append(_validation(v))
        out.append("</dataValidations>")
    out.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
    out.append("</worksheet>")
    return "".join(out)


def _row(n: int, row: tuple, defaults: tuple[int, ...]) -> str:
    cells = []
    for i, value in enumerate(row):
        style = defaults[i] if i < len(defaults) else PLAIN
        if type(value) is tuple:
            value, style = value
        kind = type(value)
        s = f' s="{style}"' if style else ""
        if kind is str:
            cells.append(f'<c r="{_LETTERS[i]}{n}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>')
        elif kind is float or kind is int:
            cells.append(f'<c r="{_LETTERS[i]}{n}"{s}><v>{value!r}</v></c>')
        elif value is None:
            if style:
                cells.append(f'<c r="{_LETTERS[i]}{n}"{s}/>')
        elif kind is datetime.date:
            s = s or f' s="{DATE}"'  # a date without a date format would show as a number
            cells.append(f'<c r="{_LETTERS[i]}{n}"{s}><v>{excel_date(value)}</v></c>')
        else:
            raise TypeError(f"a cell holds text, a number or a date, not {kind.__name__}")
    return f'<row r="{n}">{"".join(cells)}</row>'


_recurring_row = functools.lru_cache(maxsize=4096)(_row)


def _validation(v: Validation) -> str:
    messages = (f' showInputMessage="1" prompt="{_attr(v.prompt)}"' if v.prompt else "") + \
               (f' showErrorMessage="1" error="{_attr(v.error)}"' if v.error else "")
    if not v.choices:  # a date from 2000 on
        return (f'<dataValidation type="date" operator="greaterThanOrEqual" allowBlank="1"{messages} sqref="{v.cells}">'
                f"<formula1>{excel_date(datetime.date(2000, 1, 1))}</formula1></dataValidation>")
    listed = ",".join(v.choices)
    if any("," in c or '"' in c for c in v.choices) or len(listed) > 255:
        raise ValueError("a drop-down list holds at most 255 characters, without commas or quotes")
    return (f'<dataValidation type="list" allowBlank="1"{messages} sqref="{v.cells}">'
            f"<formula1>&quot;{_text(listed)}&quot;</formula1></dataValidation>")
