"""`build.py import`: survey exports (Swedish Excel CSV, real .xlsx) into answer files.

Round trip: every example organisation is exported to CSV and XLSX in several
dialects, imported into an empty folder, built, and must give the same scores.
Existing files are extended textually, duplicates refused, and every
unreadable cell reported as FILE:ROW: COLUMN: message with nothing written.
"""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.importer import (
    How,
    column_letter,
    export_rows,
    plan_import,
    rows_to_csv,
    rows_to_xlsx,
    wording_key,
)
from ambitionsgraf.problems import ContentError
from ambitionsgraf.scoring import score_organisation

from .conftest import ROOT, run_build, run_cli, tree
from .helpers import QUESTIONS

FIXTURES = ROOT / "tests" / "import_fixtures"
EXAMPLES = sorted((ROOT / "orgs").glob("*.yaml"))
SCORE_KEYS = (
    "datum",
    "respondenter",
    "axlar",
    "omraden",
    "kvadrant",
    "fragor",
    "steg",
    "prioriteringar",
    "saknas",
    "ofullstandiga_omraden",
    "roller",
    "kommentarer",
)


def load(instrument, path: Path, data: bytes | None = None):
    org, problems = parse_organisation(instrument, path, path.read_bytes() if data is None else data, str(path))
    assert problems == [], problems
    return org


# Export dialects: (file name, bytes from rows) and how the rows are written.
DIALECTS = {
    "labels-wording-utf8bom.csv": dict(labels=True, wording=True, write=lambda rows: rows_to_csv(rows)),
    # Windows-1252 cannot hold every comment (an emoji): Excel would write '?', so this dialect has no comments.
    "numbers-ids-cp1252.csv": dict(labels=False, wording=False, comments=False, write=lambda rows: rows_to_csv(rows, encoding="cp1252")),
    "labels-ids-comma-utf8.csv": dict(labels=True, wording=False, write=lambda rows: rows_to_csv(rows, encoding="utf-8", delimiter=",")),
    "numbers-ids.xlsx": dict(labels=False, wording=False, write=rows_to_xlsx),
    "labels-wording.xlsx": dict(labels=True, wording=True, write=rows_to_xlsx),
}


def export(instrument, org, folder: Path, name: str) -> Path:
    spec = DIALECTS[name]
    path = folder / name
    rows = export_rows(instrument, org, labels=spec["labels"], wording=spec["wording"])
    if spec.get("comments") is False:
        i = rows[0].index("kommentar")
        rows = [r[:i] + r[i + 1 :] for r in rows]
    path.write_bytes(spec["write"](rows))
    return path


def import_into(instrument, table: Path, orgs: Path, day: str | None = None):
    from ambitionsgraf.importer import write_changes

    changes = plan_import(instrument, table, orgs, datetime.date.fromisoformat(day) if day else None)
    write_changes(changes)
    return changes


# -- round trip ------------------------------------------------------------------


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_round_trip_gives_the_same_scores(instrument, tmp_path, example, dialect):
    original = load(instrument, example)
    table = export(instrument, original, tmp_path, dialect)
    orgs = tmp_path / "orgs"  # does not exist yet: the import creates it
    import_into(instrument, table, orgs)
    imported = load(instrument, orgs / example.name)
    assert imported.name == original.name and imported.type == original.type
    assert imported.published is False  # a new file is never published by an import
    assert [a.date for a in imported.assessments] == [a.date for a in original.assessments]
    comments = DIALECTS[dialect].get("comments", True)
    for a, b in zip(original.assessments, imported.assessments):
        assert [(r.role, r.answers, r.dont_know, r.comment if comments else None) for r in a.respondents] == [
            (r.role, r.answers, r.dont_know, r.comment) for r in b.respondents
        ]
    before = score_organisation(instrument, original)
    after = score_organisation(instrument, imported)
    assert [a.overall for a in before.assessments] == [a.overall for a in after.assessments]
    assert [a.questions for a in before.assessments] == [a.questions for a in after.assessments]
    assert [a.steps for a in before.assessments] == [a.steps for a in after.assessments]


