"""Every file the tool reads is a regular file within a size, checked before it is opened; a
survey export within the limits or refused at once; at most 50 problems printed."""

from __future__ import annotations

import os
import re
import time

import pytest

from ambitionsgraf import sheet_limits
from ambitionsgraf.importer import read_table
from ambitionsgraf.pipeline import BuildOptions, build
from ambitionsgraf.pipeline.output import out_key
from ambitionsgraf.problems import ContentError

from . import hostile_exports as h
from .conftest import ROOT, run_cli, write_orgs
from .helpers import answer_file, uniform
from .survey_exports import google_csv, ms_forms_rows, xlsx

VALID = answer_file([("2024-01-10", [("inkopschef", uniform(3))])])
KINDS = {
    "named pipe": (lambda p: os.mkfifo(p), "is not a regular file but a named pipe (FIFO)"),
    "link to /dev/zero": (lambda p: p.symlink_to("/dev/zero"), "is not a regular file but a character device"),
    "folder": (lambda p: p.mkdir(), "is a folder, not "),
    "too large": (lambda p: p.write_bytes(b"#" * 1_000_001), "expected at most 1 000 000 bytes, got 1 000 001"),
}


def _first_problem(result) -> str:
    return result.stderr.splitlines()[0] if result.stderr else ""


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("role", ["import-csv", "import-xlsx", "self-assessment", "--map", "--settings", "check", "build"])
def test_every_path_read_is_a_regular_file_within_its_size_checked_before_it_is_opened(tmp_path, role, kind):
    make, message = KINDS[kind]
    orgs = write_orgs(tmp_path / "orgs", {"a.yaml": VALID})
    name = {"import-csv": "svar.csv", "import-xlsx": "svar.xlsx"}.get(role, "x.yaml")
    bad = (orgs if role == "build" else tmp_path) / name
    make(bad)
    if role == "check":
        args = ["check", str(bad)]
    elif role == "build":
        args = ["--orgs", str(orgs), "--out", str(tmp_path / "out"), "--no-pdf"]
    elif role == "--settings":
        args = ["--orgs", str(orgs), "--out", str(tmp_path / "out"), "--no-pdf", "--settings", str(bad)]
    elif role == "--map":
        (tmp_path / "svar.csv").write_bytes(google_csv(ms_forms_rows_of()))
        args = ["import", str(tmp_path / "svar.csv"), "--map", str(bad), "--dry-run", "--orgs", str(orgs)]
    else:
        args = ["import", str(bad), "--datum", "2026-03-01", "--dry-run", "--orgs", str(orgs)]
    if kind == "too large" and role.startswith("import-"):
        bad.unlink()
        with open(bad, "wb") as fh:  # sparse: the size is what is refused, before a byte is read
            fh.truncate(20_000_001)
        message = "expected at most 20 000 000 bytes, got 20 000 001; this is not a survey export"
    result = run_cli(*args, cwd=tmp_path, timeout=60)  # a pipe read would block here: the timeout fails the test
    assert result.returncode == 1
    assert not (tmp_path / "out").exists()
    first = _first_problem(result)
    assert re.fullmatch(rf"\S*{re.escape(name)}:1: file: .+", first), first
    assert message in first, first
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def ms_forms_rows_of():
    from ambitionsgraf.instrument import load_instrument

    return ms_forms_rows(load_instrument(ROOT / "content" / "instrument.yaml"))


def test_a_map_nested_fifty_thousand_deep_is_a_problem_on_its_line_not_a_recursion_error(tmp_path):
    (tmp_path / "svar.csv").write_bytes(google_csv(ms_forms_rows_of()))
    (tmp_path / "karta.yaml").write_text('"Organisation": ' + "[" * 50_000 + "]" * 50_000 + "\n")
    result = run_cli("import", "svar.csv", "--map", "karta.yaml", "--dry-run", "--orgs", "orgs", cwd=tmp_path, timeout=60)
    assert result.returncode == 1 and "RecursionError" not in result.stderr and "internal error" not in result.stderr
    assert _first_problem(result) == (
        "karta.yaml:1: syntax: expected lists and mappings nested at most 20 deep, got more; this is not a map file"
    )


