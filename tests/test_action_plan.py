"""The action plan as a workbook (output/leverans/<slug>-handlingsplan.xlsx), and the writer of
workbooks: opened with openpyxl, the drop-down list in place, the same bytes for the same inputs."""

from __future__ import annotations

import datetime
import io
import zipfile

import openpyxl
import pytest

from ambitionsgraf import xlsx
from ambitionsgraf.site import part_files

from .conftest import ROOT, TEST_SITE_URL, run_build, tree


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("plans") / "out"
    run_build(ROOT / "orgs", out, site_url=TEST_SITE_URL)
    return out


# -- the action plan -------------------------------------------------------------------------------


def test_the_action_plan_workbook_opens_with_its_drop_down_list_and_frozen_header(built):
    path = built / "leverans" / "norrvik-handlingsplan.xlsx"
    assert "leverans/norrvik-handlingsplan.xlsx" in part_files("norrvik", "leverans")
    wb = openpyxl.load_workbook(path)
    ws = wb["Handlingsplan"]
    assert ws["A1"].value == "Handlingsplan för Norrviks kommun" and ws["A1"].font.b
    assert ws["A2"].value == "Mätningen 2023-10-12 med 4 intervjuade. Läge i ambitionsgrafen: Ändamålsenlig inköpsorganisation."
    assert wb.properties.title == "Handlingsplan för Norrviks kommun, mätningen 2023-10-12"
    headings = [c.value for c in ws[5]]
    assert headings == ["Prioritet", "Del", "Steg eller zon", "Bedömning vid mätningen", "Förslag", "Vägledning", "Åtgärd",
                        "Ansvarig", "Klart senast", "Status", "Kommentar"]
    assert ws.freeze_panes == "A6" and ws.auto_filter.ref == "A5:K17"
    assert all(ws.column_dimensions[c].width >= 10 for c in "ABCDEFGHIJK") and ws.column_dimensions["E"].width == 60
    (status, date) = sorted(ws.data_validations.dataValidation, key=lambda v: v.type, reverse=True)
    assert (status.type, status.formula1, str(status.sqref)) == ("list", '"Ej påbörjad,Pågår,Klar"', "J6:J17")
    assert (date.type, str(date.sqref)) == ("date", "I6:I17") and ws["I6"].number_format == "yyyy\\-mm\\-dd"
    steps = list(ws.iter_rows(min_row=6, values_only=True))
    assert len(steps) == 12 and all(r[6:] == (None,) * 5 for r in steps)  # ready to fill
    plan = (built / "leverans" / "norrvik-handlingsplan.csv").read_bytes().decode("utf-8-sig")
    as_csv = [line.split(";") for line in plan.splitlines()[1:]]
    assert [(str(r[0] or ""), r[2], r[3]) for r in steps] == [(c[0], c[2], c[3]) for c in as_csv]
    assert steps[0][5] == TEST_SITE_URL + "vagledning/orientering/"


def test_every_organisation_published_or_not_gets_one_and_the_same_bytes_each_build(tmp_path, built):
    again = tmp_path / "again"
    run_build(ROOT / "orgs", again, site_url=TEST_SITE_URL, jobs=1)
    plans = {name: data for name, data in tree(built).items() if name.endswith("-handlingsplan.xlsx")}
    assert sorted(plans) == [f"leverans/{p.stem}-handlingsplan.xlsx" for p in sorted((ROOT / "orgs").glob("*.yaml"))]
    assert plans == {name: data for name, data in tree(again).items() if name in plans}
    for data in plans.values():
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zipfile.ZipFile(io.BytesIO(data)).infolist())


# -- the workbook writer ---------------------------------------------------------------------------


def test_the_writer_escapes_text_and_keeps_codes_as_text(tmp_path):
    sheet = xlsx.Sheet("Blad", (("<b> & \"citat\"", "0114", 2.5, 3, datetime.date(2024, 2, 29), None, ("fet", xlsx.BOLD)),))
    data = xlsx.workbook([sheet], title="T & <t>")
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    path = tmp_path / "t.xlsx"
    path.write_bytes(data)
    wb = openpyxl.load_workbook(path)
    assert [c.value for c in wb["Blad"][1]] == ["<b> & \"citat\"", "0114", 2.5, 3, datetime.datetime(2024, 2, 29), None, "fet"]
    assert wb.properties.title == "T & <t>"
    with pytest.raises(ValueError):
        xlsx.workbook([xlsx.Sheet("a/b", ())])
    with pytest.raises(ValueError):
        xlsx.workbook([xlsx.Sheet("a", (), validations=(xlsx.Validation("A1", ("x,y",)),))])
