"""Hand-typed mistakes that used to pass: each is refused (exit 1, the exact message, nothing
written) or, where harmless, noted without failing.

- A respondent with no answers at all (the untouched template from `new`), a round with no
  respondents: errors. Questions a respondent left out: notes, in the order of the file.
- Names and comments: control characters and direction controls refused, invisible
  characters removed with a note; names NFC-normalised; one name, one organisation.
- Slugs start with a letter or digit; `--only` and `new` suggest a slug on a typo; `new`
  leaves no file behind when it cannot write one.
- `import` keeps a file's permissions and writes through a symbolic link.
"""

from __future__ import annotations

import datetime
import os
import re
import stat
import unicodedata
from pathlib import Path

import pytest

from ambitionsgraf import answerfile
from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.importer import plan_import, rows_to_csv, write_changes
from ambitionsgraf.problems import ContentError

from .conftest import TEST_SITE_URL, run_cli, tree, write_orgs
from .helpers import QUESTIONS, answer_file, uniform

NO_ANSWERS = (
    "svar: expected this respondent's answers, at least one, got {got}; "
    "fill them in (vet_ej for a question asked but not answered), or remove the respondent"
)
DIRECTION = (
    "expected text without direction controls, got a right-to-left override (U+202E) after 'Norrviks'; "
    "it can make the text show in another order than it is written"
)
CONTROL = "expected text without control characters, got a control character (U+0007) after 'Norrviks'"
INVISIBLE = (
    "note: removed a zero width space (U+200B) after 'Norrviks', invisible and probably pasted in; "
    "delete it from the file to silence this note"
)


def complete(namn: str = "Testby kommun", **kw) -> str:
    """A valid file whose one respondent answers every question."""
    return answer_file([("2024-01-10", [("inkopschef", uniform(3))])], namn=namn, **kw)


def check(tmp_path: Path, *args: str):
    return run_cli("check", *args, cwd=tmp_path, timeout=60)


def build(tmp_path: Path, *args: str):
    """With the test address, as published builds have one (without, every build has a note)."""
    return run_cli("--orgs", "orgs", "--out", "out", "--no-pdf", "--site-url", TEST_SITE_URL, *args, cwd=tmp_path, timeout=120)


# Most files here have one respondent a round, which `check` notes (tests/test_one_respondent.py tests
# that note); it is not what these tests are about, so their lines leave it out.
ONE_PERSON = ": respondenter: note: one person answered this round"


def lines(text: str) -> list[str]:
    return [line for line in text.strip().splitlines() if ONE_PERSON not in line]


# -- a respondent without answers, a round without respondents ------------------------------


