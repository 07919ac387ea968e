"""content/instrument.yaml against its declared schema: every problem on its own line, with its field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ambitionsgraf.instrument import load_instrument
from ambitionsgraf.problems import ContentError

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


def broken(tmp_path: Path, old: str, new: str) -> list[str]:
    for name in ("kommuner.yaml", "kommuner.csv"):
        shutil.copy(CONTENT / name, tmp_path / name)
    text = (CONTENT / "instrument.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "instrument.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_instrument(tmp_path / "instrument.yaml")
    return [str(p).replace(str(tmp_path) + "/", "") for p in err.value.problems]


def line_of(text: str) -> int:
    return (CONTENT / "instrument.yaml").read_text(encoding="utf-8").split(text)[0].count("\n") + 1


def test_a_renamed_key_names_the_line_and_both_keys(tmp_path):
    problems = broken(tmp_path, "        fraga: Vi har mål", "        frga: Vi har mål")
    at = line_of("      - id: v1_mal")
    assert problems == [
        f"instrument.yaml:{at}: omraden.strategi_planering.fragor.0.fraga: missing",
        f"instrument.yaml:{at + 1}: omraden.strategi_planering.fragor.0.frga: unknown key; expected id, fraga, kort, regel, "
        "steg, poang, vikt, tillagg, standard, alternativ, avsnitt, grund or egen_bedomning",
    ]


@pytest.mark.parametrize(
    "old, new, field, message",
    [
        ("troskel: 2.5", 'troskel: "2,5"', "troskel", "input should be a valid number, got '2,5'"),
        ("troskel: 2.5", "troskel: yes", "troskel", "input should be a valid number, got True"),
        ("    nummer: 1\n", "    nummer: ett\n", "omraden.strategi_planering.nummer", "input should be a valid integer, got 'ett'"),
        (
            "    riktning: vertikal",
            "    riktning: uppåt",
            "axlar.ledning.riktning",
            "input should be 'vertikal' or 'horisontell', got 'uppåt'",
        ),
        ("spridning_flagga: 2", "spridning_flagga: [2]", "spridning_flagga", "input should be a valid integer, got list"),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_on_its_line(tmp_path, old, new, field, message):
    problems = broken(tmp_path, old, new)
    assert problems == [f"instrument.yaml:{line_of(old.strip().split(chr(10))[0])}: {field}: {message}"]


def test_the_cross_checks_still_run_after_the_schema(tmp_path):
    problems = broken(tmp_path, "        steg: styrdokument\n", "        steg: styrdokumentet\n")
    assert any("v1_mal: steg must name a step or zone, got 'styrdokumentet'" in p for p in problems)


@pytest.mark.parametrize(
    "old, new, message",
    [
        # the chart always draws ledning upright: an instrument that says otherwise would have every page contradict the chart
        ("    riktning: vertikal", "    riktning: horisontell", "axlar: the chart draws ledning vertically and verksamhet horizontally"),
        ("  - {id: zon, etikett: Inköpsprocessen", "  - {id: zonen, etikett: Inköpsprocessen", "slag: expected the kinds steg and zon"),
    ],
)
def test_what_the_code_draws_and_names_must_match_the_instrument(tmp_path, old, new, message):
    assert any(message in p for p in broken(tmp_path, old, new))


def test_a_key_given_twice_is_refused_on_its_second_line(tmp_path):
    """PyYAML keeps the last of two equal keys without a word; a threshold written twice would leave
    the reader of the file guessing which one the reports use (answer and settings files refuse it too)."""
    at = line_of("troskel: 2.5")
    problems = broken(tmp_path, "troskel: 2.5\n", "troskel: 2.5\ntroskel: 3\n")
    assert problems == [f"instrument.yaml:{at + 1}: troskel: given twice, on lines {at} and {at + 1}; keep one"]


def test_a_key_given_twice_in_a_nested_mapping_is_refused_too(tmp_path):
    at = line_of("    riktning: vertikal")
    problems = broken(tmp_path, "    riktning: vertikal\n", "    riktning: vertikal\n    riktning: horisontell\n")
    assert problems == [f"instrument.yaml:{at + 1}: riktning: given twice, on lines {at} and {at + 1}; keep one"]
