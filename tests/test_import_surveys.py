"""`build.py import` on survey exports as the tools write them, never edited by hand.

Microsoft Forms, Google Forms, Netigate/esMaker-style Excel and Swedish Excel CSV
(tests/survey_exports.py builds them): the tools' own columns are dropped and said
so, the organisation, type and role are found by heading or by their answers, and
the scores equal the hand-computed ones. The respondents' names and e-mail
addresses are in no file the import or the build writes. Each refusal (unknown
columns, formulas without values, mixed encodings, a missing omfattning, workbooks
too big) has its exact message, exit status 1 and nothing written.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.scoring import score_organisation

from .conftest import ROOT, run_build, run_cli, tree
from .survey_exports import (
    AREAS,
    AXES,
    PERSONAL,
    RESPONDENTS,
    claims_millions_of_cells,
    excel_csv,
    exploding_shared_strings,
    google_csv,
    google_forms_rows,
    ms_forms_rows,
    netigate_rows,
    with_column,
    xlsx,
)

EXPORTS = {
    "microsoft-forms.xlsx": lambda ins: xlsx(ms_forms_rows(ins), sheet="Form1"),
    "google-forms.csv": lambda ins: google_csv(google_forms_rows(ins)),
    "netigate.xlsx": lambda ins: xlsx(netigate_rows(ins)),
    "netigate-excel-1252.csv": lambda ins: excel_csv(netigate_rows(ins)),
}


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def scores(instrument, path: Path):
    org, problems = parse_organisation(instrument, path, path.read_bytes(), str(path))
    assert problems == []
    return org, score_organisation(instrument, org)


def leaks(folder: Path) -> list[str]:
    """Files under `folder` that hold a respondent's name or e-mail address."""
    return [f"{name}: {word!r}" for name, data in tree(folder).items() for word in PERSONAL if word.lower() in data.lower()]


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_an_export_as_it_comes_gives_the_hand_computed_scores(instrument, tmp_path, name):
    table = write(tmp_path, name, EXPORTS[name](instrument))
    orgs = tmp_path / "orgs"
    result = run_cli("import", str(table), "--datum", "2026-03-01", "--orgs", str(orgs))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == f"wrote {orgs / 'sjoby-kommun.yaml'}: new file, publicerad: false, round 2026-03-01 (2 respondents)"
    assert all(line.startswith("dropped column ") and ": never stored (" in line for line in lines[:-1])
    org, result = scores(instrument, orgs / "sjoby-kommun.yaml")
    assert (org.name, org.type, org.published) == ("Sjöby kommun", "kommun", False)
    (a,) = result.assessments
    assert dict(a.overall.areas) == AREAS and dict(a.overall.axes) == AXES
    (m,) = org.assessments
    assert [r.role for r in m.respondents] == ["inkopschef", "politisk_ledning"]
    assert "h_nojdhet" in m.respondents[0].dont_know
    assert [(r.answer("v3_uppfoljning").option, r.answer("v3_rapportering").option) for r in m.respondents] == [
        ("delar", "kvartal"),
        ("hela", "ar"),
    ]
    assert leaks(orgs) == []