@pytest.fixture(scope="module")
def example_scores(tmp_path_factory):
    out = tmp_path_factory.mktemp("examples") / "output"
    run_build(ROOT / "orgs", out)
    return out


def test_round_trip_through_a_real_build(instrument, tmp_path, example_scores):
    """Export every example (alternating CSV and XLSX), import into an empty folder, build, compare the delivery JSON."""
    orgs = tmp_path / "orgs"
    for i, example in enumerate(EXAMPLES):
        dialect = ("labels-wording-utf8bom.csv", "numbers-ids.xlsx")[i % 2]
        folder = tmp_path / example.stem
        folder.mkdir()
        result = run_cli("import", str(export(instrument, load(instrument, example), folder, dialect)), "--orgs", str(orgs))
        assert result.returncode == 0, result.stderr
        assert "wrote" in result.stdout
    out = tmp_path / "output"
    run_build(orgs, out)
    for example in EXAMPLES:
        want = json.loads((example_scores / "leverans" / f"{example.stem}.json").read_text())
        got = json.loads((out / "leverans" / f"{example.stem}.json").read_text())
        assert [{k: m[k] for k in SCORE_KEYS} for m in got["matningar"]] == [{k: m[k] for k in SCORE_KEYS} for m in want["matningar"]]
    # Imported files are not published, so the public site has none of them.
    assert not list((out / "site" / "data").glob("*.json"))


def test_importing_twice_is_refused_as_a_duplicate_round(instrument, tmp_path):
    table = export(instrument, load(instrument, ROOT / "orgs" / "norrvik.yaml"), tmp_path, "numbers-ids.xlsx")
    orgs = tmp_path / "orgs"
    first = run_cli("import", str(table), "--orgs", str(orgs))
    assert first.returncode == 0, first.stderr
    written = (orgs / "norrvik.yaml").read_bytes()
    second = run_cli("import", str(table), "--orgs", str(orgs))
    assert second.returncode == 1
    lines = second.stderr.splitlines()
    assert (
        lines[0]
        == f"{table}:2: datum: {orgs / 'norrvik.yaml'} already has an assessment on 2021-10-14 (line 6); was this file imported before? Nothing was written"
    )
    assert lines[1].startswith(f"{table}:6: datum: ") and "2023-10-12" in lines[1]
    assert lines[-1] == "2 problems; nothing was written"
    assert (orgs / "norrvik.yaml").read_bytes() == written
    assert sorted(p.name for p in orgs.iterdir()) == ["norrvik.yaml"]


# -- extending an existing file ------------------------------------------------------


def latest_round_table(instrument, folder: Path, example: str = "norrvik", drop_datum: bool = True) -> Path:
    org = load(instrument, ROOT / "orgs" / f"{example}.yaml")
    rows = export_rows(instrument, org, assessment_dates=[org.assessments[-1].date])
    if drop_datum:
        i = rows[0].index("datum")
        rows = [r[:i] + r[i + 1 :] for r in rows]
    path = folder / "enkat.csv"
    path.write_bytes(rows_to_csv(rows))
    return path


def test_a_new_round_is_appended_and_every_existing_byte_kept(instrument, tmp_path):
    orgs = tmp_path / "orgs"
    orgs.mkdir()
    shutil.copy(ROOT / "orgs" / "norrvik.yaml", orgs / "norrvik.yaml")
    old = (orgs / "norrvik.yaml").read_bytes()
    table = latest_round_table(instrument, tmp_path)
    result = run_cli("import", str(table), "--datum", "2026-03-01", "--orgs", str(orgs))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"extended {orgs / 'norrvik.yaml'}: new round 2026-03-01 (4 respondents)"
    new = (orgs / "norrvik.yaml").read_bytes()
    assert new.startswith(old)  # matningar is the last key: the round goes at the end
    appended = new[len(old) :].decode()
    assert appended.startswith(
        "  # Imported by build.py import from enkat.csv (rows 2, 3, 4, 5).\n  - datum: 2026-03-01\n    respondenter:\n      - roll: politisk_ledning\n"
    )
    org = load(instrument, orgs / "norrvik.yaml")
    assert [a.date.isoformat() for a in org.assessments] == ["2021-10-14", "2023-10-12", "2026-03-01"]
    assert org.published is True  # the file's own fields are untouched
    latest, same = org.assessments[-1], org.assessments[-2]
    assert [(r.role, r.answers, r.comment) for r in latest.respondents] == [(r.role, r.answers, r.comment) for r in same.respondents]


