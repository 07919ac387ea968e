"""Open data, the Swedish public sector's way: every published organisation's rounds as one table.

- `site/data/resultat.csv`: UTF-8, comma-separated, decimal point, one row per published
  organisation and round, headed by the keys the JSON files use;
- `site/data/resultat.xlsx`: the same rows with Swedish headings, dates as dates and numbers as
  numbers, and a sheet that describes each column;
- `site/data/katalog.rdf`: a DCAT-AP-SE catalogue that dataportal.se can harvest (download
  addresses are absolute, so it is written only when the site's address is known);
- `oppna-data/`: the page that describes the files and each column.

Everything is read from the summaries the shared pages get (identity, code, dates, overall
scores), never from roles, answers or comments. Values are exact means, written in full in the
CSV as in the JSON files (the workbook has the 16 significant digits XlsxWriter writes, one more
than Excel shows); rounding is for display only.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from fractions import Fraction

from .pages import page_context
from .reference import Reference
from .scoring import details_public
from .text import tel_uri
from .wording import words
from .workbooks import Workbook, print_setup, row_height, write_row

CSV_NAME, XLSX_NAME, RDF_NAME = "data/resultat.csv", "data/resultat.xlsx", "data/katalog.rdf"
PAGE = "oppna-data/"
TITLE = "Ambitionsgrafen: resultat per organisation och mätning"


@dataclass(frozen=True)
class Column:
    key: str  # the CSV heading, as the JSON names the value
    heading: str  # the Excel heading
    kind: str  # text, code, date, decimal, integer
    description: str  # Swedish, for the page and the workbook's second sheet
    width: float  # in Excel, in characters


def place_json(reference: Reference, code: str | None) -> dict:
    """An organisation's code, county and SKR group as its JSON files give them (null when not known)."""
    place = reference.get(code)
    return {
        "kod": code,
        "lan": {"kod": place.lanskod, "namn": place.lan} if place else None,
        "kommungrupp": {"kod": place.kommungrupp_kod, "namn": place.kommungrupp, "indelning": reference.grouping_edition}
        if place and place.kommungrupp_kod
        else None,
    }


def columns(ins) -> tuple[Column, ...]:
    ref = ins.reference
    axes = ins.axes
    said = words(ins)
    quadrants = ", ".join(f"{q.id} ({q.label})" for q in ins.quadrants)
    return (
        Column(
            "slug",
            "Kortnamn",
            "text",
            "Organisationens kortnamn i webbplatsens adresser: sidan organisationer/kortnamn/ och filen data/kortnamn.json.",
            16,
        ),
        Column("namn", "Organisation", "text", "Organisationens namn.", 28),
        Column("typ", "Typ", "text", f"Typ av organisation: {', '.join(t.id for t in ins.types[:-1])} eller {ins.types[-1].id}.", 11),
        Column(
            "kod",
            "Kommun- eller länskod",
            "code",
            "SCB:s kommunkod (fyra siffror) för en kommun, länskoden (två siffror) för en region, "
            f"enligt {ref.codes_edition}. Text med inledande nolla. Tom för myndigheter och bolag, och när koden inte är angiven.",
            12,
        ),
        Column(
            "lanskod", "Länskod", "code", "Koden för länet som kommunen eller regionen ligger i. Härledd ur kommun- eller länskoden.", 9
        ),
        Column("lan", "Län", "text", "Länets namn. Härlett ur kommun- eller länskoden.", 22),
        Column(
            "kommungrupp_kod",
            "Kommungrupp (kod)",
            "code",
            f"Kommungruppens kod, A1–C9, i {ref.grouping_edition}. Härledd ur kommunkoden. Tom för regioner, myndigheter och bolag.",
            12,
        ),
        Column("kommungrupp", "Kommungrupp", "text", f"Kommungruppens namn i {ref.grouping_edition}.", 34),
        Column("datum", "Mätdatum", "date", "Dagen för mätningen (intervjuerna), ÅÅÅÅ-MM-DD. En rad per organisation och mätning.", 12),
        Column(
            "ledning",
            f"{axes['ledning']['kort']} (axel)",
            "decimal",
            f"{axes['ledning']['etikett']}: den {said.axes['ledning'].direction} axeln i ambitionsgrafen, medelvärdet av de {said.axes['ledning'].areas_count} områdena "
            f"nedan som hör till den. Tom när något av dem saknar värde.",
            14,
        ),
        Column(
            "verksamhet",
            f"{axes['verksamhet']['kort']} (axel)",
            "decimal",
            f"{axes['verksamhet']['etikett']}: den {said.axes['verksamhet'].direction} axeln i ambitionsgrafen, lika med området "
            f"{ins.areas_of_axis('verksamhet')[0].label.lower()}. Tom när området saknar värde.",
            14,
        ),
        *(
            Column(
                a.id,
                f"{a.label} (område)",
                "decimal",
                f"Området {a.label.lower()}: medelvärdet av de intervjuades poäng för området. "
                "Tom när ingen har besvarat alla områdets frågor, och när bara en person besvarade mätningen "
                "(då publiceras bara punkten och kvadranten).",
                14,
            )
            for a in ins.areas
        ),
        Column(
            "kvadrant",
            "Kvadrant",
            "text",
            f"Kvadranten där mätningens punkt ligger: {quadrants}. Excelfilen visar namnet. Tom när punkten inte kan placeras.",
            30,
        ),
        Column("respondenter", "Antal intervjuade", "integer", "Antal intervjuade personer i mätningen.", 11),
    )