def test_microsoft_forms_says_what_it_dropped(instrument, tmp_path):
    table = write(tmp_path, "svar.xlsx", EXPORTS["microsoft-forms.xlsx"](instrument))
    result = run_cli("import", str(table), "--datum", "2026-03-01", "--orgs", str(tmp_path / "orgs"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:-1] == [
        "dropped column A 'ID': never stored (the survey tool's own column)",
        "dropped column B 'Starttid': never stored (the survey tool's own column)",
        "dropped column C 'Sluttid': never stored (the survey tool's own column)",
        "dropped column D 'E-post': never stored (the survey tool's own column)",
        "dropped column E 'Namn': never stored (in a survey export, Namn is the respondent's own name)",
    ]


def test_three_tools_into_one_file_and_a_build_publish_no_names(instrument, tmp_path):
    """Rounds from each tool extend the file the first made (matched by name); nothing personal anywhere."""
    orgs, out = tmp_path / "orgs", tmp_path / "output"
    for day, name in [("2026-03-01", "microsoft-forms.xlsx"), ("2026-04-01", "google-forms.csv"), ("2026-05-01", "netigate.xlsx")]:
        result = run_cli("import", str(write(tmp_path, name, EXPORTS[name](instrument))), "--datum", day, "--orgs", str(orgs))
        assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in orgs.iterdir()) == ["sjoby-kommun.yaml"]
    org, result = scores(instrument, orgs / "sjoby-kommun.yaml")
    assert [a.date for a in result.assessments] == ["2026-03-01", "2026-04-01", "2026-05-01"]
    assert all(dict(a.overall.areas) == AREAS for a in result.assessments)
    run_build(orgs, out)
    assert (out / "leverans" / "sjoby-kommun.json").exists()
    assert leaks(orgs) == [] and leaks(out) == []


def test_the_organisation_is_matched_to_an_existing_file_by_its_name(instrument, tmp_path):
    orgs = tmp_path / "orgs"
    orgs.mkdir()
    shutil.copy(ROOT / "orgs" / "norrvik.yaml", orgs / "norrvik.yaml")
    name = parse_organisation(instrument, orgs / "norrvik.yaml", (orgs / "norrvik.yaml").read_bytes(), "x")[0].name
    table = write(tmp_path, "svar.xlsx", xlsx(ms_forms_rows(instrument, organisation=name)))
    result = run_cli("import", str(table), "--datum", "2026-03-01", "--orgs", str(orgs))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"extended {orgs / 'norrvik.yaml'}: new round 2026-03-01 (2 respondents)"
    assert sorted(p.name for p in orgs.iterdir()) == ["norrvik.yaml"]


# -- refusals: exact message, exit 1, nothing written ---------------------------------------


def refused(table: Path, orgs: Path, *args: str) -> list[str]:
    result = run_cli("import", str(table), "--datum", "2026-03-01", "--orgs", str(orgs), *args)
    assert result.returncode == 1, result.stdout + result.stderr
    assert not orgs.exists()
    assert result.stdout == ""
    return result.stderr.splitlines()


def refused_once(table: Path, orgs: Path, *args: str) -> str:
    """The one problem an import that must be refused reports (and that it says nothing was written)."""
    lines = refused(table, orgs, *args)
    assert lines[1:] == ["1 problem; nothing was written"], lines
    return lines[0]


def test_unknown_columns_are_listed_in_column_order_and_dry_run_shows_the_mapping(instrument, tmp_path):
    rows = ms_forms_rows(instrument)
    rows = [r[:8] + [h] + r[8:] + [t] for r, h, t in zip(rows, ["Övrigt", "", ""], ["Betyg på enkäten", "5", "4"])]
    table = write(tmp_path, "svar.xlsx", xlsx(rows))
    orgs = tmp_path / "orgs"
    generic = (
        "unknown column; expected Organisation (or slug and namn), typ, roll, datum, kommentar, a question id or its wording, "
        "or v3_uppfoljning_omfattning / v3_rapportering_frekvens; delete columns the import does not need, or name them in a --map file"
    )
    assert refused(table, orgs) == [
        f"{table}:1: Betyg på enkäten: {generic} (column AE)",
        f"{table}:1: header: 2 unknown columns, in column order: I 'Övrigt', AE 'Betyg på enkäten'; "
        "--dry-run shows how every column was read, and --map FILE can name the others",
        f"{table}:1: Övrigt: {generic} (column I)",
        "3 problems; nothing was written",
    ]
    lines = refused(table, orgs, "--dry-run")
    assert lines[:11] == [
        "column A 'ID': dropped, never stored (the survey tool's own column)",
        "column B 'Starttid': dropped, never stored (the survey tool's own column)",
        "column C 'Sluttid': dropped, never stored (the survey tool's own column)",
        "column D 'E-post': dropped, never stored (the survey tool's own column)",
        "column E 'Namn': dropped, never stored (in a survey export, Namn is the respondent's own name)",
        "column F 'Organisation': namn (by its heading: the organisation's name)",
        "column G 'Typ av organisation': typ (by its answers)",
        "column H 'Vilken roll har du?': roll (by its answers)",
        "column I 'Övrigt': unknown",
        "column J 'Vi har mål för inköpsverksamheten, t.ex. i en inköpspolicy': v1_mal (by its wording)",
        "column K 'Vi har mått som kan användas i bedömningen av framgång i fö…': v1_matt (by its wording)",
    ]
    assert "column AE 'Betyg på enkäten': unknown" in lines
    assert lines[-1] == "3 problems; nothing was written"