ODD_FILE = (
    "# An answer file written by hand, with CRLF line ends.\r\n"
    "namn: Testby kommun\r\n"
    "typ: kommun\r\n"
    "matningar:\r\n"
    "-   datum: 2022-01-10\r\n"
    "    # respondents from the first round\r\n"
    "    respondenter:\r\n"
    "    - roll: inkopschef\r\n"
    "      svar:\r\n"
    "        v1_mal: ja\r\n"
    "        # v1_matt: not asked\r\n"
    "\r\n"
    "# Publish when the board has seen it.\r\n"
    "publicerad: false\r\n"
    "# end"
)


def test_the_round_goes_after_the_list_even_when_other_keys_and_comments_follow(instrument, tmp_path):
    orgs = tmp_path / "orgs"
    orgs.mkdir()
    (orgs / "testby.yaml").write_bytes(ODD_FILE.encode())
    table = tmp_path / "t.csv"
    table.write_bytes(rows_to_csv([["slug", "namn", "typ", "roll", *QUESTIONS], ["testby", "", "", "Inköpschef", "Ja", "3"]]))
    import_into(instrument, table, orgs, "2024-02-02")
    new = (orgs / "testby.yaml").read_bytes().decode()
    cut = ODD_FILE.index("\r\n\r\n# Publish") + 2  # before the blank line and the comment that belong to publicerad
    head, tail = ODD_FILE[:cut], ODD_FILE[cut:]
    assert new.startswith(head) and new.endswith(tail)
    inserted = new[len(head) : len(new) - len(tail)]
    assert inserted == (
        "# Imported by build.py import from t.csv (row 2).\r\n"
        "-   datum: 2024-02-02\r\n"
        "    respondenter:\r\n"
        "      - roll: inkopschef\r\n"
        "        svar:\r\n"
        "          v1_mal: ja\r\n"
        "          v1_matt: 3\r\n"
    )
    org = load(instrument, orgs / "testby.yaml")
    assert [a.date.isoformat() for a in org.assessments] == ["2022-01-10", "2024-02-02"]


def test_a_flow_style_list_is_not_rewritten(instrument, tmp_path):
    orgs = tmp_path / "orgs"
    orgs.mkdir()
    (orgs / "flow.yaml").write_text(
        "namn: Flow\ntyp: kommun\nmatningar: [{datum: 2022-01-10, respondenter: [{roll: inkopschef, svar: {v1_mal: ja}}]}]\n"
    )
    table = tmp_path / "t.csv"
    table.write_bytes(rows_to_csv([["slug", "namn", "typ", "roll", *QUESTIONS], ["flow", "", "", "inkopschef", "nej"]]))
    with pytest.raises(ContentError) as exc:
        plan_import(instrument, table, orgs, datetime.date(2024, 1, 1))
    assert [str(p) for p in exc.value.problems] == [
        f"{table}:2: slug: {orgs / 'flow.yaml'}: matningar is written as a [flow] list; write it as a block list (one '- datum:' per entry) to import into it"
    ]