@pytest.mark.parametrize("where", ["cache folder a file", "lock a folder", "lock a pipe", "lock a link"])
def test_a_cache_folder_or_lock_that_is_not_what_it_should_be_is_a_clear_error(tmp_path, where):
    orgs = write_orgs(tmp_path / "orgs", {"a.yaml": VALID})
    out, cache = tmp_path / "out", tmp_path / "cache"
    lock = cache / f"{out_key(out)}.lock"
    if where == "cache folder a file":
        cache.write_text("x")
        blocker, said = cache, "is a file, not a folder"
    else:
        cache.mkdir()
        {
            "lock a folder": lock.mkdir,
            "lock a pipe": lambda: os.mkfifo(lock),
            "lock a link": lambda: lock.symlink_to(tmp_path / "elsewhere"),
        }[where]()
        blocker, said = lock, {"lock a folder": "is a folder", "lock a pipe": "named pipe", "lock a link": "symbolic link"}[where]
    with pytest.raises(ContentError) as raised:
        build(BuildOptions(project_dir=ROOT, orgs_dir=orgs, out_dir=out, make_pdf=False, cache_dir=cache))
    (problem,) = raised.value.problems
    assert problem.path == str(blocker) and problem.line == 1 and problem.field == "cache" and said in problem.message
    assert not out.exists()


# -- survey exports past a limit: refused at once, before the expensive parse -------------------------


@pytest.mark.parametrize(
    "make, name, said",
    [
        (h.empty_cells, "celler.xlsx", "its first sheet holds more than 800 000 elements"),
        (h.styles_bomb, "stilar.xlsx", "its styles (xl/styles.xml) hold more than 20 000 elements"),
        (h.shared_strings_bomb, "strangar.xlsx", "its shared strings hold more than 600 000 elements"),
        (h.csv_columns, "kolumner.csv", "expected at most 1 000 columns, got 2 000 000"),
    ],
    ids=["14-million-empty-cells", "styles-bomb", "shared-strings", "two-million-columns"],
)
def test_the_issues_small_costly_files_are_refused_in_under_a_second(tmp_path, make, name, said):
    data = make()
    assert len(data) < 10_000_000
    path = tmp_path / name
    path.write_bytes(data)
    started = time.process_time()
    table, problems = read_table(path, name)
    assert time.process_time() - started < 1.0
    assert table is None and len(problems) == 1
    assert problems[0].path == name and problems[0].field == "file"
    assert said in problems[0].message and problems[0].message.endswith("this is not a survey export")


SMALL = sheet_limits.Limits(rows=5, columns=4, cells=12, unpacked=60_000_000, sheet_tags=400, style_tags=200, shared_tags=80)


@pytest.mark.parametrize(
    "rows, columns, refused",
    [
        (5, 2, None),
        (6, 2, "rows"),
        (3, 4, None),
        (2, 5, "columns"),
        (4, 3, None),
        (5, 3, "cells"),
    ],
)
def test_a_csv_at_each_limit_is_read_and_one_past_it_refused(rows, columns, refused):
    text = "\n".join(";".join("x" for _ in range(columns)) for _ in range(rows)) + "\n"
    records, problems = sheet_limits.csv_records(text, ";", "t.csv", SMALL)
    if refused is None:
        assert problems == [] and len(records) == rows
    else:
        assert records is None and f"expected at most {getattr(SMALL, refused)} {refused}" in problems[0].message


def _sheet_of(cells: int, formula: bool = False, dimension: bool = True) -> bytes:
    row = b"".join(b'<c r="A%d"><v>1</v></c>' % (i + 1) for i in range(cells))
    if formula:
        row = b'<c r="B1"><f>1+1</f><v>2</v></c>' + row
    return h.sheet(b'<row r="1">' + row + b"</row>", b"A1:B1" if dimension else None)