def test_a_map_file_written_by_dry_run_and_filled_in_imports_a_survey_with_its_own_headings(instrument, tmp_path):
    short = {
        "v3_juridik": "Juridik",
        "v3_styrdokument": "Styrdokument",
        "v3_planering": "Planering",
        "v3_uppfoljning": "Uppföljning",
        "v3_rapportering": "Rapportering",
    }
    table = write(tmp_path, "netigate.xlsx", xlsx(netigate_rows(instrument, short_rows=short)))
    orgs = tmp_path / "orgs"
    mapfile = tmp_path / "karta.yaml"
    refused(table, orgs, "--dry-run", "--write-map", str(mapfile))
    text = mapfile.read_text()
    assert '"Respondent-ID": drop  # column A: the survey tool\'s own column\n' in text
    assert '"Roll": roll  # column H: its heading\n' in text
    assert '"Organisationens namn": organisation  # column F: its heading: the organisation\'s name\n' in text
    for qid, label in short.items():
        empty = f'"Inköpsfunktionen ansvarar för: [{label}]":  # column '
        assert empty in text
        text = text.replace(empty, f'"Inköpsfunktionen ansvarar för: [{label}]": {qid}  # column ')
    mapfile.write_text(text)
    result = run_cli("import", str(table), "--datum", "2026-03-01", "--orgs", str(orgs), "--map", str(mapfile))
    assert result.returncode == 0, result.stderr
    _, result = scores(instrument, orgs / "sjoby-kommun.yaml")
    assert dict(result.assessments[0].overall.areas) == AREAS


def test_write_map_only_with_dry_run_and_never_over_a_file(instrument, tmp_path):
    table = write(tmp_path, "netigate.xlsx", xlsx(netigate_rows(instrument)))
    mapfile = tmp_path / "karta.yaml"
    assert refused_once(table, tmp_path / "orgs", "--write-map", str(mapfile)) == (
        f"{mapfile}:1: --write-map: only with --dry-run: the map is a file to edit before importing"
    )
    assert not mapfile.exists()
    mapfile.write_text("# mine\n")
    assert refused_once(table, tmp_path / "orgs", "--dry-run", "--write-map", str(mapfile)) == (
        f"{mapfile}:1: --write-map: exists already; give a new file name"
    )
    assert mapfile.read_text() == "# mine\n"


def test_write_map_where_no_file_can_be_made_is_a_problem_never_a_traceback(instrument, tmp_path):
    # A path through a file, as a folder that is not writable: it was "internal error: FileExistsError".
    table = write(tmp_path, "netigate.xlsx", xlsx(netigate_rows(instrument)))
    mapfile = table / "karta.yaml"
    lines = refused(table, tmp_path / "orgs", "--dry-run", "--write-map", str(mapfile))
    assert lines[-2:] == [f"{mapfile}:1: --write-map: cannot be written: {table} is not a folder", "1 problem; nothing was written"]
    assert table.is_file() and sorted(p.name for p in tmp_path.iterdir()) == ["netigate.xlsx"]