def test_dry_run_shows_a_diff_and_writes_nothing(instrument, tmp_path):
    orgs = tmp_path / "orgs"
    orgs.mkdir()
    shutil.copy(ROOT / "orgs" / "norrvik.yaml", orgs / "norrvik.yaml")
    before = tree(orgs)
    table = latest_round_table(instrument, tmp_path)
    result = run_cli("import", str(table), "--datum", "2026-03-01", "--orgs", str(orgs), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert tree(orgs) == before
    out = result.stdout.splitlines()
    assert out[0] == f"--- {orgs / 'norrvik.yaml'}" and out[1] == f"+++ {orgs / 'norrvik.yaml'}"
    added = [line[1:] for line in out if line.startswith("+") and not line.startswith("+++")]
    assert added[1] == "  - datum: 2026-03-01"
    assert not any(line.startswith("-") and not line.startswith("---") for line in out)  # nothing removed
    assert "nothing was written" in result.stderr


def test_a_new_file_gets_namn_and_typ_from_the_row_and_is_not_published(instrument, tmp_path):
    table = tmp_path / "ny.csv"
    rows = [["slug", "namn", "typ", "roll", "datum", *QUESTIONS, "v3_uppfoljning_omfattning", "v3_rapportering_frekvens"]]
    answers = ["Ja"] + ["Instämmer delvis"] * 11 + ["3", "2"] + ["4"] * 4 + ["Vet ej"]
    rows.append(["nyby", "Nyby kommun", "Kommun", "Inköpschef", "2026-03-01", *answers, "Delar", "per kvartal"])
    table.write_bytes(rows_to_csv(rows))
    orgs = tmp_path / "orgs"
    import_into(instrument, table, orgs, "2020-01-01")  # the datum column wins over --datum
    text = (orgs / "nyby.yaml").read_text()
    assert text.startswith('namn: "Nyby kommun"\ntyp: kommun\npublicerad: false\nmatningar:\n')
    assert "          v3_uppfoljning: {svar: 3, omfattning: delar}\n          v3_rapportering: {svar: 2, frekvens: kvartal}\n" in text
    assert "          h_nojdhet: vet_ej\n" in text
    org = load(instrument, orgs / "nyby.yaml")
    (a,) = org.assessments
    assert a.date == datetime.date(2026, 3, 1)
    assert [r.role for r in a.respondents] == ["inkopschef"]  # a row with no answers is refused: tests/test_handtyped.py
    assert a.respondents[0].answer("v3_uppfoljning").weight == 0.5


def test_rows_group_into_rounds_by_slug_and_date(instrument, tmp_path):
    header = ["slug", "namn", "typ", "roll", "datum", *QUESTIONS]
    rows = [header]
    for slug, day, role in [
        ("a-kommun", "2024-01-01", "inkopschef"),
        ("b-region", "", "verksamhet"),
        ("a-kommun", "2024-06-01", "verksamhet"),
        ("a-kommun", "2024-01-01", "politisk_ledning"),
    ]:
        rows.append([slug, slug.replace("-", " ").title(), slug.split("-")[1], role, day, "ja", "3"])
    table = tmp_path / "flera.xlsx"
    table.write_bytes(rows_to_xlsx(rows))
    changes = import_into(instrument, table, tmp_path / "orgs", "2024-03-03")
    assert [(c.shown.rsplit("/", 1)[-1], [(r.date.isoformat(), r.rows) for r in c.rounds]) for c in changes] == [
        ("a-kommun.yaml", [("2024-01-01", [2, 5]), ("2024-06-01", [4])]),
        ("b-region.yaml", [("2024-03-03", [3])]),
    ]
    a = load(instrument, tmp_path / "orgs" / "a-kommun.yaml")
    assert [[r.role for r in m.respondents] for m in a.assessments] == [["inkopschef", "politisk_ledning"], ["verksamhet"]]


# -- reading the dialects --------------------------------------------------------------


def test_swedish_excel_csv_in_windows_1252_with_question_wording_headers(instrument, tmp_path):
    """As Excel saves "CSV (semikolonavgränsad)": cp1252, ';', CRLF, the survey tool's headings."""
    path = FIXTURES / "enkat-excel-1252.csv"
    raw = path.read_bytes()
    assert b"\xe4" in raw and not raw.startswith(b"\xef\xbb\xbf")  # really Windows-1252
    (change,) = plan_import(instrument, path, tmp_path / "orgs", datetime.date(2026, 3, 1))
    org = parse_organisation(instrument, change.path, change.new.encode(), "x")[0]
    (a,) = org.assessments
    assert a.date == datetime.date(2026, 3, 1)
    r = a.respondents[0]
    assert r.role == "inkopschef"
    assert r.answer("v1_mal").value == "ja"
    assert r.answer("v1_matt").points == 3 and r.answer("v3_juridik").points == 4
    assert "v2_hallbarhet" in r.dont_know
    assert r.answer("v3_uppfoljning").option == "delar" and r.answer("v3_rapportering").option == "manad"
    assert a.respondents[1].role == "forvaltningsledning"


def test_an_xlsx_with_real_numbers_and_date_cells(instrument, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Slug", "Namn", "Typ", "Roll", "Datum", *QUESTIONS])
    ws.append(["xby", "Xby kommun", "kommun", "inkopschef", datetime.datetime(2025, 11, 3), "Ja", 3, 4.0, 2, 1])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    (change,) = plan_import(instrument, path, tmp_path / "orgs", None)
    org = parse_organisation(instrument, change.path, change.new.encode(), "x")[0]
    assert org.assessments[0].date == datetime.date(2025, 11, 3)
    assert [org.assessments[0].respondents[0].answer(q).points for q in QUESTIONS[1:5]] == [3, 4, 2, 1]


def test_headers_as_survey_tools_write_them(instrument):
    from ambitionsgraf.importer import Columns

    cols = Columns(instrument)
    assert cols.match("V1_MATT") == (("question", "v1_matt"), How.HEADING)
    assert cols.match("2. Vi har mått som kan användas i bedömningen av  framgång i förhållande till uppställda mål") == (
        ("question", "v1_matt"),
        How.WORDING,
    )
    assert cols.match("Fråga 10: Juridisk rådgivning och regelefterlevnad") == (("question", "v3_juridik"), How.WORDING)
    assert cols.match("Inköpsfunktionen ansvarar för: [Juridisk rådgivning och regelefterlevnad]") == (
        ("question", "v3_juridik"),
        How.WORDING,
    )
    assert cols.match("Hur väl stämmer påståendena? [Verksamheten är nöjd med stödet från inköpsfunktionen.]") == (
        ("question", "h_nojdhet"),
        How.WORDING,
    )
    assert cols.match("Roll") == (("roll", None), How.HEADING)
    assert cols.match("v3_uppfoljning_omfattning") == (("option", "v3_uppfoljning"), How.HEADING)
    assert cols.match("Vi har mått") is None
    assert wording_key("  Vi har MÅL för inköpsverksamheten, t.ex. i en inköpspolicy ") == wording_key(
        "Vi har mål för inköpsverksamheten, t.ex. i en inköpspolicy"
    )
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


# -- problems ---------------------------------------------------------------------------


def test_every_unreadable_cell_is_reported_with_row_and_column_and_nothing_is_written(tmp_path):
    path = FIXTURES / "enkat-fel.csv"
    orgs = tmp_path / "orgs"
    result = run_cli("import", str(path), "--orgs", str(orgs), "--datum", "2026-03-01")
    assert result.returncode == 1
    assert not orgs.exists()
    shown = str(path.relative_to(ROOT))
    expected = [
        f"{shown}:1: namn: missing column; expected a column headed namn (the organisation's name) or Organisation; "
        "Namn in a survey export is the respondent's own name and is never imported",
        f"{shown}:2: slug: expected lower-case a–z, 0–9 and hyphens, got 'Norrvik Kommun'; write norrvik-kommun (column A)",
        f"{shown}:2: v1_matt: expected 1–4, a label on the scale such as 'Instämmer delvis', or 'Vet ej'; got 'Instämer delvis' (column G; did you mean Instämmer delvis?)",
        f"{shown}:2: v1_plan: expected 1–4, a label on the scale such as 'Instämmer delvis', or 'Vet ej'; got '7' (column H)",
        f"{shown}:3: roll: expected politisk_ledning, forvaltningsledning, inkopschef or verksamhet, got 'Chef' (column D)",
        f"{shown}:3: v1_mal: expected Ja, Nej or Vet ej, got '3' (column F)",
        f"{shown}:3: v1_spendanalys: expected 1–4, a label on the scale such as 'Instämmer delvis', or 'Vet ej'; got '3,5' (column I; not a whole number)",
        f"{shown}:5: datum: expected a real date, got 2026-02-30 (no such day) (column E)",
        f"{shown}:5: v3_rapportering_frekvens: expected manad, kvartal or ar (or empty), got 'varje vecka' (column Z)",
        f"{shown}:5: v3_uppfoljning_omfattning: given, but v3_uppfoljning is not answered; fill in the answer or clear this cell (column Y)",
        "10 problems; nothing was written",
    ]
    assert result.stderr.splitlines() == expected


def test_row_numbers_are_spreadsheet_rows_even_with_line_breaks_in_a_cell(instrument, tmp_path):
    rows = [
        ["slug", "namn", "typ", "roll", "kommentar", *QUESTIONS],
        ["xby", "Xby", "kommun", "inkopschef", "två\nrader", "ja"],
        [],
        ["xby", "Xby", "kommun", "inkopschef", "", "kanske"],
    ]
    path = tmp_path / "x.csv"
    path.write_bytes(rows_to_csv(rows))
    with pytest.raises(ContentError) as exc:
        plan_import(instrument, path, tmp_path / "orgs", datetime.date(2026, 1, 1))
    assert [(p.line, p.field) for p in exc.value.problems] == [(4, "v1_mal")]


def test_header_problems(instrument, tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes(
        rows_to_csv([["slug", "namn", "roll", "v1_mal", "V1_MAL", "Vi har mått", *QUESTIONS[2:]], ["x", "X", "inkopschef", "ja", "ja"]])
    )
    with pytest.raises(ContentError) as exc:
        plan_import(instrument, path, tmp_path / "orgs", datetime.date(2026, 1, 1))
    assert sorted(str(p).split(": ", 1)[1] for p in exc.value.problems) == sorted(
        [
            "typ: missing column; expected a column headed typ",
            "v1_mal: two columns for v1_mal: D and E; keep one",
            "v1_matt: missing column for question 2; head it v1_matt or with the question's wording (leave its cells empty if the question was not asked)",
            "Vi har mått: unknown column; expected Organisation (or slug and namn), typ, roll, datum, kommentar, a question id or its wording, "
            "or v3_uppfoljning_omfattning / v3_rapportering_frekvens; delete columns the import does not need, or name them in a --map file (column F)",
        ]
    )
    assert {p.line for p in exc.value.problems} == {1}


def test_namn_or_typ_that_contradict_the_existing_file_are_refused(instrument, tmp_path):
    orgs = tmp_path / "orgs"
    orgs.mkdir()
    shutil.copy(ROOT / "orgs" / "norrvik.yaml", orgs / "norrvik.yaml")
    path = tmp_path / "x.csv"
    path.write_bytes(rows_to_csv([["slug", "namn", "typ", "roll", *QUESTIONS], ["norrvik", "Norrvik", "region", "inkopschef", "ja"]]))
    with pytest.raises(ContentError) as exc:
        plan_import(instrument, path, orgs, datetime.date(2026, 1, 1))
    assert [p.field for p in exc.value.problems] == ["namn", "typ"]
    assert "is the slug right?" in exc.value.problems[0].message


def test_no_date_anywhere_and_bad_date_option(instrument, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(rows_to_csv([["slug", "namn", "typ", "roll", *QUESTIONS], ["xby", "Xby", "kommun", "inkopschef", "ja"]]))
    with pytest.raises(ContentError) as exc:
        plan_import(instrument, path, tmp_path / "orgs", None)
    assert [str(p).split(": ", 1)[1] for p in exc.value.problems] == [
        "datum: no date: give --datum YYYY-MM-DD, or fill in the datum column"
    ]
    result = run_cli("import", str(path), "--datum", "1/3/2026", "--orgs", str(tmp_path / "orgs"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{path}:1: --datum: expected a date written YYYY-MM-DD, got '1/3/2026'"


def test_unsupported_and_unreadable_files(instrument, tmp_path):
    for name, data, message in [
        ("x.xls", b"\xd0\xcf\x11\xe0", "expected a .csv or .xlsx file, got 'x.xls'; save it as .xlsx or CSV"),
        ("x.xlsx", b"not a zip", "cannot be read as an Excel workbook (.xlsx)"),
        ("tom.csv", b"", "expected a header row"),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ContentError) as exc:
            plan_import(instrument, path, tmp_path / "orgs", datetime.date(2026, 1, 1))
        assert message in str(exc.value), str(exc.value)


def test_an_invalid_existing_file_is_reported_not_extended(instrument, tmp_path):
    orgs = tmp_path / "orgs"
    orgs.mkdir()
    (orgs / "xby.yaml").write_text(
        "namn: Xby\ntyp: kommun\nmatningar:\n  - datum: 2022-01-01\n    respondenter:\n      - roll: chef\n        svar: {}\n"
    )
    path = tmp_path / "x.csv"
    path.write_bytes(rows_to_csv([["slug", "namn", "typ", "roll", *QUESTIONS], ["xby", "", "", "inkopschef", "ja"]]))
    with pytest.raises(ContentError) as exc:
        plan_import(instrument, path, orgs, datetime.date(2026, 1, 1))
    lines = [str(p) for p in exc.value.problems]
    assert any(line.startswith(f"{path}:2: slug: ") and "has problems of its own" in line for line in lines)
    assert any(line.startswith(f"{orgs / 'xby.yaml'}:6: roll: ") for line in lines)


def test_excel_separator_hint_and_unicode_text(instrument, tmp_path):
    """Excel's `sep=;` first line, and "Unicode text" (UTF-16, tab-separated)."""
    header = ["slug", "namn", "typ", "roll", *QUESTIONS]
    row = ["xby", "Xby kommun", "kommun", "Inköpschef", "Ja", "Instämmer inte alls"]
    with_hint = tmp_path / "hint.csv"
    with_hint.write_bytes(
        b"sep=;\r\n" + rows_to_csv([header, row, ["xby", "Xby kommun", "kommun", "inkopschef", "kanske"]], encoding="cp1252")
    )
    with pytest.raises(ContentError) as exc:
        plan_import(instrument, with_hint, tmp_path / "orgs", datetime.date(2026, 1, 1))
    assert [(p.line, p.field) for p in exc.value.problems] == [(3, "v1_mal")]  # Excel hides the hint: the header is row 1
    utf16 = tmp_path / "unicode.txt"
    utf16.write_bytes(rows_to_csv([header, row], encoding="utf-16", delimiter="\t"))
    (change,) = plan_import(instrument, utf16, tmp_path / "orgs", datetime.date(2026, 1, 1))
    org = parse_organisation(instrument, change.path, change.new.encode(), "x")[0]
    assert org.assessments[0].respondents[0].answer("v1_matt").points == 1


@pytest.mark.parametrize("moment", [0.2, 0.5, 0.8, 0.95])
def test_a_stop_at_any_moment_leaves_the_answer_file_as_it_was_or_whole_and_says_which(instrument, tmp_path, moment):
    """SIGTERM during an import: the file is the old one or the new one whole, and what the import says
    matches which. The moments are fractions of this machine's own import time, measured here."""
    import signal
    import subprocess
    import sys
    import time

    orgs = tmp_path / "orgs"
    orgs.mkdir()
    shutil.copy(ROOT / "orgs" / "norrvik.yaml", orgs / "norrvik.yaml")
    before = (orgs / "norrvik.yaml").read_bytes()
    table = latest_round_table(instrument, tmp_path)
    command = [sys.executable, str(ROOT / "build.py"), "import", str(table), "--datum", "2026-03-01"]
    started = time.monotonic()
    assert subprocess.run([*command, "--dry-run", "--orgs", str(orgs)], capture_output=True).returncode == 0
    proc = subprocess.Popen([*command, "--orgs", str(orgs)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(moment * (time.monotonic() - started))
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    after = (orgs / "norrvik.yaml").read_bytes()
    assert sorted(p.name for p in orgs.iterdir()) == ["norrvik.yaml"]  # no staged file left behind
    if after == before:
        assert proc.returncode in (143, -signal.SIGTERM), (proc.returncode, err)
        assert proc.returncode == -signal.SIGTERM or "no answer file was written" in err, err
        assert "the previous output" not in err
    else:
        assert after.startswith(before) and load(instrument, orgs / "norrvik.yaml").assessments[-1].date.isoformat() == "2026-03-01"
        assert proc.returncode in (0, 143, -signal.SIGTERM), (proc.returncode, err)
        if proc.returncode == 143:
            assert "after the answer files were written, whole" in err, err