def rows(ins, published: list) -> list[tuple]:
    """One row per published organisation and round, by slug and date: the columns' values as
    Python values (Fractions exact, None where there is no value)."""
    ref = ins.reference
    out = []
    for summary in sorted(published, key=lambda s: s.organisation.slug):
        o = summary.organisation
        place = ref.get(o.code)
        for a in summary.assessments:
            g = a.overall
            out.append(
                (
                    o.slug,
                    o.name,
                    o.type,
                    o.code,
                    place.lanskod if place else None,
                    place.lan if place else None,
                    place.kommungrupp_kod if place else None,
                    place.kommungrupp if place else None,
                    a.date,
                    g.axes["ledning"],
                    g.axes["verksamhet"],
                    *(g.areas[area.id] if details_public(g) else None for area in ins.areas),  # one person's: not published
                    g.quadrant,
                    g.respondents,
                )
            )
    return out


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Fraction):
        return repr(float(value))  # as the JSON files write it: the shortest decimal that reads back as the same number
    return str(value)


def results_csv(ins, table: list[tuple]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")  # RFC 4180: comma, CRLF, quotes only where needed
    w.writerow([c.key for c in columns(ins)])
    w.writerows([_csv_value(v) for v in row] for row in table)
    return out.getvalue().encode("utf-8")


def results_xlsx(ins, table: list[tuple], publisher: str) -> bytes:
    """The rows with Swedish headings, dates as dates, numbers as numbers and codes as text, and a
    second sheet describing each column. Dated the newest round it holds: the same rows, the same bytes."""
    cols = columns(ins)
    labels = {q.id: q.label for q in ins.quadrants}
    types = {t.id: t.label for t in ins.types}
    keys = [c.key for c in cols]
    typ, kvadrant, datum = keys.index("typ"), keys.index("kvadrant"), keys.index("datum")
    decimal = [i for i, c in enumerate(cols) if c.kind == "decimal"]
    styles = [{"date": "date", "integer": "integer"}.get(c.kind, "top") for c in cols]

    newest = max((row[datum] for row in table), default="1980-01-01")
    book = Workbook(title=TITLE, author=publisher, created=datetime.date.fromisoformat(newest))
    style = book.style
    widths = [c.width for c in cols]
    ws = book.sheet("Resultat", widths, styles)
    write_row(ws, 0, [c.heading for c in cols], [style["heading"]] * len(cols))
    ws.set_row(0, row_height([c.heading for c in cols], widths, [True] * len(cols)))
    cells = [style[s] for s in styles]
    for r, row in enumerate(table, start=1):
        values = list(row)
        for i in decimal:
            if values[i] is not None:
                values[i] = float(values[i])
        values[datum] = datetime.date.fromisoformat(values[datum])
        values[typ] = types[values[typ]]
        if values[kvadrant] is not None:
            values[kvadrant] = labels[values[kvadrant]]
        write_row(ws, r, values, cells)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(table), len(cols) - 1)
    print_setup(ws, title=TITLE, heading_row=0, last_row=max(len(table), 1), last_col=len(cols) - 1)

    about_widths = (18, 28, 100)
    about = book.sheet("Om data", about_widths, ("top", "wrap", "wrap"))
    about.write_string(0, 0, TITLE, style["title"])
    lines = about_lines(ins, publisher)
    for r, line in enumerate(lines, start=2):  # across the sheet's width, wrapped: it prints whole
        about.merge_range(r, 0, r, 2, line, style["wrap"])
        about.set_row(r, row_height([line], [sum(about_widths)], [True]))
    top = len(lines) + 3
    write_row(about, top, ("Kolumn", "Rubrik i fliken Resultat", "Beskrivning"), [style["heading"]] * 3)
    for r, c in enumerate(cols, start=top + 1):
        described = (c.key, c.heading, c.description)
        write_row(about, r, described, (style["top"], style["wrap"], style["wrap"]))
        about.set_row(r, row_height(described, about_widths, [False, True, True]))
    print_setup(about, title=f"{TITLE}: om data", heading_row=top, last_row=top + len(cols), last_col=2)
    return book.close()