def test_a_map_file_with_an_unknown_target_is_refused(instrument, tmp_path):
    table = write(tmp_path, "netigate.xlsx", xlsx(netigate_rows(instrument)))
    mapfile = write(tmp_path, "karta.yaml", b'"Roll": roll\n"Typ": sort\n')
    assert refused_once(table, tmp_path / "orgs", "--map", str(mapfile)) == (
        f"{mapfile}:2: Typ: expected organisation, slug, namn, typ, roll, datum, kommentar, a question id (v1_mal, …), "
        "<id>_<tillagg> or drop; got 'sort'"
    )


@pytest.mark.parametrize("text", ["# nothing to map yet\n# (the headings are ours)\n", "# header\n---\n", "\ufeff\n  \n"])
def test_a_map_file_of_only_comments_is_an_empty_map_and_the_export_imports_as_without_one(instrument, tmp_path, text):
    # It was refused with the answer files' message ("expected namn, typ, publicerad and matningar").
    table = write(tmp_path, "forms.xlsx", xlsx(ms_forms_rows(instrument)))
    mapfile = write(tmp_path, "karta.yaml", text.encode())
    orgs = tmp_path / "orgs"
    result = run_cli("import", str(table), "--datum", "2026-03-01", "--orgs", str(orgs), "--map", str(mapfile))
    assert result.returncode == 0, result.stderr
    _, result = scores(instrument, orgs / "sjoby-kommun.yaml")
    assert dict(result.assessments[0].overall.areas) == AREAS


def test_a_map_file_that_is_a_single_text_is_still_refused(instrument, tmp_path):
    table = write(tmp_path, "forms.xlsx", xlsx(ms_forms_rows(instrument)))
    mapfile = write(tmp_path, "karta.yaml", b"# a map\nRoll\n")
    assert refused_once(table, tmp_path / "orgs", "--map", str(mapfile)) == f'{mapfile}:2: file: expected lines of "heading": target'


@pytest.mark.parametrize("again", ["anna.svensson@sjoby.se", " Anna.Svensson@SJOBY.se", "anna.svensson\uff20sjoby.se"])
def test_one_person_answering_twice_is_refused_by_their_e_mail_address_never_counted_twice(instrument, tmp_path, again):
    # Google Forms keeps every submission: the same address on two rows is one person, who would weigh double.
    rows = google_forms_rows(instrument)
    rows.append([rows[1][0], again, *rows[1][2:5], "Politisk ledning", *rows[2][6:]])
    table = write(tmp_path, "svar.csv", google_csv(rows))
    assert refused_once(table, tmp_path / "orgs") == (
        f"{table}:4: E-postadress: the same e-mail address as row 2: one person answered twice; "
        "delete the row that does not count, or, for two people who share the address, clear it in one of their rows (cell B4)"
    )


def test_two_people_with_their_own_addresses_are_two_respondents(instrument, tmp_path):
    rows = google_forms_rows(instrument)
    rows.append([rows[1][0], "anna.svensson@sjoby.se.example", *rows[1][2:5], "Politisk ledning", *rows[2][6:]])
    table = write(tmp_path, "svar.csv", google_csv(rows))
    orgs = tmp_path / "orgs"
    result = run_cli("import", str(table), "--datum", "2026-03-01", "--orgs", str(orgs))
    assert result.returncode == 0, result.stderr
    org, _ = scores(instrument, orgs / "sjoby-kommun.yaml")
    assert len(org.assessments[0].respondents) == 3


def test_without_an_organisation_column_the_respondents_name_is_never_taken_for_it(instrument, tmp_path):
    rows = [r[:5] + r[6:] for r in ms_forms_rows(instrument)]  # no Organisation column: only Namn is left
    table = write(tmp_path, "svar.xlsx", xlsx(rows))
    assert refused_once(table, tmp_path / "orgs") == (
        f"{table}:1: organisation: missing column; expected the organisation's name in a column headed Organisation "
        "(or slug and namn columns); Namn in a survey export is the respondent's own name and is never imported"
    )


