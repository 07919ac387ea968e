"""An organisation's name: one rule (text.check_name) for check, the build, new and the imports.

Invisible and format characters are removed with a note, so two names that look alike compare
alike and clash; noncharacters and controls are refused; a name holds a letter; a character
carries at most two combining marks; a name never begins a spreadsheet formula. `new` refuses
exactly what `check` refuses in the file it would write (compared over generated names).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ambitionsgraf import answerfile
from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.problems import ContentError
from ambitionsgraf.template import new_answer_file
from ambitionsgraf.text import check_free_text

from .conftest import run_cli

SETTINGS = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DIRECTION_CONTROLS = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def file_with(name: str) -> bytes:
    rounds = [answerfile.Round("2026-03-01", [answerfile.Respondent("inkopschef", {"v1_matt": 3})])]
    return answerfile.answer_file(name, "kommun", rounds).encode("utf-8")


def check(instrument, name: str):
    """(the name as read, the problems on namn, the notes on namn) of a file with this name."""
    notes: list = []
    org, problems = parse_organisation(instrument, Path("orgs/x.yaml"), file_with(name), "orgs/x.yaml", notes)
    return (org.name if org else None), [p.message for p in problems if p.field == "namn"], [p.message for p in notes if p.field == "namn"]


def new(instrument, tmp_path, name: str) -> list[str]:
    """The problems on namn that `build.py new` reports for this name (none: it would write the file)."""
    try:
        new_answer_file(instrument, tmp_path / "orgs", "x", name, "kommun", "2026-03-01")
    except ContentError as exc:
        return [p.message for p in exc.problems if p.field == "namn"]
    return []


@pytest.mark.parametrize(
    "hidden", ["\u00ad", "\u034f", "\u2061", "\U000e0041\U000e007f", "\ufe0f", "\u3164", "\u2800", "\u200b", "\u115f", "\ufe00"]
)
def test_an_invisible_character_in_a_name_is_removed_with_a_note_and_the_lookalike_clashes(instrument, tmp_path, hidden):
    name, problems, notes = check(instrument, f"Region Älv{hidden}dal")
    assert (name, problems) == ("Region Älvdal", [])
    assert len(notes) == 1 and notes[0].startswith("note: removed ") and "invisible" in notes[0]
    orgs = tmp_path / "orgs"
    orgs.mkdir()
    (orgs / "a.yaml").write_bytes(file_with("Region Älvdal"))
    (orgs / "b.yaml").write_bytes(file_with(f"Region Älv{hidden}dal"))
    result = run_cli("check", "--orgs", str(orgs))
    assert result.returncode == 1
    assert f"{orgs / 'b.yaml'}:1: namn: 'Region Älvdal' is also the name in {orgs / 'a.yaml'}" in result.stderr


def test_every_format_character_is_removed_or_refused_in_names_and_comments():
    """Unicode's category Cf, from the running Python's own database: the direction controls are refused,
    every other one removed with a note (text.py lists them; a newer Unicode adds some)."""
    for code in range(0x110000):
        char = chr(code)
        if unicodedata.category(char) != "Cf":
            continue
        text, refusals, notes = check_free_text(f"Norr{char}by")
        if code in DIRECTION_CONTROLS:
            assert refusals and text == f"Norr{char}by", hex(code)
        else:
            assert (text, refusals, len(notes)) == ("Norrby", [], 1), hex(code)


@pytest.mark.parametrize(
    "name,problem",
    [
        ("\u00ad", "expected the organisation's name, got only invisible characters"),
        ("\u3164\u2800", "expected the organisation's name, got only invisible characters"),
        ("Norr\ufffeby", "expected text without noncharacters, got a noncharacter (U+FFFE) after 'Norr'"),
        ("Norr\ufdd0by", "expected text without noncharacters, got a noncharacter (U+FDD0) after 'Norr'"),
        ("Norr\U0001fffeby", "expected text without noncharacters, got a noncharacter (U+1FFFE) after 'Norr'"),
        ("Norr\x1bby", "expected text without control characters, got a control character (U+001B) after 'Norr'"),
        ("123", "expected a name with at least one letter, got '123'"),
        ("...", "expected a name with at least one letter, got '...'"),
        (
            "q" + "\u0301" * 48 + "by",
            "expected at most 2 combining marks (accents) on one character, got 48 on 'q' at the start; "
            "they would print over the lines around it",
        ),
        (
            "Norra a" + "\u0308\u0301\u0300\u0302" + "by",
            "expected at most 2 combining marks (accents) on one character, got 3 on 'ä' "
            "after 'Norra'; they would print over the lines around it",
        ),
    ],
)
def test_a_name_that_is_not_one_is_refused_by_check_and_by_new_alike(instrument, tmp_path, name, problem):
    assert check(instrument, name)[1] == [problem]
    assert new(instrument, tmp_path, name) == [problem]


@pytest.mark.parametrize(
    "name", ["Region Västra Götaland", "Ǘxby kommun", "U\u0308\u0301xby kommun", "Tiếng kommun", "Åre kommun", "3M-kommunen"]
)
def test_names_with_accents_and_digits_pass(instrument, tmp_path, name):
    assert check(instrument, name)[0:2] == (unicodedata.normalize("NFC", name), [])
    assert new(instrument, tmp_path, name) == []


# -- the formula guard, against an oracle of its own ---------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@")  # what Excel and LibreOffice read as the start of a formula (CSV injection)
words = st.text(st.sampled_from('abcdefghijklmnopqrstuvwxyzåäöABCÅÄÖ ()"1+-=@,.:'), min_size=1, max_size=30)


@SETTINGS
@given(first=st.sampled_from([*FORMULA_STARTS, "N", "Ö", "(", "1", '"', " "]), rest=words)
@example(first="=", rest='HYPERLINK("http://x","Klicka")')
@example(first="+", rest="46 Kommun")
@example(first="-", rest="Norrby")
@example(first="@", rest="SUM(A1)")
def test_a_name_that_begins_a_formula_is_refused_by_check_and_new(instrument, tmp_path, first, rest):
    name = first + rest
    stripped = name.strip()
    problems = check(instrument, name)[1]
    formula = [p for p in problems if "would take for a formula" in p]
    if stripped[:1] in FORMULA_STARTS:
        assert formula == [
            f"expected a name that does not begin with {stripped[0]}, which a spreadsheet opening the open data "
            "(resultat.csv) would take for a formula"
        ]
    else:
        assert formula == []
    assert sorted(new(instrument, tmp_path, name)) == sorted(problems)


# -- new and check: one rule ---------------------------------------------------------------------

TRICKY = list("=+-@ \t\n\"'#:") + [
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",
    "\xa0",
    "\u00ad",
    "\u034f",
    "\u0301",
    "\u200b",
    "\u202e",
    "\u2061",
    "\u2800",
    "\u3164",
    "\ufe0f",
    "\ufeff",
    "\ufffe",
    "\U000e0041",
    "ö",
    "Å",
    "a",
    "B",
    "1",
    "@",
    "0",
]


@SETTINGS
@given(name=st.text(st.sampled_from(TRICKY), min_size=1, max_size=12) | st.text(min_size=1, max_size=20))
@example(name="Norr\x1bby")
@example(name="Norr\ufffeby")
@example(name="070-123 45 67 Norrby")
def test_new_refuses_exactly_what_check_refuses(instrument, tmp_path, name):
    """Whatever name is given to `new`, it refuses it with the very problems `check` reports on the file it
    would have written; a name it takes, check takes as the same name."""
    read, problems, _ = check(instrument, name)
    assert sorted(new(instrument, tmp_path, name)) == sorted(problems)
    if not problems:
        text = new_answer_file(instrument, tmp_path / "orgs", "x", name, "kommun", "2026-03-01")[1]
        written = text.replace("        svar:\n", "        svar:\n          v1_matt: 3\n", 1)
        org, found = parse_organisation(instrument, Path("orgs/x.yaml"), written.encode("utf-8"), "orgs/x.yaml")
        assert found == [] and org.name == read
