"""Small files that would cost minutes or gigabytes to read: the import must refuse each at once.
And the worst files within the limits, which it must read within its budget (`make bench`)."""

from __future__ import annotations

import io
import zipfile

from ambitionsgraf import sheet_limits

_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = (
    _HEAD + b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    b"</Types>"
)
_ROOT_RELS = (
    _HEAD + b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    _HEAD + b"<workbook " + _NS + b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    _HEAD + b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    b'<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    b"</Relationships>"
)
_XF = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'


def styles(xfs: int = 1) -> bytes:
    return (
        _HEAD + b"<styleSheet " + _NS + b'><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        b'<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        b'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        b'<cellStyleXfs count="1">' + _XF + b'</cellStyleXfs><cellXfs count="%d">' % xfs + _XF * xfs + b"</cellXfs></styleSheet>"
    )


def shared_strings(strings: list[bytes] | None = None, *, repeat: int = 0) -> bytes:
    items = b"".join(b"<si><t>" + s + b"</t></si>" for s in (strings or [])) + b"<si><t/></si>" * repeat
    return _HEAD + b"<sst " + _NS + b">" + items + b"</sst>"


def workbook(sheet: bytes, *, styles_part: bytes | None = None, strings: bytes | None = None) -> bytes:
    """A minimal workbook, as Excel lays one out, with the given first sheet, styles and shared strings."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/styles.xml", styles_part or styles())
        z.writestr("xl/sharedStrings.xml", strings or shared_strings([b"x"]))
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def two_sheets(first: bytes, second: bytes, names: tuple[bytes, bytes] = (b"Info", b"Svar")) -> bytes:
    """A minimal workbook of two sheets, `first` and `second`, named `names`."""
    src = zipfile.ZipFile(io.BytesIO(workbook(first)))
    out = io.BytesIO()
    ws = b'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    rel = (
        b'<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        b'Target="worksheets/sheet2.xml"/>'
    )
    change = {
        "[Content_Types].xml": lambda part: part.replace(b"</Types>", ws + b"</Types>"),
        "xl/_rels/workbook.xml.rels": lambda part: part.replace(b"</Relationships>", rel + b"</Relationships>"),
        "xl/workbook.xml": lambda part: part.replace(b'name="Sheet1"', b'name="' + names[0] + b'"').replace(
            b"</sheets>", b'<sheet name="' + names[1] + b'" sheetId="2" r:id="rId4"/></sheets>'
        ),
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in src.infolist():
            z.writestr(info.filename, change.get(info.filename, lambda part: part)(src.read(info.filename)))
        z.writestr("xl/worksheets/sheet2.xml", second)
    return out.getvalue()


def sheet(rows: bytes, dimension: bytes | None = None) -> bytes:
    dim = b'<dimension ref="' + dimension + b'"/>' if dimension else b""
    return _HEAD + b"<worksheet " + _NS + b">" + dim + b"<sheetData>" + rows + b"</sheetData></worksheet>"


# -- the reproductions ------------------------------------------------------------------


def empty_cells(rows: int = 14_000, columns: int = 1_000) -> bytes:
    """Fourteen million empty cells and no dimension: about 130 KB packed."""
    return workbook(empty_cells_sheet(rows, columns))


def empty_cells_sheet(rows: int = 14_000, columns: int = 1_000) -> bytes:
    return sheet(b"".join(b'<row r="%d">' % r + b"<c/>" * columns + b"</row>" for r in range(1, rows + 1)))


def styles_bomb(xfs: int = 500_000) -> bytes:
    """Half a million cell formats: under 100 KB packed, 30 MB unpacked."""
    return workbook(sheet(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>', b"A1"), styles_part=styles(xfs))


def shared_strings_bomb(count: int = 3_000_000) -> bytes:
    """Three million empty shared strings: about 150 KB packed, under the unpacked limit."""
    return workbook(sheet(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>', b"A1"), strings=shared_strings([b"x"], repeat=count))


def csv_columns(columns: int = 2_000_000) -> bytes:
    """Two million columns in a 10 MB CSV file."""
    return b";".join(b"k%d" % (i % 100) for i in range(columns)) + b"\r\n"


# -- the worst files within the limits ------------------------------------------------------------


def _columns(n: int) -> list[bytes]:
    letters = []
    for i in range(n):
        s, i = "", i + 1
        while i:
            i, r = divmod(i - 1, 26)
            s = chr(65 + r) + s
        letters.append(s.encode())
    return letters


def worst_xlsx() -> bytes:
    """As many cells as the first sheet may hold, each a shared string, with a formula (two passes),
    no dimension (one more), and as many styles and shared strings as are allowed."""
    limits = sheet_limits.Limits()
    columns = 40
    per_row = 2 + 4 * columns  # <row>, </row>, and each cell's <c>, <v>, </v>, </c>
    rows = (limits.sheet_tags // 4 - 100) // per_row  # two passes (a formula), each scanning the sheet twice (no dimension)
    letters = _columns(columns)
    body = [b'<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>']
    for r in range(2, rows + 1):
        body.append(
            b'<row r="%d">' % r
            + b"".join(b'<c r="%s%d" t="s"><v>%d</v></c>' % (c, r, (r + i) % 1000) for i, c in enumerate(letters))
            + b"</row>"
        )
    strings = shared_strings([b"Svar %d" % i for i in range(1000)], repeat=limits.shared_tags // 2 // 4 - 1100)  # read twice
    return workbook(sheet(b"".join(body)), styles_part=styles(limits.style_tags // 2 - 100), strings=strings)


def worst_csv() -> bytes:
    """As many cells as a CSV may hold: the most columns, and rows until the cell limit."""
    limits = sheet_limits.Limits()
    columns = limits.columns
    rows = limits.cells // columns - 1
    head = b";".join(b"Kolumn %d" % i for i in range(columns))
    row = ";".join("Instämmer delvis" for _ in range(columns)).encode("utf-8")
    return head + b"\r\n" + (row + b"\r\n") * rows


def busy_rows(ins) -> list[list]:
    """A Microsoft Forms export at the cell limit, every answer read: a new organisation every four
    rows, so that every row goes through the whole import (a new answer file for each)."""
    from .survey_exports import ms_forms_rows

    rows = ms_forms_rows(ins)
    head, body = rows[0], rows[1:]
    n = sheet_limits.Limits().cells // len(head) - 1
    org = head.index("Organisation")
    busy = [head]
    for i in range(n):
        row = list(body[i % len(body)])
        row[org] = f"Testkommun {i // len(body) + 1}"
        busy.append(row)
    return busy