# -- contact details: a column is imported or refused whole, never dropped for what it holds ------------

CONTACT = "; answer files never hold contact details or personal identity numbers: remove it (write the role instead)"


def test_a_column_of_phone_numbers_headed_as_one_is_dropped_and_named(instrument, tmp_path):
    rows = with_column(ms_forms_rows(instrument), "Telefonnummer", [r["phone"] for r in RESPONDENTS])
    table = write(tmp_path, "svar.xlsx", xlsx(rows, sheet="Form1"))
    orgs = tmp_path / "orgs"
    result = run_cli("import", str(table), "--datum", "2026-03-01", "--orgs", str(orgs))
    assert result.returncode == 0, result.stderr
    assert "dropped column AD 'Telefonnummer': never stored (a person's name or contact details)" in result.stdout.splitlines()
    assert leaks(orgs) == []


@pytest.mark.parametrize("what", ["phone", "email"])
def test_a_column_of_contact_details_under_any_other_heading_is_refused_whole_at_each_cell(instrument, tmp_path, what):
    rows = with_column(ms_forms_rows(instrument), "Hur når vi dig?", [r[what] for r in RESPONDENTS])
    table = write(tmp_path, "svar.xlsx", xlsx(rows, sheet="Form1"))
    lines = refused(table, tmp_path / "orgs")
    kinds = {
        "phone": ["a phone number (07…)", "a phone number (+46…)"],
        "email": ["an e-mail address (a…@s…)", "an e-mail address (b…@s…)"],
    }
    assert lines[0].startswith(f"{table}:1: Hur når vi dig?: unknown column;") and lines[3:] == ["3 problems; nothing was written"]
    assert lines[1:3] == [
        f"{table}:{row}: Hur når vi dig?: holds {kind}{CONTACT} (cell Form1!AD{row})" for row, kind in zip((2, 3), kinds[what])
    ]
    assert [line for line in lines for word in PERSONAL if word.decode().lower() in line.lower()] == []  # never repeated


def test_one_phone_number_in_a_comment_column_is_an_error_at_its_cell_and_no_comment_is_lost(instrument, tmp_path):
    comments = ["Vi har infört kategoristyrning 2024; ca 30 procent av 1 500 000 kr.", f"Ring mig på {RESPONDENTS[1]['phone']}"]
    rows = with_column(ms_forms_rows(instrument), "Övriga kommentarer", comments)
    table = write(tmp_path, "svar.xlsx", xlsx(rows, sheet="Form1"))
    assert refused_once(table, tmp_path / "orgs") == f"{table}:3: kommentar: holds a phone number (+46…){CONTACT} (cell Form1!AD3)"
    rows[2][-1] = "Bra enkät, v. 12."
    table = write(tmp_path, "svar.xlsx", xlsx(rows, sheet="Form1"))
    orgs = tmp_path / "orgs"
    result = run_cli("import", str(table), "--datum", "2026-03-01", "--orgs", str(orgs))
    assert result.returncode == 0, result.stderr
    assert not any("Övriga kommentarer" in line for line in result.stdout.splitlines() if line.startswith("dropped"))
    (m,) = scores(instrument, orgs / "sjoby-kommun.yaml")[0].assessments
    assert [r.comment for r in m.respondents] == [comments[0], "Bra enkät, v. 12."]


def test_a_formula_without_a_saved_value_is_an_error_naming_the_cell(instrument, tmp_path):
    rows = ms_forms_rows(instrument)
    wb = openpyxl.load_workbook(io.BytesIO(xlsx(rows)))
    wb.active["K3"] = "=1+1"  # openpyxl, like any program but Excel, saves no value for it
    table = tmp_path / "svar.xlsx"
    wb.save(table)
    assert refused_once(table, tmp_path / "orgs") == (
        f"{table}:3: Vi har en organisationsövergripande pla…: cell K3 holds a formula (=1+1) with no saved value; "
        "open the file in Excel and save it, or paste the values as values"
    )


