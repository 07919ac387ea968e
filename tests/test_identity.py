"""One identity for an organisation's name, whoever asks: check, import, new and the reference list.

Each variant below looks like "Norrviks kommun" (or "Upplands Väsby") to a reader; every rule of
identity must take it for that name, so no second file can be made for the same organisation.
"""

from __future__ import annotations

import datetime
import shutil
import unicodedata

import pytest

from ambitionsgraf.answers import duplicate_names, parse_organisation
from ambitionsgraf.importer import export_rows, plan_import, rows_to_csv
from ambitionsgraf.problems import ContentError
from ambitionsgraf.template import new_answer_file
from ambitionsgraf.text import name_key

from .conftest import ROOT

# Each written out by code point, so that what the test means is visible in the source.
VARIANTS = {
    "full-width N": "\uff2eorrviks kommun",
    "upper case": "NORRVIKS KOMMUN",
    "non-breaking space": "Norrviks\u00a0kommun",
    "two spaces": "Norrviks  kommun",
    "soft hyphen": "Norr\u00advikskommun".replace("vikskommun", "viks kommun"),
    "zero-width space": "Norr\u200bviks kommun",
    "word joiner": "Norrviks\u2060 kommun",
    "combining grapheme joiner": "Norrv\u034fiks kommun",
    "variation selector": "Norrviks\ufe0f kommun",
    "tag character": "Norrviks kommun\U000e0041",
    "Hangul filler": "Norrviks \u3164kommun",
}
# A name with a letter that can be written composed or decomposed.
ALVDAL = "Region \u00c4lvdal"
ALVDAL_VARIANTS = {
    "decomposed Ä": unicodedata.normalize("NFD", ALVDAL),
    "soft hyphen": "Region \u00c4lv\u00addal",
    "full-width letters": "Region \u00c4\uff4c\uff56\uff44\uff41\uff4c",
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_key_takes_every_look_alike_for_the_name(variant):
    assert name_key(VARIANTS[variant]) == name_key("Norrviks kommun") == "norrviks kommun"


@pytest.mark.parametrize("variant", sorted(ALVDAL_VARIANTS))
def test_composed_and_decomposed_letters_are_one_name(variant):
    assert name_key(ALVDAL_VARIANTS[variant]) == name_key(ALVDAL)


def test_names_that_differ_to_a_reader_stay_apart():
    assert name_key("Norrviks kommun") != name_key("Norrvik kommun")
    assert name_key("Region Älvdal") != name_key("Region Alvdal")  # Ä is not A
    assert name_key("Norrviks kommun") != name_key("Norrviks-kommun")  # a dash is seen


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_check_refuses_a_second_file_with_a_look_alike_name(variant):
    problems = duplicate_names([("orgs/a.yaml", "Norrviks kommun"), ("orgs/b.yaml", VARIANTS[variant])], {})
    assert {p.path for p in problems} == {"orgs/a.yaml", "orgs/b.yaml"}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_import_extends_the_existing_file_of_a_look_alike_name(instrument, tmp_path, variant):
    orgs = tmp_path / "orgs"
    orgs.mkdir()
    shutil.copy(ROOT / "orgs" / "norrvik.yaml", orgs / "norrvik.yaml")
    org, _ = parse_organisation(instrument, orgs / "norrvik.yaml", (orgs / "norrvik.yaml").read_bytes(), "norrvik.yaml")
    rows = export_rows(instrument, org, assessment_dates=[org.assessments[-1].date])
    column, day = rows[0].index("namn"), rows[0].index("datum")
    rows = [rows[0]] + [[*r[:column], VARIANTS[variant], *r[column + 1 :]] for r in rows[1:]]
    rows = [r[:day] + r[day + 1 :] for r in rows]  # the round is dated by the import, after the file's own
    rows = [r[1:] for r in rows]  # no slug column: the file is found by the name alone
    assert rows[0][0] == "namn"
    rows[0][0] = "Organisation"
    table = tmp_path / "enkat.csv"
    table.write_bytes(rows_to_csv(rows))
    changes = plan_import(instrument, table, orgs, datetime.date(2026, 3, 1))
    assert [c.path.name for c in changes] == ["norrvik.yaml"]
    assert changes[0].old is not None  # extended, not a second file for the same organisation


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_new_refuses_a_look_alike_of_an_existing_name(instrument, tmp_path, variant):
    shutil.copy(ROOT / "orgs" / "norrvik.yaml", tmp_path / "norrvik.yaml")
    with pytest.raises(ContentError) as err:
        new_answer_file(instrument, tmp_path, "norrvik-2", VARIANTS[variant], "kommun", "2026-01-01")
    assert any("norrvik.yaml" in p.message for p in err.value.problems), err.value.problems


@pytest.mark.parametrize(
    "name",
    [
        "\uff35pplands V\u00e4sby kommun",
        unicodedata.normalize("NFD", "Upplands Väsby kommun"),
        "Upplands V\u00e4s\u00adby kommun",
        "UPPLANDS VÄSBY KOMMUN",
    ],
)
def test_the_reference_list_knows_the_place_by_a_look_alike_name(instrument, name):
    assert instrument.reference.code_for_name(name, "kommun")[0] == "0114"


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_rows_that_name_one_organisation_by_look_alikes_agree(instrument, tmp_path, variant):
    """Rows of one export giving the name and a look-alike of it name one organisation, as the file
    they go to was found by (text.name_key): no "use one name" between them."""
    orgs = tmp_path / "orgs"
    orgs.mkdir()
    shutil.copy(ROOT / "orgs" / "norrvik.yaml", orgs / "norrvik.yaml")
    org, _ = parse_organisation(instrument, orgs / "norrvik.yaml", (orgs / "norrvik.yaml").read_bytes(), "norrvik.yaml")
    rows = export_rows(instrument, org, assessment_dates=[org.assessments[-1].date])
    assert len(rows) >= 3  # two respondents at least: the first keeps the name, the others give the look-alike
    column, day = rows[0].index("namn"), rows[0].index("datum")
    rows = [rows[0], rows[1]] + [[*r[:column], VARIANTS[variant], *r[column + 1 :]] for r in rows[2:]]
    rows = [r[:day] + r[day + 1 :] for r in rows]
    rows = [r[1:] for r in rows]  # no slug column: the file is found by the name alone
    rows[0][0] = "Organisation"
    table = tmp_path / "enkat.csv"
    table.write_bytes(rows_to_csv(rows))
    changes = plan_import(instrument, table, orgs, datetime.date(2026, 3, 1))
    assert [c.path.name for c in changes] == ["norrvik.yaml"]
    assert len(changes[0].rounds[0].respondents) == len(rows) - 1


def test_rows_that_name_two_organisations_for_one_slug_are_refused(instrument, tmp_path):
    """A slug column tying rows of different names to one file is still refused, naming the first row."""
    orgs = tmp_path / "orgs"
    orgs.mkdir()
    shutil.copy(ROOT / "orgs" / "norrvik.yaml", orgs / "norrvik.yaml")
    org, _ = parse_organisation(instrument, orgs / "norrvik.yaml", (orgs / "norrvik.yaml").read_bytes(), "norrvik.yaml")
    rows = export_rows(instrument, org, assessment_dates=[org.assessments[-1].date])
    column, day = rows[0].index("namn"), rows[0].index("datum")
    rows = [rows[0], rows[1]] + [[*r[:column], "Norrvik kommun", *r[column + 1 :]] for r in rows[2:]]
    rows = [r[:day] + r[day + 1 :] for r in rows]
    table = tmp_path / "enkat.csv"
    table.write_bytes(rows_to_csv(rows))
    with pytest.raises(ContentError) as err:
        plan_import(instrument, table, orgs, datetime.date(2026, 3, 1))
    assert "but row 2 gives 'Norrviks kommun' for norrvik; use one name" in str(err.value)