def _tags(data: bytes, part: str) -> int:
    import io
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).read(part).count(b"<")


@pytest.mark.parametrize("formula, dimension, passes", [(False, True, 1), (True, True, 2), (False, False, 2), (True, False, 4)])
def test_the_sheets_elements_count_once_for_each_pass_that_reads_them(formula, dimension, passes):
    limits = sheet_limits.Limits(sheet_tags=1_000)
    for cells in range(1, 400, 7):
        data = h.workbook(_sheet_of(cells, formula, dimension))
        problems, has_formula = sheet_limits.xlsx_problems(data, "t.xlsx", limits)
        assert has_formula == formula
        assert bool(problems) == (_tags(data, "xl/worksheets/sheet1.xml") * passes > limits.sheet_tags), cells


def test_styles_and_shared_strings_at_their_limits_are_read_and_one_element_more_refused():
    for xfs in range(150, 230):
        data = h.workbook(_sheet_of(1), styles_part=h.styles(xfs))
        problems, _ = sheet_limits.xlsx_problems(data, "t.xlsx", SMALL)
        assert bool(problems) == (_tags(data, "xl/styles.xml") > SMALL.style_tags), xfs
    for strings in range(1, 30):
        data = h.workbook(_sheet_of(1), strings=h.shared_strings([b"x"] * strings))
        problems, _ = sheet_limits.xlsx_problems(data, "t.xlsx", SMALL)
        assert bool(problems) == (_tags(data, "xl/sharedStrings.xml") > SMALL.shared_tags), strings


def test_a_workbook_read_cell_by_cell_stops_at_the_cell_limit(tmp_path, monkeypatch):
    """Cells are counted as they are read too (a sheet's dimension may say less than it holds):
    row 21 is the first past 200 cells of ten columns."""
    from ambitionsgraf.importer import tables as importer  # the module that reads a workbook against LIMITS

    rows = [[f"k{c}" for c in range(10)]] + [[str(r)] * 10 for r in range(30)]
    path = tmp_path / "svar.xlsx"
    path.write_bytes(xlsx(rows))
    monkeypatch.setattr(importer, "LIMITS", sheet_limits.Limits(cells=200))
    table, problems = read_table(path, "svar.xlsx")
    assert table is None and problems[0].line == 21 and "expected at most 200 cells, got more by row 21" in problems[0].message
    monkeypatch.setattr(importer, "LIMITS", sheet_limits.Limits(cells=310))
    table, problems = read_table(path, "svar.xlsx")
    assert problems == [] and len(table.rows) == 31


def test_a_formula_is_still_found_when_only_the_workbook_with_a_formula_is_read_twice(tmp_path):
    rows = [["slug", "namn"], ["=1+1", "x"]]
    path = tmp_path / "svar.xlsx"
    path.write_bytes(xlsx(rows))  # openpyxl saves no value for a formula
    table, problems = read_table(path, "svar.xlsx")
    assert table is None and "cell A2 holds a formula (=1+1) with no saved value" in problems[0].message


# -- at most 50 problems printed ---------------------------------------------------------------


def test_at_most_fifty_problems_are_printed_then_how_many_more(tmp_path):
    orgs = write_orgs(tmp_path / "orgs", {f"o{i:02d}.yaml": "namn: [\n" for i in range(73)})
    result = run_cli("check", "--orgs", str(orgs))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 51 and all(re.match(r"\S+o\d\d\.yaml:\d+: ", line) for line in lines[:50])
    assert lines[50] == "… and 23 more; fix these and run again to see the rest"
    assert lines[:50] == sorted(lines[:50])  # the first ones, in file order


