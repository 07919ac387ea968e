"""Survey exports written as the survey tools write them, for tests/test_import_surveys.py.

Two respondents of one organisation, Sjöby kommun, answer the appendix's nineteen
questions; each tool below writes their answers with its own columns, headings and
answer labels, and the import must read every one of them unedited. The respondents'
names and e-mail addresses (PERSONAL) must never reach an answer file or the output.

Microsoft Forms (.xlsx): ID, Starttid, Sluttid, E-post, Namn, then one column per
question headed by the question as the form asks it (area 3 with its lead-in).
Google Forms (.csv): Tidstämpel, E-postadress, every field quoted, comma-separated
UTF-8 without BOM, grids as `Title [Row]`.
Netigate/esMaker-style Excel (.xlsx, or saved by Swedish Excel as CSV: ';' and
Windows-1252): Respondent-ID, dates, language, then grid headings `Title [Row]`,
answers as "4 - Instämmer i hög grad".
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from fractions import Fraction

import openpyxl

LABEL = {4: "Instämmer i hög grad", 3: "Instämmer delvis", 2: "Instämmer inte helt", 1: "Instämmer inte alls"}
LEAD_IN = "Inköpsfunktionen ansvarar för:"

# Points per question (ja/nej and vet ej as words); each respondent's name and e-mail go nowhere.
RESPONDENTS = [
    dict(
        name="Anna Svensson",
        email="anna.svensson@sjoby.se",
        phone="070\u2011123 45 67",
        role="Inköpschef",
        points=dict(
            v1_mal="Ja",
            v1_matt=4,
            v1_plan=3,
            v1_spendanalys=2,
            v1_kategori=4,
            v2_kunskapsunderlag=3,
            v2_resultatrapporter=3,
            v2_hallbarhet=2,
            v2_kategorirapporter=4,
            v3_juridik=4,
            v3_styrdokument=3,
            v3_planering=2,
            v3_uppfoljning=4,
            v3_rapportering=3,
            h_forbereda=4,
            h_genomfora=3,
            h_avtalsuppfoljning=3,
            h_kategoriteam=2,
            h_nojdhet="Vet ej",
        ),
        omfattning="delar av inköpsportföljen",
        frekvens="per kvartal",
    ),
    dict(
        name="Bertil Ek",
        email="bertil.ek@sjoby.se",
        phone="+46 (0)8 123 456 78",
        role="Politisk ledning",
        points=dict(
            v1_mal="Nej",
            v1_matt=2,
            v1_plan=2,
            v1_spendanalys=2,
            v1_kategori=2,
            v2_kunskapsunderlag=2,
            v2_resultatrapporter=2,
            v2_hallbarhet=2,
            v2_kategorirapporter=2,
            v3_juridik=2,
            v3_styrdokument=2,
            v3_planering=2,
            v3_uppfoljning=2,
            v3_rapportering=2,
            h_forbereda=3,
            h_genomfora=3,
            h_avtalsuppfoljning=3,
            h_kategoriteam=3,
            h_nojdhet=3,
        ),
        omfattning="hela inköpsportföljen",
        frekvens="årlig",
    ),
]
PERSONAL = [
    b"Anna Svensson",
    b"Bertil Ek",
    b"anna.svensson@sjoby.se",
    b"bertil.ek@sjoby.se",
    b"Svensson",
    b"@sjoby.se",
    "070\u2011123".encode(),
    b"123 45 67",
    b"123 456 78",
]


def with_column(rows: list[list], heading: str, cells: list) -> list[list]:
    """The export with one more column at its end: `heading`, and a cell per respondent."""
    return [row + [cell] for row, cell in zip(rows, [heading, *cells])]


# Computed by hand from the appendix's formulas (area = Σ weight × points / denominator):
# Anna: (3+4+3+2+4)/5, (3+3+2+4)/4, (4+3+2+0.5×4+3)/5, none (h_nojdhet vet ej);
# Bertil: (0+2+2+2+2)/5, 2, (2+2+2+1×2+2)/5, 3. The organisation: the mean of who has a value.
AREAS = {
    "strategi_planering": Fraction(12, 5),
    "uppfoljning_analys": Fraction(5, 2),
    "ansvar_organisation": Fraction(12, 5),
    "samspel_verksamhet": Fraction(3),
}
AXES = {"ledning": Fraction(73, 30), "verksamhet": Fraction(3)}


def _questions(ins):
    return [(area, q) for area in ins.areas for q in area.questions]


def ms_forms_rows(ins, organisation: str = "Sjöby kommun") -> list[list]:
    """As Microsoft Forms exports "Öppna i Excel": its five columns, then the form's questions."""
    header = ["ID", "Starttid", "Sluttid", "E-post", "Namn", "Organisation", "Typ av organisation", "Vilken roll har du?"]
    for area, q in _questions(ins):
        header.append(f"{area.preamble} {q.text}" if area.preamble else q.text)
        if q.id == "v3_uppfoljning":
            header.append("Gäller uppföljningen hela eller delar av inköpsportföljen?")
        if q.id == "v3_rapportering":
            header.append("Hur ofta rapporterar inköpsfunktionen till ledningen?")
    rows = [header]
    for n, r in enumerate(RESPONDENTS, start=1):
        start = datetime.datetime(2026, 2, 20, 9, 30 + n)
        row = [n, start, start + datetime.timedelta(minutes=12), r["email"], r["name"], organisation, "Kommun", r["role"]]
        for _, q in _questions(ins):
            p = r["points"][q.id]
            # Forms writes the option's label; "Instämmer helt" is how this form words the top of the scale.
            row.append("Instämmer helt" if (q.id, p) == ("v1_kategori", 4) else ("Vet inte" if p == "Vet ej" else LABEL.get(p, p)))
            if q.id == "v3_uppfoljning":
                row.append(r["omfattning"])
            if q.id == "v3_rapportering":
                row.append(r["frekvens"])
        rows.append(row)
    return rows


