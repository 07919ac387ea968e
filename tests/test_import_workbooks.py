"""`build.py import` on workbooks as people make them in Excel or LibreOffice: the answers on a sheet
after an instructions sheet, and cells merged over several rows. Each workbook is written by openpyxl
and saved again by LibreOffice (headless), as a user's file would be."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl

from ambitionsgraf.text import show

from .conftest import run_cli
from .survey_exports import ms_forms_rows

INSTRUCTIONS = [["Instruktioner"], ["Fyll i en rad per person som svarat på enkäten."], ["Frågor: inkop@example.invalid"]]


def libreoffice_xlsx(tmp_path: Path, name: str, sheets: dict[str, list[list]], merged: dict[str, list[str]] | None = None) -> Path:
    """A workbook of `sheets` (name → rows, in order) with `merged` ranges, as LibreOffice saves it."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        for ref in (merged or {}).get(title, []):
            ws.merge_cells(ref)
    source = tmp_path / "written" / name
    source.parent.mkdir(exist_ok=True)
    wb.save(source)
    profile = tmp_path / "lo-profile"  # its own profile: no clash with another LibreOffice running
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return tmp_path / name


def _import(tmp_path: Path, path: Path, *more: str):
    return run_cli("import", str(path), "--datum", "2026-03-01", "--orgs", str(tmp_path / "orgs"), *more)


def test_the_answers_after_an_instructions_sheet_are_read_and_the_import_says_which_sheet(instrument, tmp_path):
    path = libreoffice_xlsx(tmp_path, "enkat.xlsx", {"Instruktioner": INSTRUCTIONS, "Svar": ms_forms_rows(instrument)})
    note = "note: read sheet 'Svar', the only one of the workbook's 2 sheets ('Instruktioner', 'Svar') whose first row is a header"
    dry = _import(tmp_path, path, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stderr.splitlines()[0] == note
    assert "sjoby-kommun.yaml" in dry.stdout
    result = _import(tmp_path, path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [note]
    assert result.stdout.splitlines()[-1].endswith("sjoby-kommun.yaml: new file, publicerad: false, round 2026-03-01 (2 respondents)")


def test_two_sheets_of_answers_are_refused_with_one_problem_naming_them(instrument, tmp_path):
    rows = ms_forms_rows(instrument)
    path = libreoffice_xlsx(tmp_path, "enkat.xlsx", {"Info": INSTRUCTIONS, "Svar 2025": rows, "Svar 2026": rows})
    result = _import(tmp_path, path, "--dry-run")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{path}:1: file: 2 of its 3 sheets begin with a header ('Svar 2025', 'Svar 2026'); the import reads one sheet, "
        "whose first row holds the column headings: keep that sheet alone in the workbook (delete the others, or copy it "
        "to a new workbook) and import again",
        "1 problem; nothing was written",
    ]
    assert not (tmp_path / "orgs").exists()


def test_a_workbook_with_no_sheet_of_answers_is_one_problem_naming_its_sheets(instrument, tmp_path):
    path = libreoffice_xlsx(tmp_path, "enkat.xlsx", {"Info": INSTRUCTIONS, "Blad2": [["Anteckningar"], ["Ring tillbaka"]]})
    result = _import(tmp_path, path)
    assert result.returncode == 1
    (problem, summary) = result.stderr.splitlines()
    assert problem.startswith(f"{path}:1: file: none of its 2 sheets ('Info', 'Blad2') begins with a header the import recognises; ")
    assert summary == "1 problem; nothing was written"


def test_a_single_sheet_is_read_without_a_note(instrument, tmp_path):
    path = libreoffice_xlsx(tmp_path, "enkat.xlsx", {"Blad1": ms_forms_rows(instrument)})
    result = _import(tmp_path, path)
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_an_organisation_merged_over_three_rows_is_a_problem_naming_the_merge_never_filled_in(instrument, tmp_path):
    rows = ms_forms_rows(instrument)
    third = list(rows[1])
    third[:5] = [3, third[1], third[2], "cecilia.berg@sjoby.se", "Cecilia Berg"]
    rows.append(third)
    column = rows[0].index("Organisation")  # F, as Microsoft Forms lays it out here
    assert column == 5
    path = libreoffice_xlsx(tmp_path, "enkat.xlsx", {"Svar": rows}, {"Svar": ["F2:F4"]})
    result = _import(tmp_path, path, "--dry-run")
    assert result.returncode == 1
    said = "is part of the merged range F2:F4, whose value is in F2 only; unmerge the cells and fill the value into each row"
    assert result.stderr.splitlines() == [
        f"{path}:3: Organisation: cell Svar!F3 {said}",
        f"{path}:4: Organisation: cell Svar!F4 {said}",
        "2 problems; nothing was written",
    ]
    assert not (tmp_path / "orgs").exists()


def test_cells_merged_across_a_row_name_the_cells_the_merge_hides(instrument, tmp_path):
    rows = ms_forms_rows(instrument)
    path = libreoffice_xlsx(tmp_path, "enkat.xlsx", {"Blad1": rows}, {"Blad1": ["I3:K3"]})
    result = _import(tmp_path, path)
    assert result.returncode == 1
    heading = show(rows[0][9])  # a long heading is shortened as every problem shortens it
    assert result.stderr.splitlines()[0] == (
        f"{path}:3: {heading}: cells Blad1!J3:K3 are part of the merged range I3:K3, whose value is in I3 only; "
        "unmerge the cells and fill the value into each cell"
    )