def test_a_build_cache_past_its_size_is_set_aside_unread_with_a_note(tmp_path):
    from ambitionsgraf.pipeline.cache import BuildCache
    from ambitionsgraf.safe_read import MAX_CACHE

    orgs, out, cache_dir = write_orgs(tmp_path / "orgs", {"a.yaml": VALID}), tmp_path / "out", tmp_path / "cache"
    build(BuildOptions(project_dir=ROOT, orgs_dir=orgs, out_dir=out, make_pdf=False, cache_dir=cache_dir))
    path = BuildCache(cache_dir, out, "").path
    with open(path, "r+b") as fh:  # sparse: refused by its size, before a byte is read
        fh.truncate(MAX_CACHE + 1)
    (orgs / "a.yaml").write_text(VALID.replace("2024-01-10", "2024-01-11"))
    summary = build(BuildOptions(project_dir=ROOT, orgs_dir=orgs, out_dir=out, make_pdf=False, cache_dir=cache_dir))
    assert summary.notes == [
        f"build cache {path} could not be read: expected at most 256 000 000 bytes, got 256 000 001; "
        "this is not a build cache; it was ignored and is written anew"
    ]
    assert path.stat().st_size < 1_000_000  # written anew


# -- a workbook of several sheets: the first row of each is read, then one, within the same budget --------


def _first_row_tags(data: bytes, part: str) -> int:
    import io
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(data)).read(part)
    return xml[: xml.index(b"</row>") + len(b"</row>")].count(b"<")


@pytest.mark.parametrize("formula", [False, True])
def test_with_several_sheets_each_first_row_counts_once_and_the_sheet_read_once_for_each_pass(formula):
    limits = sheet_limits.Limits(sheet_tags=1_000)
    info = h.sheet(b'<row r="1"><c r="A1" t="inlineStr"><is><t>Instruktioner</t></is></c></row>', b"A1")
    for cells in range(1, 400, 7):
        data = h.two_sheets(info, _sheet_of(cells, formula))
        problems, sheets = sheet_limits.measure_xlsx(data, "t.xlsx", limits)
        probe = _first_row_tags(data, "xl/worksheets/sheet1.xml") + _first_row_tags(data, "xl/worksheets/sheet2.xml")
        assert [s.first_row for s in sheets] == [_first_row_tags(data, f"xl/worksheets/sheet{n}.xml") for n in (1, 2)]
        work = _tags(data, "xl/worksheets/sheet2.xml") * (2 if formula else 1) + probe
        assert bool(problems) == (work > limits.sheet_tags), cells
        if problems and _tags(data, "xl/worksheets/sheet2.xml") <= limits.sheet_tags:
            assert "elements to read: the first row of each of its 2 sheets, then sheet 'Svar'" in problems[0].message
        elif problems:
            assert problems[0].message.startswith("its sheet 'Svar' holds more than 1 000 elements")


def test_an_instructions_sheet_before_a_costly_sheet_is_still_refused_at_once(tmp_path):
    info = h.sheet(b'<row r="1"><c r="A1" t="inlineStr"><is><t>Instruktioner</t></is></c></row>', b"A1")
    path = tmp_path / "celler.xlsx"
    path.write_bytes(h.two_sheets(info, h.empty_cells_sheet()))
    started = time.process_time()
    table, problems = read_table(path, "celler.xlsx")
    assert time.process_time() - started < 1.0
    assert table is None and len(problems) == 1
    assert problems[0].message == "its sheet 'Svar' holds more than 800 000 elements; this is not a survey export"


def test_merged_ranges_are_read_from_the_sheets_text_as_it_unpacks_also_across_its_chunks():
    """60 000 merged ranges (about 2 MB, two of the scan's chunks): each found once, in order."""
    refs = [b"A%d:C%d" % (r, r + 1) for r in range(2, 60_002)]
    merges = b'<mergeCells count="%d">' % len(refs) + b"".join(b'<mergeCell ref="' + r + b'"/>' for r in refs) + b"</mergeCells>"
    data = h.workbook(h.sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>', b"A1").replace(b"</worksheet>", merges + b"</worksheet>"))
    problems, (sheet,) = sheet_limits.measure_xlsx(data, "t.xlsx")
    assert problems == [] and list(sheet.merged) == [r.decode() for r in refs]