def google_forms_rows(ins) -> list[list]:
    """As Google Forms downloads responses (.csv): Tidstämpel, E-postadress, grids as `Title [Row]`."""
    header = ["Tidstämpel", "E-postadress", "Ditt namn", "Vilken organisation representerar du?", "Organisationstyp", "Din roll"]
    for area, q in _questions(ins):
        if q.id == "v1_mal":
            header.append(q.text)
        elif area.preamble:
            header.append(f"{area.preamble} [{q.text}]")
        else:
            header.append(f"Hur väl stämmer påståendena? [{q.text}]")
    header += ["Uppföljningen gäller", "Rapporteringen sker"]
    rows = [header]
    for n, r in enumerate(RESPONDENTS, start=1):
        row = [f"2026/02/2{n} 10:1{n}:22 fm CET", r["email"], r["name"], "Sjöby kommun", "Kommun", r["role"]]
        for _, q in _questions(ins):
            p = r["points"][q.id]
            row.append(LABEL.get(p, p))
        rows.append(row + [r["omfattning"], r["frekvens"]])
    return rows


def netigate_rows(ins, *, short_rows: dict[str, str] | None = None) -> list[list]:
    """As Netigate or esMaker export to Excel: respondent id, dates, language, grids `Title [Row]`,
    answers as "4 - Instämmer i hög grad". short_rows: question id → the survey's own row label."""
    header = ["Respondent-ID", "Startdatum", "Slutdatum", "Språk", "E-post", "Organisationens namn", "Typ", "Roll"]
    titles = {
        "strategi_planering": "Strategi och planering",
        "uppfoljning_analys": "Uppföljning och analys",
        "samspel_verksamhet": "Samspel med verksamheten",
    }
    for area, q in _questions(ins):
        row_label = (short_rows or {}).get(q.id, q.text)
        header.append(f"{area.preamble} [{row_label}]" if area.preamble else f"{titles[area.id]} [{row_label}]")
    header += ["Omfattning", "Frekvens"]
    rows = [header]
    for n, r in enumerate(RESPONDENTS, start=1):
        row = [
            f"R{1000 + n}",
            datetime.datetime(2026, 2, 20, 9, n),
            datetime.datetime(2026, 2, 20, 10, n),
            "Svenska",
            r["email"],
            "Sjöby kommun",
            "Kommun",
            r["role"],
        ]
        for _, q in _questions(ins):
            p = r["points"][q.id]
            row.append(f"{p} - {LABEL[p]}" if isinstance(p, int) else p)
        rows.append(row + [r["omfattning"], r["frekvens"]])
    return rows


def xlsx(rows: list[list], *, sheet: str = "Sheet1") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def google_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def excel_csv(rows: list[list]) -> bytes:
    """As Swedish Excel saves "CSV (semikolonavgränsad)": ';', CRLF, Windows-1252, dates as Excel shows them."""
    out = io.StringIO()
    shown = [[c.strftime("%Y-%m-%d %H:%M") if isinstance(c, datetime.datetime) else c for c in row] for row in rows]
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(shown)
    return out.getvalue().encode("cp1252")


# -- workbooks that are not survey exports: what the import must refuse at once ------------------


def rezip(data: bytes, change, add: dict[str, bytes] | None = None) -> bytes:
    """The workbook with each part passed through `change(name, bytes)`, and parts added."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, change(info.filename, src.read(info.filename)))
        for name, part in (add or {}).items():
            z.writestr(name, part)
    return out.getvalue()


def claims_millions_of_cells(data: bytes) -> bytes:
    """The first sheet declares A1:XFD1048576 (17 179 869 184 cells)."""

    def claim(name, part):
        if name == "xl/worksheets/sheet1.xml":
            start = part.index(b'<dimension ref="')
            end = part.index(b'"', start + 16)
            return part[:start] + b'<dimension ref="A1:XFD1048576' + part[end:]
        return part

    return rezip(data, claim)


def exploding_shared_strings(data: bytes) -> bytes:
    """Four million shared strings: under 2 MB packed, 68 MB unpacked."""

    def declare(name, part):  # the workbook says it has shared strings (openpyxl writes inline strings)
        if name == "[Content_Types].xml":
            return part.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
        return part

    strings = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>x</t></si>" * 4_000_000
        + b"</sst>"
    )
    return rezip(data, declare, {"xl/sharedStrings.xml": strings})