def test_the_untouched_template_from_new_fails_check_and_a_build_leaves_it_out_as_not_measured(tmp_path):
    made = run_cli("new", "nyby", "--namn", "Nyby kommun", "--typ", "kommun", "--datum", "2026-03-01", "--orgs", "orgs", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    checked = check(tmp_path, "orgs/nyby.yaml")
    assert checked.returncode == 1
    untouched = "orgs/nyby.yaml:14: " + NO_ANSWERS.format(got="nothing") + "; no respondent in this file has answers yet (not measured yet)"
    assert lines(checked.stderr) == [untouched]
    built = build(tmp_path)  # written ahead of the interviews: a note, and nothing of it in the output
    assert built.returncode == 0 and "note: not measured yet" in built.stderr and "orgs/nyby.yaml" in built.stderr
    assert not (tmp_path / "out" / "leverans" / "nyby.json").exists()  # not "1 intervjuade" with no point
    strict = build(tmp_path, "--strict")
    assert strict.returncode == 1 and untouched in lines(strict.stderr)


@pytest.mark.parametrize("svar,got", [("svar:", "nothing"), ("svar: {}", "an empty mapping {}")], ids=["empty", "braces"])
def test_a_respondent_without_answers_fails_check(tmp_path, svar, got):
    text = complete() + f"      - roll: verksamhet\n        {svar}\n"
    write_orgs(tmp_path / "orgs", {"testby.yaml": text})
    result = check(tmp_path, "--orgs", "orgs")
    assert result.returncode == 1 and result.stdout == ""
    assert lines(result.stderr) == ["orgs/testby.yaml:29: " + NO_ANSWERS.format(got=got)]


@pytest.mark.parametrize(
    "respondents,got", [("respondenter: []", "an empty list []"), ("respondenter:", "nothing")], ids=["brackets", "empty"]
)
def test_a_round_without_respondents_fails_check(tmp_path, respondents, got):
    text = complete() + f"  - datum: 2025-01-10\n    {respondents}\n"
    write_orgs(tmp_path / "orgs", {"testby.yaml": text})
    result = check(tmp_path, "--orgs", "orgs")
    assert result.returncode == 1
    assert lines(result.stderr) == [f"orgs/testby.yaml:29: respondenter: expected a list of respondents (- roll: …), got {got}"]


def test_left_out_questions_are_listed_as_notes_in_the_order_of_the_file_without_failing(tmp_path):
    later = ("2024-01-10", [("inkopschef", uniform(3, v1_plan=None, h_nojdhet=None)), ("verksamhet", uniform(2))])
    earlier = ("2021-01-10", [("politisk_ledning", uniform(4, v1_mal=None, v2_hallbarhet="vet_ej"))])
    write_orgs(tmp_path / "orgs", {"testby.yaml": answer_file([later, earlier])})  # the later round first in the file
    result = check(tmp_path, "--orgs", "orgs")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1 file OK\n"
    tail = "write vet_ej for a question asked but not answered, to silence this note"
    assert lines(result.stderr) == [
        f"orgs/testby.yaml:8: svar: note: 2 questions left out, counted as missing: v1_plan, h_nojdhet; {tail}",
        f"orgs/testby.yaml:50: svar: note: 1 question left out, counted as missing: v1_mal; {tail}",
    ]


# -- names and comments ----------------------------------------------------------------------

# (what the file holds, the line of the field, the field): namn, a round's and a respondent's comment
PLACES = {
    "namn": lambda text: (complete(namn=text), 1, "namn"),
    "round-kommentar": lambda text: (
        complete().replace("  - datum: 2024-01-10\n", f"  - datum: 2024-01-10\n    kommentar: {answerfile.quote(text)}\n"),
        6,
        "kommentar",
    ),
    "respondent-kommentar": lambda text: (
        answer_file([("2024-01-10", [("inkopschef", uniform(3))])], comments={(0, 0): text}),
        8,
        "kommentar",
    ),
}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("char,message", [("\u202e", DIRECTION), ("\x07", CONTROL)], ids=["U+202E", "U+0007"])
def test_direction_and_control_characters_are_refused_with_file_and_line(tmp_path, place, char, message):
    text, line, field = PLACES[place](f"Norrviks{char} kommun")
    write_orgs(tmp_path / "orgs", {"testby.yaml": text})
    result = check(tmp_path, "--orgs", "orgs")
    assert result.returncode == 1
    assert lines(result.stderr) == [f"orgs/testby.yaml:{line}: {field}: {message}"]


@pytest.mark.parametrize("place", PLACES)
def test_a_zero_width_space_is_removed_with_a_note(tmp_path, place, instrument):
    text, line, field = PLACES[place]("Norrviks\u200b kommun")
    write_orgs(tmp_path / "orgs", {"testby.yaml": text})
    result = check(tmp_path, "--orgs", "orgs")
    assert result.returncode == 0, result.stderr
    assert lines(result.stderr) == [f"orgs/testby.yaml:{line}: {field}: {INVISIBLE}"]
    org, problems = parse_organisation(instrument, Path("testby.yaml"), text.encode(), "testby.yaml")
    assert problems == []
    comments = [org.assessments[0].comment, org.assessments[0].respondents[0].comment]
    assert "Norrviks kommun" in [org.name, *comments] and not any("\u200b" in (c or "") for c in [org.name, *comments])


def test_a_line_break_is_refused_in_a_name_but_kept_in_a_comment(tmp_path, instrument):
    text, _, _ = PLACES["respondent-kommentar"]("rad ett\nrad två\tmed tab")
    org, problems = parse_organisation(instrument, Path("x.yaml"), text.encode(), "x.yaml")
    assert problems == [] and org.assessments[0].respondents[0].comment == "rad ett\nrad två\tmed tab"
    _, problems = parse_organisation(instrument, Path("x.yaml"), complete(namn="Norrviks\nkommun").encode(), "x.yaml")
    assert [str(p) for p in problems] == [
        "x.yaml:1: namn: expected text without control characters, got a line break (U+000A) after 'Norrviks'"
    ]


def test_the_build_refuses_what_check_refuses_and_writes_nothing(tmp_path):
    write_orgs(tmp_path / "orgs", {"testby.yaml": complete(namn="Norrviks\u202e kommun"), "ok.yaml": complete(namn="Ok kommun")})
    result = build(tmp_path)
    assert result.returncode == 1
    assert lines(result.stderr) == [f"orgs/testby.yaml:1: namn: {DIRECTION}", "1 file with problems; nothing was written"]
    assert not (tmp_path / "out").exists()


DECOMPOSED = unicodedata.normalize("NFD", "Åby kommun")


def test_names_are_nfc_normalised(instrument):
    assert DECOMPOSED != "Åby kommun"
    org, problems = parse_organisation(instrument, Path("aby.yaml"), complete(namn=DECOMPOSED).encode(), "aby.yaml")
    assert problems == [] and org.name == "Åby kommun"


def test_a_decomposed_and_a_composed_name_clash_in_check_and_in_the_build(tmp_path):
    write_orgs(
        tmp_path / "orgs",
        {"a.yaml": complete(namn=DECOMPOSED), "b.yaml": complete(namn="Åby kommun"), "c.yaml": complete(namn="Cby kommun")},
    )
    expected = [
        "orgs/a.yaml:1: namn: 'Åby kommun' is also the name in orgs/b.yaml; each organisation needs a name of its own",
        "orgs/b.yaml:1: namn: 'Åby kommun' is also the name in orgs/a.yaml; each organisation needs a name of its own",
    ]
    checked = check(tmp_path, "--orgs", "orgs")
    assert checked.returncode == 1 and lines(checked.stderr) == expected
    built = build(tmp_path)
    assert built.returncode == 1 and lines(built.stderr) == expected + ["2 files with problems; nothing was written"]
    assert not (tmp_path / "out").exists()


def test_a_name_another_file_has_is_an_error_naming_both_files(tmp_path):
    write_orgs(
        tmp_path / "orgs",
        {
            "norrvik.yaml": complete(namn="Norrviks kommun"),
            "norrvik2.yaml": complete(namn=" NORRVIKS  kommun"),
            "sydala.yaml": complete(namn="Sydala kommun"),
        },
    )
    expected = [
        "orgs/norrvik.yaml:1: namn: 'Norrviks kommun' is also the name in orgs/norrvik2.yaml (written 'NORRVIKS  kommun'); "
        "each organisation needs a name of its own",
        "orgs/norrvik2.yaml:1: namn: 'NORRVIKS  kommun' is also the name in orgs/norrvik.yaml (written 'Norrviks kommun'); "
        "each organisation needs a name of its own",
    ]
    result = check(tmp_path, "--orgs", "orgs")
    assert result.returncode == 1 and lines(result.stderr) == expected
    given = check(tmp_path, "orgs/norrvik.yaml", "orgs/norrvik2.yaml")
    assert given.returncode == 1 and lines(given.stderr) == expected
    assert check(tmp_path, "orgs/norrvik.yaml", "orgs/sydala.yaml").returncode == 0  # FILES: compared among themselves
    going = build(tmp_path, "--keep-going")  # neither can be the right one: both are skipped
    assert going.returncode == 1 and lines(going.stderr)[:2] == expected
    assert sorted(p.name for p in (tmp_path / "out" / "leverans").glob("*.json")) == ["sydala.json"]


def test_a_code_another_file_has_is_an_error_naming_both_files_in_check_and_the_build(tmp_path):
    # The case: one place written twice, so the follow-up counted Upplands Väsby twice in A2.
    write_orgs(
        tmp_path / "orgs",
        {
            "vasby.yaml": complete(namn="Upplands Väsby kommun", kod="0114"),
            "vasby2.yaml": complete(namn="Upplands Väsby", kod="0114"),
            "sydala.yaml": complete(namn="Sydala kommun", kod="0115"),
        },
    )
    expected = [
        'orgs/vasby.yaml:3: kod: "0114" is also the code in orgs/vasby2.yaml; one place needs one file '
        "(put its rounds under matningar: in one of them)",
        'orgs/vasby2.yaml:3: kod: "0114" is also the code in orgs/vasby.yaml; one place needs one file '
        "(put its rounds under matningar: in one of them)",
    ]
    errors = lambda text: [line for line in lines(text) if ": note: " not in line]  # noqa: E731 (a name's note is not the point)
    result = check(tmp_path, "--orgs", "orgs")
    assert result.returncode == 1 and errors(result.stderr) == expected
    assert check(tmp_path, "orgs/vasby.yaml", "orgs/sydala.yaml").returncode == 0  # FILES: compared among themselves
    built = build(tmp_path)
    assert built.returncode == 1 and errors(built.stderr) == expected + ["2 files with problems; nothing was written"]
    assert not (tmp_path / "out").exists()


# -- slugs ------------------------------------------------------------------------------------


def test_a_slug_starting_with_a_hyphen_is_refused(tmp_path):
    write_orgs(tmp_path / "orgs", {"-x.yaml": complete()})
    result = check(tmp_path, "--orgs", "orgs")
    assert result.returncode == 1
    assert lines(result.stderr) == [
        "orgs/-x.yaml:1: file name: expected a slug of a–z, 0–9 and hyphens, starting with a letter or digit, "
        "before .yaml, got '-x.yaml'; rename it x.yaml"
    ]


def test_only_suggests_the_closest_slug_on_a_typo(tmp_path):
    write_orgs(tmp_path / "orgs", {"norrvik.yaml": complete(namn="Norrviks kommun"), "sydala.yaml": complete(namn="Sydala kommun")})
    result = build(tmp_path, "--only", "norrvk")
    assert result.returncode == 1
    assert lines(result.stderr) == [
        "orgs/norrvk.yaml:1: --only: no valid answer file for this slug; did you mean norrvik?",
        "nothing was written",
    ]
    assert not (tmp_path / "out").exists()
    far = build(tmp_path, "--only", "xyz")
    assert lines(far.stderr) == ["orgs/xyz.yaml:1: --only: no valid answer file for this slug", "nothing was written"]


@pytest.mark.parametrize("slug,better", [("-nyby", "nyby"), ("Nyby", "nyby"), ("ny by", "ny-by")])
def test_new_suggests_a_slug_for_one_it_refuses_and_writes_nothing(tmp_path, slug, better):
    result = run_cli("new", "--namn", "Nyby kommun", "--typ", "kommun", "--orgs", "orgs", "--", slug, cwd=tmp_path)
    assert result.returncode == 1
    assert lines(result.stderr) == [
        f"orgs/{slug}.yaml:1: slug: {slug!r} is not a valid slug: use a–z, 0–9 and hyphens, "
        f"starting with a letter or digit; did you mean {better}?"
    ]
    assert not (tmp_path / "orgs").exists()


def test_new_refuses_a_name_another_file_has(tmp_path):
    write_orgs(tmp_path / "orgs", {"norrvik.yaml": complete(namn="Norrviks kommun")})
    before = tree(tmp_path)
    result = run_cli("new", "norrvik2", "--namn", "norrviks kommun", "--typ", "kommun", "--orgs", "orgs", cwd=tmp_path)
    assert result.returncode == 1
    assert lines(result.stderr) == [
        "orgs/norrvik2.yaml:1: namn: 'norrviks kommun' is also the name in orgs/norrvik.yaml "
        "(written 'Norrviks kommun'); each organisation needs a name of its own"
    ]
    assert tree(tmp_path) == before


# -- new: nothing left behind ---------------------------------------------------------------------


def test_new_with_a_name_it_cannot_write_leaves_no_file(tmp_path):
    # Not valid UTF-8 on the command line: Python hands it over as a lone surrogate, which no
    # answer file can hold (writing it used to leave an empty file behind).
    result = run_cli("new", "nyby", "--namn", "Nyby \udcc5", "--typ", "kommun", "--orgs", "orgs", cwd=tmp_path)
    assert result.returncode == 1
    assert lines(result.stderr) == ["orgs/nyby.yaml:1: namn: expected text in UTF-8, got a lone surrogate (U+DCC5) after 'Nyby'"]
    assert list(tmp_path.iterdir()) == []


def test_new_into_a_folder_it_cannot_make_leaves_no_file(tmp_path):
    (tmp_path / "fil").write_text("a regular file, not a folder")
    result = run_cli("new", "nyby", "--namn", "Nyby kommun", "--typ", "kommun", "--orgs", "fil/orgs", cwd=tmp_path)
    assert result.returncode == 1
    assert lines(result.stderr) == ["fil/orgs/nyby.yaml:1: file: cannot be written: Not a directory"]
    assert tree(tmp_path) == {"fil": b"a regular file, not a folder"}


def test_new_with_a_file_name_too_long_leaves_no_file(tmp_path):
    slug = "n" * 300
    result = run_cli("new", slug, "--namn", "Nyby kommun", "--typ", "kommun", "--orgs", "orgs", cwd=tmp_path)
    assert result.returncode == 1
    assert lines(result.stderr) == [f"orgs/{slug}.yaml:1: file: cannot be written: File name too long"]
    assert list((tmp_path / "orgs").iterdir()) == []


# -- import: permissions and links ------------------------------------------------------------------


def _round_csv(path: Path, slug: str = "xby") -> Path:
    rows = [
        ["slug", "namn", "typ", "roll", *QUESTIONS, "v3_uppfoljning_omfattning"],
        [slug, "Xby kommun", "kommun", "inkopschef", "Ja", *["3"] * 18, "hela inköpsportföljen"],
    ]
    path.write_bytes(rows_to_csv(rows))
    return path


def test_import_keeps_the_file_mode_and_writes_through_a_symbolic_link(tmp_path):
    shared = write_orgs(tmp_path / "shared", {"xby.yaml": complete(namn="Xby kommun")})
    (shared / "xby.yaml").chmod(0o640)
    orgs = tmp_path / "orgs"
    orgs.mkdir()
    (orgs / "xby.yaml").symlink_to("../shared/xby.yaml")
    result = run_cli("import", str(_round_csv(tmp_path / "enkat.csv")), "--datum", "2026-03-01", "--orgs", "orgs", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (orgs / "xby.yaml").is_symlink() and os.readlink(orgs / "xby.yaml") == "../shared/xby.yaml"
    assert stat.S_IMODE((shared / "xby.yaml").stat().st_mode) == 0o640
    assert "- datum: 2026-03-01" in (shared / "xby.yaml").read_text()
    assert sorted(p.name for p in shared.iterdir()) == ["xby.yaml"]  # no temporary file left
    plain = write_orgs(tmp_path / "plain", {"xby.yaml": complete(namn="Xby kommun")})
    (plain / "xby.yaml").chmod(0o640)
    again = run_cli("import", str(tmp_path / "enkat.csv"), "--datum", "2026-03-01", "--orgs", "plain", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert stat.S_IMODE((plain / "xby.yaml").stat().st_mode) == 0o640 and "- datum: 2026-03-01" in (plain / "xby.yaml").read_text()


def test_a_new_file_from_import_gets_the_usual_mode(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    result = run_cli("import", str(_round_csv(tmp_path / "enkat.csv")), "--datum", "2026-03-01", "--orgs", "orgs", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "orgs" / "xby.yaml").stat().st_mode) == 0o666 & ~umask  # not mkstemp's private 0600


def test_import_refuses_a_link_to_nowhere_and_writes_nothing(tmp_path):
    orgs = tmp_path / "orgs"
    orgs.mkdir()
    (orgs / "xby.yaml").symlink_to("../saknas/xby.yaml")
    result = run_cli("import", str(_round_csv(tmp_path / "enkat.csv")), "--datum", "2026-03-01", "--orgs", "orgs", cwd=tmp_path)
    assert result.returncode == 1
    assert lines(result.stderr) == [
        "orgs/xby.yaml:1: file: is a symbolic link to ../saknas/xby.yaml that does not exist; "
        "remove it, or make it lead to the answer file, and import again",
        "1 problem; nothing was written",
    ]
    assert [p.name for p in orgs.iterdir()] == ["xby.yaml"] and not (tmp_path / "saknas").exists()


def test_import_refuses_a_file_with_hard_links_or_changed_meanwhile(tmp_path, instrument):
    orgs = write_orgs(tmp_path / "orgs", {"xby.yaml": complete(namn="Xby kommun")})
    os.link(orgs / "xby.yaml", tmp_path / "kopia.yaml")
    before = tree(tmp_path)
    result = run_cli("import", str(_round_csv(tmp_path / "enkat.csv")), "--datum", "2026-03-01", "--orgs", "orgs", cwd=tmp_path)
    assert result.returncode == 1
    assert lines(result.stderr)[0].startswith("orgs/xby.yaml:1: file: has 2 names (hard links)")
    assert tree(tmp_path) == before | {"enkat.csv": (tmp_path / "enkat.csv").read_bytes()}
    (tmp_path / "kopia.yaml").unlink()
    changes = plan_import(instrument, tmp_path / "enkat.csv", orgs, datetime.date(2026, 3, 1))
    (orgs / "xby.yaml").write_text(complete(namn="Xby kommun") + "# edited meanwhile\n")
    with pytest.raises(ContentError) as exc:
        write_changes(changes)
    assert [p.message for p in exc.value.problems] == ["changed while importing; run the import again"]
    assert (orgs / "xby.yaml").read_text().endswith("# edited meanwhile\n")


def test_import_refuses_a_row_without_answers_and_writes_nothing(tmp_path):
    """A respondent without answers is refused in an imported file as in a typed one, at its row."""
    rows = [
        ["slug", "namn", "typ", "roll", *QUESTIONS, "v3_uppfoljning_omfattning"],
        ["xby", "Xby kommun", "kommun", "inkopschef", "Ja", *["3"] * 18, "hela inköpsportföljen"],
        ["xby", "Xby kommun", "kommun", "verksamhet", *[""] * 19, ""],
    ]
    (tmp_path / "enkat.csv").write_bytes(rows_to_csv(rows))
    result = run_cli("import", "enkat.csv", "--datum", "2026-03-01", "--orgs", "orgs", cwd=tmp_path)
    assert result.returncode == 1
    assert "enkat.csv:3: svar: no answer in this row; a respondent needs at least one (fill the row in, or delete it)" in result.stderr, (
        result.stderr
    )
    assert lines(result.stderr)[-1].endswith("nothing was written") and not (tmp_path / "orgs").exists()


def test_import_refuses_a_direction_control_in_a_comment_at_its_cell_and_removes_invisible_ones(tmp_path):
    rows = [
        ["slug", "namn", "typ", "roll", "kommentar", *QUESTIONS, "v3_uppfoljning_omfattning"],
        ["xby", "Xby\u200b kommun", "kommun", "inkopschef", "Bra \u202eplan", "Ja", *["3"] * 18, "hela inköpsportföljen"],
    ]
    (tmp_path / "enkat.csv").write_bytes(rows_to_csv(rows))
    result = run_cli("import", "enkat.csv", "--datum", "2026-03-01", "--orgs", "orgs", cwd=tmp_path)
    assert result.returncode == 1 and not (tmp_path / "orgs").exists()
    assert re.search(r"enkat\.csv:2: kommentar: expected text without direction controls, got .*\(cell E2\)", result.stderr), result.stderr
    rows[1][4] = "Bra plan"
    (tmp_path / "enkat.csv").write_bytes(rows_to_csv(rows))
    result = run_cli("import", "enkat.csv", "--datum", "2026-03-01", "--orgs", "orgs", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert 'namn: "Xby kommun"' in (tmp_path / "orgs" / "xby.yaml").read_text()  # the zero-width space is gone


def test_import_takes_one_organisation_spelled_two_ways_and_hints_ej_as_inte(tmp_path):
    head = ["slug", "namn", "typ", "roll", *QUESTIONS, "v3_uppfoljning_omfattning"]
    rows = [
        head,
        ["xby", "Xby kommun", "kommun", "inkopschef", "Ja", *["3"] * 18, "hela inköpsportföljen"],
        ["xby", "xby  KOMMUN", "kommun", "verksamhet", "Ja", *["2"] * 18, "hela inköpsportföljen"],
    ]
    (tmp_path / "enkat.csv").write_bytes(rows_to_csv(rows))
    result = run_cli("import", "enkat.csv", "--datum", "2026-03-01", "--orgs", "orgs", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert 'namn: "Xby kommun"' in (tmp_path / "orgs" / "xby.yaml").read_text()  # the first spelling
    rows[2][5] = "Instämmer ej helt"
    (tmp_path / "enkat2.csv").write_bytes(rows_to_csv(rows))
    result = run_cli("import", "enkat2.csv", "--datum", "2026-04-01", "--orgs", "orgs2", cwd=tmp_path)
    assert result.returncode == 1
    assert "'Instämmer ej helt' (column F; did you mean Instämmer inte helt?)" in result.stderr, result.stderr


# -- import: killed outright while its files go in ------------------------------------------------

_KILLED_AFTER_FIRST_FILE = """
import os, sys
sys.path.insert(0, sys.argv[1])
from ambitionsgraf import atomic
real, placed = atomic.place, []
def place(*args, **kwargs):
    real(*args, **kwargs)
    placed.append(args[1])
    if any(p.name.endswith(".yaml") for p in placed):  # the first answer file in place (after the journal), then killed
        os._exit(137)  # as SIGKILL or a power cut would: no handler, no finally
atomic.place = place
import importlib.util
spec = importlib.util.spec_from_file_location("build_py", os.path.join(sys.argv[1], "build.py"))
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)
sys.exit(build.main(sys.argv[2:]))
"""


def test_an_import_killed_while_its_files_go_in_is_finished_by_the_next_command(tmp_path):
    import subprocess
    import sys

    from .conftest import ROOT

    rows = [["slug", "namn", "typ", "roll", *QUESTIONS, "v3_uppfoljning_omfattning"]]
    for slug, name in (("aby", "Aby kommun"), ("bby", "Bby kommun"), ("cby", "Cby kommun")):
        rows.append([slug, name, "kommun", "inkopschef", "Ja", *["3"] * 18, "hela inköpsportföljen"])
    (tmp_path / "enkat.csv").write_bytes(rows_to_csv(rows))
    orgs = tmp_path / "orgs"
    orgs.mkdir()
    args = [str(ROOT), "import", "enkat.csv", "--datum", "2026-03-01", "--orgs", "orgs"]
    killed = subprocess.run([sys.executable, "-c", _KILLED_AFTER_FIRST_FILE, *args], cwd=tmp_path, capture_output=True, text=True)
    assert killed.returncode == 137
    assert len(list(orgs.glob("*.yaml"))) == 1  # one of three in place: half an import, as the kill left it
    checked = run_cli("check", "--orgs", "orgs", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "finished an import that was stopped while writing its files (2 of 3 put in place now)" in checked.stderr
    assert sorted(p.name for p in orgs.iterdir()) == ["aby.yaml", "bby.yaml", "cby.yaml"]  # no journal, no staged file left
    again = run_cli("check", "--orgs", "orgs", cwd=tmp_path)
    assert again.returncode == 0 and "finished an import" not in again.stderr
    imported = run_cli("import", "enkat.csv", "--datum", "2026-03-01", "--orgs", "orgs", "--dry-run", cwd=tmp_path)
    assert imported.returncode == 1 and "2026-03-01" in imported.stderr  # the round is there, whole, in every file