def about_lines(ins, publisher: str) -> list[str]:
    ref = ins.reference
    return [
        f"Utgivare: {publisher}.",
        "En rad per publicerad organisation och mätning. Värdena är exakta medelvärden; webbplatsen visar dem avrundade till en decimal.",
        f"Kommun- och länskoder: {ref.codes_edition}. Kommungrupper: {ref.grouping_edition}. Län och kommungrupp härleds ur koden.",
        "Hur värdena räknas: se metodsidan på webbplatsen.",
    ]


# -- the catalogue ----------------------------------------------------------------------------


def catalogue_view(project, table: list[tuple]) -> dict:
    """What katalog.rdf says: absolute addresses from the site's (only called with one)."""
    s = project.settings
    base = project.site_url
    dates = sorted(row[8] for row in table)
    return {
        "catalogue": f"{base}{RDF_NAME}#katalog",
        "dataset": f"{base}{RDF_NAME}#resultat",
        "publisher": f"{base}{RDF_NAME}#utgivare",
        "contact": f"{base}{RDF_NAME}#kontakt",
        "homepage": base,
        "landing_page": f"{base}{PAGE}",
        "publisher_name": s.publisher,
        "publisher_url": s.publisher_url,
        "email": s.email,
        "phone": tel_uri(s.phone) if s.phone else None,  # tel:+46…: a global number, as RFC 3966 asks
        "licence": s.licence_url,
        "first": dates[0] if dates else None,
        "last": dates[-1] if dates else None,
        "description": (
            "Resultat från Upphandlingsmyndighetens mätningar av hur ändamålsenliga kommuners och regioners "
            "inköpsorganisationer är, med ambitionsgrafen: för varje publicerad organisation och mätning "
            "värdena på grafens två axlar, de fyra områdena, kvadranten och antalet intervjuade, med "
            f"organisationens kommun- eller länskod, län och kommungrupp ({project.reference.grouping_edition})."
        ),
        "distributions": [
            {
                "id": f"{base}{RDF_NAME}#resultat-csv",
                "url": f"{base}{CSV_NAME}",
                "title": "resultat.csv",
                "description": "Kommaseparerad textfil i UTF-8 med punkt som decimaltecken och en rubrikrad med kolumnernas namn.",
                "format": "CSV",
                "media_type": "text/csv",
            },
            {
                "id": f"{base}{RDF_NAME}#resultat-xlsx",
                "url": f"{base}{XLSX_NAME}",
                "title": "resultat.xlsx",
                "description": "Samma uppgifter som Excelfil med svenska kolumnrubriker och en flik som beskriver kolumnerna.",
                "format": "XLSX",
                "media_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            },
        ],
    }


# -- the page -------------------------------------------------------------------------------------


def page_view(project, table: list[tuple], root: str) -> dict:
    s = project.settings
    ins = project.ins
    return {
        "title": "Öppna data",
        "files": [
            {"href": root + CSV_NAME, "name": "resultat.csv", "what": "kommaseparerad text (CSV), UTF-8, punkt som decimaltecken"},
            {"href": root + XLSX_NAME, "name": "resultat.xlsx", "what": "Excel, med svenska rubriker och en flik som beskriver kolumnerna"},
        ]
        + (
            [{"href": root + RDF_NAME, "name": "katalog.rdf", "what": "beskrivning av datamängden enligt DCAT-AP-SE, för dataportal.se"}]
            if project.site_url
            else []
        ),
        "rows": len(table),
        "organisations": len({row[0] for row in table}),
        "publisher": s.publisher,
        "email": s.email,
        "licence": s.licence,
        "licence_url": s.licence_url,
        "codes_edition": project.reference.codes_edition,
        "grouping_edition": project.reference.grouping_edition,
        "columns": [{"key": c.key, "heading": c.heading, "kind": _KIND_LABELS[c.kind], "description": c.description} for c in columns(ins)],
    }


_KIND_LABELS = {"text": "text", "code": "kod (text)", "date": "datum", "decimal": "decimaltal", "integer": "heltal"}


def open_data_files(project, published: list) -> dict[str, bytes | str]:
    """The open data and its page, relative to site/; the catalogue only with the site's address."""

    ins = project.ins
    table = rows(ins, published)
    files: dict[str, bytes | str] = {
        CSV_NAME: results_csv(ins, table),
        XLSX_NAME: results_xlsx(ins, table, project.settings.publisher),
    }
    if project.site_url is not None:
        files[RDF_NAME] = project.env.get_template("katalog.rdf").render(c=catalogue_view(project, table))
    ctx = page_context(
        project,
        root="../",
        path=PAGE,
        title="Öppna data",
        crumbs=[("", "Start"), (None, "Öppna data")],
        description="Resultaten för alla publicerade organisationer som öppna data: CSV, Excel och en beskrivning av varje kolumn.",
    )
    files[PAGE + "index.html"] = project.env.get_template("open_data.html").render(**ctx, data=page_view(project, table, "../"))
    return files
