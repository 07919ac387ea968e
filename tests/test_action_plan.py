"""The action plan as a workbook (output/leverans/<slug>-handlingsplan.xlsx), written with XlsxWriter
and made with the delivery PDF: opened with openpyxl, the drop-down list in place, the same bytes
for the same inputs."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ambitionsgraf.actionplan import handlingsplan_csv, handlingsplan_xlsx
from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.layout import part_files
from ambitionsgraf.pipeline import load_project
from ambitionsgraf.scoring import score_organisation

from .conftest import ROOT, TEST_SITE_URL, project_settings, tree
from .helpers import answer_file, uniform


@pytest.fixture(scope="module")
def project():
    return load_project(ROOT, project_settings(TEST_SITE_URL))


def scored(project, path: Path, data: bytes | None = None):
    data = path.read_bytes() if data is None else data
    org, problems = parse_organisation(project.ins, path, data, str(path))
    assert org is not None, problems
    return score_organisation(project.ins, org)


def opened(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


# -- the action plan -------------------------------------------------------------------------------


def test_the_action_plan_workbook_opens_with_its_drop_down_list_and_frozen_header(project):
    result = scored(project, ROOT / "orgs" / "norrvik.yaml")
    data = handlingsplan_xlsx(project, result)
    assert "leverans/norrvik-handlingsplan.xlsx" in part_files("norrvik", "leverans-pdf")  # made with the delivery PDF
    wb = opened(data)
    ws = wb["Handlingsplan"]
    assert ws["A1"].value == "Handlingsplan för Norrviks kommun" and ws["A1"].font.b
    assert ws["A2"].value == "Mätningen 2023-10-12 med 4 intervjuade. Läge i ambitionsgrafen: Ändamålsenlig inköpsorganisation."
    assert wb.properties.title == "Handlingsplan för Norrviks kommun, mätningen 2023-10-12"
    assert wb.properties.creator == project.settings.publisher
    assert wb.properties.created == datetime.datetime(2023, 10, 12)  # the round's day, never the time of writing
    assert ws["A4"].value == f"Vägledningen för varje steg finns på {TEST_SITE_URL} under sidan i kolumnen Vägledning."
    headings = [c.value for c in ws[6]]
    assert headings == [
        "Prioritet",
        "Del",
        "Steg eller zon",
        "Bedömning vid mätningen",
        "Förslag",
        "Vägledning",
        "Åtgärd",
        "Ansvarig",
        "Klart senast",
        "Status",
        "Kommentar",
    ]
    assert all(c.font.b and c.fill.fgColor.rgb == "FFDDE6F0" for c in ws[6])
    assert ws.freeze_panes == "A7" and ws.auto_filter.ref == "A6:K18"
    assert ws.print_title_rows == "$6:$6"  # the header row on every printed page
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9 and ws.page_setup.fitToWidth in (1, None)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert "Handlingsplan för Norrviks kommun" in ws.oddHeader.center.text and ws.print_area == "'Handlingsplan'!$A$1:$K$18"
    # Widths as Excel shows them, in characters; the file stores them with the cell's padding added.
    assert all(ws.column_dimensions[c].width >= 8 for c in "ABCDEFGHIJK") and 36 < ws.column_dimensions["E"].width < 37
    # every row as high as its wrapped suggestion: the longest the highest
    heights = {r: ws.row_dimensions[r].height for r in range(7, 19)}
    longest = max(range(7, 19), key=lambda r: len(ws.cell(r, 5).value or ""))
    assert heights[longest] == max(heights.values()) and heights[longest] >= 5 * 15
    (status, date) = sorted(ws.data_validations.dataValidation, key=lambda v: v.type, reverse=True)
    assert (status.type, status.formula1, str(status.sqref)) == ("list", '"Ej påbörjad,Pågår,Klar"', "J7:J18")
    assert status.showDropDown in (None, False)  # openpyxl's name for the flag that *hides* the list
    assert (date.type, date.operator, str(date.sqref)) == ("date", "greaterThanOrEqual", "I7:I18")
    assert date.formula1 == "36526"  # 2000-01-01
    assert ws["I7"].number_format == "yyyy\\-mm\\-dd" and ws["A7"].number_format == "0"
    steps = list(ws.iter_rows(min_row=7, values_only=True))
    assert len(steps) == 12 and all(r[6:] == (None,) * 5 for r in steps)  # ready to fill
    plan = handlingsplan_csv(project, result).decode("utf-8-sig")
    assert plan.splitlines()[0].split(";") == headings  # one action plan: the same columns in the same order
    as_csv = [line.split(";") for line in plan.splitlines()[1:]]
    assert [(str(r[0] or ""), *r[1:5]) for r in steps] == [tuple(c[:5]) for c in as_csv]
    assert all(c[6:] == [""] * 5 for c in as_csv) and as_csv[0][5] == TEST_SITE_URL + "vagledning/orientering/"
    assert all(isinstance(r[0], int) for r in steps if r[0] is not None)
    assert steps[0][5] == "vagledning/orientering/"  # the page's path, printable; the row above names the site
    assert ws["F7"].hyperlink.target == TEST_SITE_URL + "vagledning/orientering/"  # the guidance opens with a click


def test_without_the_sites_address_the_plan_links_nowhere():
    bare = load_project(ROOT, project_settings(None))
    result = scored(bare, ROOT / "orgs" / "norrvik.yaml")
    ws = opened(handlingsplan_xlsx(bare, result))["Handlingsplan"]
    guidance = [r[5] for r in ws.iter_rows(min_row=7, values_only=True)]
    assert guidance[0] == "Orientering på Ambitionsgrafens webbplats: vagledning/orientering/"  # the step and its page, never empty
    assert len(guidance) == 12 and all(g and g.endswith("/") and " på Ambitionsgrafens webbplats: vagledning/" in g for g in guidance)
    assert not any(c.hyperlink for row in ws.iter_rows() for c in row) and ws["A4"].value is None
    plan = handlingsplan_csv(bare, result).decode("utf-8-sig").splitlines()
    assert [line.split(";")[5] for line in plan[1:]] == guidance


def test_text_is_written_as_it_is_typed(project, tmp_path):
    name = 'Ett & "två" <tre> kommun'
    path = tmp_path / "ett.yaml"
    data = answer_file([("2024-02-29", [("inkopschef", uniform(3))])], namn=name).encode()
    wb = opened(handlingsplan_xlsx(project, scored(project, path, data)))
    assert wb["Handlingsplan"]["A1"].value == f"Handlingsplan för {name}"
    assert wb.properties.title == f"Handlingsplan för {name}, mätningen 2024-02-29"


def test_every_organisation_published_or_not_gets_one_and_the_same_bytes_each_time(project, example_build):
    """Built with the PDFs (a worker process, some time ago), and made here again now: the same bytes,
    so neither the clock nor the process is in them."""
    plans = {name: data for name, data in tree(example_build).items() if name.endswith("-handlingsplan.xlsx")}
    assert sorted(plans) == [f"leverans/{p.stem}-handlingsplan.xlsx" for p in sorted((ROOT / "orgs").glob("*.yaml"))]
    for path in sorted((ROOT / "orgs").glob("*.yaml")):
        again = handlingsplan_xlsx(project, scored(project, path))
        assert plans[f"leverans/{path.stem}-handlingsplan.xlsx"] == again, path.name
    for data in plans.values():
        archive = zipfile.ZipFile(io.BytesIO(data))
        assert archive.testzip() is None
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in archive.infolist())