def test_utf8_text_with_a_stray_byte_is_refused_not_read_as_windows_1252(instrument, tmp_path):
    data = google_csv(google_forms_rows(instrument))
    second = data.index(b"\r\n", data.index(b"\r\n") + 2) + 2  # the start of row 3
    data = data[:second] + b'"Sj\xf6by"' + data[second:]  # Windows-1252 ö pasted into UTF-8 text
    table = write(tmp_path, "svar.csv", data)
    assert refused_once(table, tmp_path / "orgs") == (
        f"{table}:3: encoding: expected UTF-8 or Windows-1252, got UTF-8 text with a stray byte 0xF6 "
        "(a mix of both; some letters would come out wrong); save the file as CSV UTF-8 again"
    )


def test_a_missing_omfattning_is_reported_not_assumed(instrument, tmp_path):
    rows = google_forms_rows(instrument)
    rows[2][-2] = ""  # Bertil answered v3_uppfoljning but not what it covers
    table = write(tmp_path, "svar.csv", google_csv(rows))
    assert refused_once(table, tmp_path / "orgs") == (
        f"{table}:3: v3_uppfoljning_omfattning: missing; v3_uppfoljning is answered, so its omfattning is needed: "
        "delar av inköpsportföljen or hela inköpsportföljen (column Z)"
    )


def test_contact_details_in_a_comment_are_refused(instrument, tmp_path):
    rows = google_forms_rows(instrument)
    rows[0].append("Kommentar")
    rows[1].append("Ring mig gärna på 070-123 45 67")
    rows[2].append("Bra enkät")
    table = write(tmp_path, "svar.csv", google_csv(rows))
    assert refused_once(table, tmp_path / "orgs") == f"{table}:2: kommentar: holds a phone number (07…){CONTACT} (cell AB2)"


def test_answers_spelled_as_people_write_them_and_hints_that_keep_the_meaning(instrument, tmp_path):
    rows = google_forms_rows(instrument)
    rows[1][7] = "Instämer helt"  # a typo of "Instämmer helt" (= i hög grad), not of "Instämmer inte helt"
    rows[1][8] = "Instämmer alls"  # closest to "Instämmer inte alls", the opposite: no hint
    rows[2][7] = "Instämmer i hög grd"
    table = write(tmp_path, "svar.csv", google_csv(rows))
    expected = "expected 1–4, a label on the scale such as 'Instämmer delvis', or 'Vet ej'; got"
    assert refused(table, tmp_path / "orgs") == [
        f"{table}:2: v1_matt: {expected} 'Instämer helt' (column H; did you mean Instämmer i hög grad?)",
        f"{table}:2: v1_plan: {expected} 'Instämmer alls' (column I)",
        f"{table}:3: v1_matt: {expected} 'Instämmer i hög grd' (column H; did you mean Instämmer i hög grad?)",
        "3 problems; nothing was written",
    ]


def test_invisible_characters_in_labels_and_headings_are_read_as_the_text_they_look_like(instrument, tmp_path):
    # Pasted from Word or a PDF: a zero-width space, a soft hyphen, a word joiner. Each was refused
    # ("got 'Ja\\u200b' … did you mean Ja?") though the cell shows exactly the label.
    rows = google_forms_rows(instrument)
    plain = [list(r) for r in rows]
    rows[0][5] = rows[0][5].replace(" ", "\u2060 ", 1)
    rows[0][6] = rows[0][6].replace("inköpsverksamheten", "inköps\u00adverksamheten")
    rows[1][6] = rows[1][6] + "\u200b"
    rows[1][7] = rows[1][7].replace("Instämmer", "Instäm\u00admer")
    rows[2][8] = "\ufeff" + rows[2][8]
    assert rows != plain
    orgs = tmp_path / "orgs"
    result = run_cli("import", str(write(tmp_path, "svar.csv", google_csv(rows))), "--datum", "2026-03-01", "--orgs", str(orgs))
    assert result.returncode == 0, result.stderr
    _, result = scores(instrument, orgs / "sjoby-kommun.yaml")
    assert dict(result.assessments[0].overall.areas) == AREAS and dict(result.assessments[0].overall.axes) == AXES


@pytest.mark.parametrize("serial", [46082, "46082"])
def test_a_date_kept_as_excels_day_number_says_to_format_the_column_as_dates(instrument, tmp_path, serial):
    rows = with_column(ms_forms_rows(instrument), "datum", [serial, "2026-03-01"])
    table = write(tmp_path, "svar.xlsx", xlsx(rows))
    assert refused_once(table, tmp_path / "orgs") == (
        f"{table}:2: datum: expected a date written YYYY-MM-DD, got '46082' (column {openpyxl.utils.get_column_letter(len(rows[0]))}; "
        "a spreadsheet keeps a date as such a number in a column not formatted as dates: format it as dates)"
    )


# -- workbooks too big to be a survey export ------------------------------------------------


def test_a_sheet_that_claims_millions_of_cells_is_refused_at_once(instrument, tmp_path):
    table = write(tmp_path, "svar.xlsx", claims_millions_of_cells(xlsx(ms_forms_rows(instrument))))
    assert refused_once(table, tmp_path / "orgs") == (
        f"{table}:1: file: the first sheet declares 17 179 869 184 cells (A1:XFD1048576: 1 048 576 rows, 16 384 columns), "
        "expected at most 20 000 rows, 1 000 columns and 100 000 cells; this is not a survey export"
    )  # how fast, and in how little memory: `make bench` measures it


def test_shared_strings_that_explode_are_refused_before_loading(instrument, tmp_path):
    table = write(tmp_path, "svar.xlsx", exploding_shared_strings(xlsx(ms_forms_rows(instrument))))
    assert table.stat().st_size < 2_000_000
    lines = refused(table, tmp_path / "orgs")
    assert lines == [
        f"{table}:1: file: the workbook unpacks to 68 MB, expected at most 60 MB; this is not a survey export",
        "1 problem; nothing was written",
    ]


def test_a_persons_name_never_becomes_the_organisation_or_a_comment(instrument, tmp_path):
    """Headings about a person are dropped whatever else they say, and what a dropped column holds
    (the respondent's name) is refused wherever else it is typed."""
    rows = ms_forms_rows(instrument)
    org = next(i for i, h in enumerate(rows[0]) if h.startswith("Organisation"))
    rows = [r[: org + 1] + [c] + r[org + 1 :] for r, c in zip(rows, ["Organisation kontakt"] + ["Carl Berg"] * (len(rows) - 1))]
    table = write(tmp_path, "svar.xlsx", xlsx(rows))
    result = run_cli("import", str(table), "--datum", "2026-03-01", "--orgs", str(tmp_path / "orgs"))
    assert result.returncode == 0, result.stderr
    assert "'Organisation kontakt': never stored (a person's name or contact details)" in result.stdout
    assert "Carl Berg" not in "".join(p.read_text() for p in (tmp_path / "orgs").iterdir())
    name = rows[1][rows[0].index("Namn")]
    rows = [r + [c] for r, c in zip(rows, ["Kommentar"] + [f"Ring {name} om detta"] + [""] * (len(rows) - 2))]
    table = write(tmp_path, "svar2.xlsx", xlsx(rows))
    lines = refused(table, tmp_path / "orgs2")
    column = openpyxl.utils.get_column_letter(rows[0].index("Namn") + 1)
    assert (
        f"{table}:2: kommentar: holds what column {column} gives as a respondent's name or contact details; answer files never hold them: "
        f"remove it from cell Sheet1!{openpyxl.utils.get_column_letter(len(rows[0]))}2" in lines
    ), lines
    assert not any(name.casefold() in line.casefold() for line in lines)
