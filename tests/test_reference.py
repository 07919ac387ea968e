"""The list of municipalities and regions (content/kommuner.csv): loaded as data, checked when
loaded, and the codes answer files give checked against it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.instrument import load_instrument
from ambitionsgraf.problems import ContentError
from ambitionsgraf.reference import Place, load_reference

from .conftest import ROOT

CONTENT = ROOT / "content"
SHARED_COPY = ROOT.parent / "shared" / "reference" / "kommuner.csv"


@pytest.fixture(scope="module")
def reference():
    return load_reference(CONTENT / "kommuner.yaml")


def test_every_municipality_and_region_with_the_editions_it_follows(reference):
    places = list(reference.places.values())
    assert len(places) == 311
    assert sum(p.typ == "kommun" for p in places) == 290 and sum(p.typ == "region" for p in places) == 21
    assert reference.grouping_edition == "SKR:s kommungruppsindelning 2023"
    assert reference.codes_edition == "SCB:s kommun- och länskoder 2025-01-01"
    assert reference.get("0114") == Place(
        "0114", "Upplands Väsby", "kommun", "01", "Stockholms län", "A2", "Pendlingskommun nära storstad", "A"
    )
    assert reference.get("01") == Place("01", "Region Stockholm", "region", "01", "Stockholms län", None, None, None)
    assert reference.get("0980").namn == "Gotland" and reference.get("09").namn == "Region Gotland"
    assert reference.get("0199") is None and reference.get(None) is None
    sizes = {}
    for p in places:
        sizes[p.kommungrupp_kod] = sizes.get(p.kommungrupp_kod, 0) + 1
    assert sizes == {"A1": 3, "A2": 43, "B3": 23, "B4": 63, "B5": 24, "C6": 27, "C7": 51, "C8": 35, "C9": 21, None: 21}
    assert {p.huvudgrupp for p in places} == {"A", "B", "C", None}
    assert all(p.huvudgrupp == (p.kommungrupp_kod[0] if p.kommungrupp_kod else None) for p in places)


# sha256 of ../shared/reference/kommuner.csv as copied (2026-12-07, C7 name corrected): a clone without ../shared
# (CI) still checks that the content file is that copy, byte for byte.
SHARED_SHA256 = "f5bcb91d95bdd5194a1c8304814e4993a8b32a035b2ee25b4612c3da2a4d1868"


def test_the_list_is_the_shared_reference_unchanged():
    import hashlib

    data = (CONTENT / "kommuner.csv").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHARED_SHA256
    if SHARED_COPY.exists():  # beside the shared folder: the copy is still the source
        assert data == SHARED_COPY.read_bytes()


def test_the_project_and_the_instrument_reach_it(instrument):
    from ambitionsgraf.pipeline.inputs import load_project

    from .conftest import project_settings

    assert instrument.reference.get("0180").namn == "Stockholm"
    project = load_project(ROOT, project_settings())
    assert project.reference.get("2080").lan == "Dalarnas län"


@pytest.mark.parametrize(
    "name, kind, codes",
    [
        ("Norrviks kommun", "kommun", []),
        ("Norrvik", "kommun", []),
        ("Region Stockholm", "region", ["01"]),
        ("Region Stockholm", "kommun", []),
        ("Stockholms stad", "kommun", ["0180"]),
        ("Stockholm", "kommun", ["0180"]),
        ("Stockholm", "region", ["01"]),
        ("Gotlands kommun", "kommun", ["0980"]),
        ("Region Gotland", "region", ["09"]),
        ("Falu kommun", "kommun", ["2080"]),
        ("Borås Stad", "kommun", ["1490"]),
        ("Upplands Bro kommun", "kommun", ["0139"]),
        ("Region Jönköpings län", "region", ["06"]),
        ("Västra Götalandsregionen", "region", ["14"]),
        ("Stockholms stad", "bolag", []),
    ],
)
def test_a_name_matches_a_place_only_when_it_names_one(reference, name, kind, codes):
    assert [p.kod for p in reference.match_name(name, kind)] == codes


def test_every_place_is_found_by_its_own_name_and_its_genitive(reference):
    for p in reference.places.values():
        assert reference.match_name(p.namn, p.typ) == (p,)
        if p.typ == "kommun":
            genitive = p.namn if p.namn.endswith("s") else p.namn + "s"
            assert reference.match_name(f"{genitive} kommun", "kommun") == (p,), p.namn


# -- checked when loaded ---------------------------------------------------------------------


def _copy_content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    for name in ("instrument.yaml", "kommuner.yaml", "kommuner.csv"):
        shutil.copy(CONTENT / name, folder / name)
    return folder


def _problems(folder: Path) -> list[str]:
    with pytest.raises(ContentError) as exc:
        load_instrument(folder / "instrument.yaml")
    return [str(p) for p in exc.value.problems]


def _edit_csv(folder: Path, old: str, new: str) -> None:
    path = folder / "kommuner.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "0114,Upplands Väsby,kommun",
            "0115,Upplands Väsby,kommun",
            [
                "{csv}:3: kod: 0115 is given twice (also Upplands Väsby)",
                "{yaml}:1: antal.kommun: the list holds 289, expected 290",
                "{yaml}:1: kommungrupper.grupper.A2: Pendlingskommun nära storstad: the list holds 42, expected 43",
            ],
        ),
        (
            "0114,Upplands Väsby,kommun",
            "114,Upplands Väsby,kommun",
            [
                "{csv}:2: kod: expected four digits for a kommun, got '114'",
                "{yaml}:1: antal.kommun: the list holds 289, expected 290",
                "{yaml}:1: kommungrupper.grupper.A2: Pendlingskommun nära storstad: the list holds 42, expected 43",
            ],
        ),
        (
            "0114,Upplands Väsby,kommun,01",
            "0114,Upplands Väsby,kommun,03",
            ["{csv}:2: lanskod: expected the code's first two digits (01), got '03'"],
        ),
        (
            "0115,Vallentuna,kommun,01,Stockholms län",
            "0115,Vallentuna,kommun,01,Uppsala län",
            ["{csv}:3: lan: county 01 is Stockholms län on line 2, here Uppsala län"],
        ),
        (
            "0114,Upplands Väsby,kommun",
            "0114,Upplands Väsby,kommune",
            [
                "{csv}:2: typ: expected kommun or region, got 'kommune'",
                "{yaml}:1: antal.kommun: the list holds 289, expected 290",
                "{yaml}:1: kommungrupper.grupper.A2: Pendlingskommun nära storstad: the list holds 42, expected 43",
            ],
        ),
        (
            "A2,Pendlingskommun nära storstad\n0115",
            "A2,Pendlingskommun nära större stad\n0115",
            [
                "{csv}:2: kommungrupp: A2 is 'Pendlingskommun nära storstad' in SKR:s kommungruppsindelning 2023, got 'Pendlingskommun nära större stad'"
            ],
        ),
        (
            "A2,Pendlingskommun nära storstad\n0115",
            "D2,Pendlingskommun nära storstad\n0115",
            [
                "{csv}:2: kommungrupp_kod: expected one of A1, A2, B3, B4, B5, C6, C7, C8, C9, got 'D2'",
                "{yaml}:1: kommungrupper.grupper.A2: Pendlingskommun nära storstad: the list holds 42, expected 43",
            ],
        ),
        (
            "01,Region Stockholm,region,01,Stockholms län,,",
            "01,Region Stockholm,region,01,Stockholms län,A1,Storstäder",
            ["{csv}:292: kommungrupp_kod: a region has no SKR group; leave both group columns empty"],
        ),
        (
            "kod,namn,typ",
            "code,namn,typ",
            [
                "{csv}:1: header: expected the columns kod,namn,typ,lanskod,lan,kommungrupp_kod,kommungrupp, "
                "got code,namn,typ,lanskod,lan,kommungrupp_kod,kommungrupp"
            ],
        ),
    ],
)
def test_a_malformed_list_is_refused_with_every_problem_and_its_line(tmp_path, old, new, expected):
    folder = _copy_content(tmp_path)
    _edit_csv(folder, old, new)
    shown = {"csv": str(folder / "kommuner.csv"), "yaml": str(folder / "kommuner.yaml")}
    problems = _problems(folder)
    if "header" in expected[0]:  # then nothing else can be counted
        problems = problems[:1]
    assert problems == sorted(e.format(**shown) for e in expected)


def test_a_missing_list_is_refused_with_the_instrument(tmp_path):
    folder = _copy_content(tmp_path)
    (folder / "kommuner.csv").unlink()
    (problem,) = _problems(folder)
    assert problem.startswith(f"{folder / 'kommuner.csv'}:1: file: cannot be read:")


def test_the_metadata_must_agree_with_the_list(tmp_path):
    folder = _copy_content(tmp_path)
    meta = folder / "kommuner.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("region: 21", "region: 20").replace('"2080": [Falu kommun]', '"2099": [Falu kommun]'),
        encoding="utf-8",
    )
    assert _problems(folder) == [
        f"{meta}:1: andra_namn.2099: no such code in the list",
        f"{meta}:1: antal.region: the list holds 21, expected 20",
    ]


# -- codes in answer files -------------------------------------------------------------------

FILE = """\
namn: {namn}
typ: {typ}
kod: "{kod}"
matningar:
  - datum: 2024-05-10
    respondenter:
      - roll: inkopschef
        svar: {{v1_mal: ja}}
"""


def parse(instrument, namn: str, typ: str, kod: str):
    notes: list = []
    org, problems = parse_organisation(
        instrument, Path("orgs/x.yaml"), FILE.format(namn=namn, typ=typ, kod=kod).encode(), "orgs/x.yaml", notes
    )
    return org, [str(p) for p in problems], [str(n) for n in notes if n.field == "kod"]


@pytest.mark.parametrize(
    "namn, typ, kod",
    [
        ("Stockholms stad", "kommun", "0180"),
        ("Region Stockholm", "region", "01"),
        ("Gotlands kommun", "kommun", "0980"),
        ("Region Gotland", "region", "09"),
    ],
)
def test_a_known_code_of_the_right_kind_is_kept(instrument, namn, typ, kod):
    org, problems, notes = parse(instrument, namn, typ, kod)
    assert problems == [] and notes == []
    assert org.code == kod


def test_a_file_without_a_code_has_none(instrument):
    org, problems = parse_organisation(
        instrument,
        Path("orgs/x.yaml"),
        FILE.replace('kod: "{kod}"\n', "").format(namn="Norrviks kommun", typ="kommun").encode(),
        "orgs/x.yaml",
    )
    assert problems == [] and org.code is None


def test_a_code_of_the_other_kind_names_the_code_the_name_matches(instrument):
    _, problems, _ = parse(instrument, "Stockholms stad", "kommun", "01")
    assert problems == [
        'orgs/x.yaml:3: kod: "01" is Region Stockholm, a region, but typ is kommun; '
        'the name matches Stockholm (kommun 0180, Stockholms län, A1 Storstäder): kod: "0180"'
    ]


def test_an_unknown_code_names_the_edition(instrument):
    _, problems, _ = parse(instrument, "Norrviks kommun", "kommun", "0100")
    assert problems == ["orgs/x.yaml:3: kod: no municipality or region has the code 0100 in SCB:s kommun- och länskoder 2025-01-01"]


def test_a_code_that_is_not_the_named_place_is_a_note(instrument):
    org, problems, notes = parse(instrument, "Norrviks kommun", "kommun", "0114")
    assert problems == [] and org.code == "0114"
    assert notes == [
        'orgs/x.yaml:3: kod: note: "0114" is Upplands Väsby (kommun 0114, Stockholms län, A2 Pendlingskommun nära storstad), '
        "but namn 'Norrviks kommun' is not its name; is the code right?"
    ]


def test_the_summary_and_the_cache_keep_the_code(instrument):
    from ambitionsgraf.scoring import score_organisation, summarise
    from ambitionsgraf.summaries import Expected, summary_from_data, summary_to_data

    org, _, _ = parse(instrument, "Stockholms stad", "kommun", "0180")
    summary = summarise(score_organisation(instrument, org))
    assert summary.organisation.code == "0180"
    assert summary_from_data(summary_to_data(summary), Expected(instrument)) == summary


# -- filled in from the name by `new` and `import` ---------------------------------------------


@pytest.mark.parametrize(
    "slug, name, kind, code, said",
    [
        (
            "stockholm",
            "Stockholms stad",
            "kommun",
            "0180",
            '; kod "0180" from the name: Stockholm (kommun 0180, Stockholms län, A1 Storstäder)',
        ),
        ("gotland", "Region Gotland", "region", "09", '; kod "09" from the name: Region Gotland (region 09, Gotlands län)'),
        (
            "gotlands-kommun",
            "Gotlands kommun",
            "kommun",
            "0980",
            '; kod "0980" from the name: Gotland (kommun 0980, Gotlands län, C6 Mindre stad/tätort)',
        ),
        ("norrvik", "Norrviks kommun", "kommun", None, ""),
        ("stockholmshem", "Stockholms stad", "bolag", None, ""),
    ],
)
def test_new_fills_in_the_code_when_the_name_is_one_place_and_says_so(tmp_path, instrument, slug, name, kind, code, said):
    from .conftest import run_cli

    orgs = tmp_path / "orgs"
    result = run_cli("new", slug, "--namn", name, "--typ", kind, "--datum", "2026-03-01", "--orgs", str(orgs))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {orgs / f'{slug}.yaml'}{said}\n"
    text = (orgs / f"{slug}.yaml").read_text(encoding="utf-8")
    if code:
        assert f'\ntyp: {kind}\nkod: "{code}"\npublicerad: false\n' in text
    else:
        assert "\nkod:" not in text
        assert ('\n# kod: "…"' in text) == (kind in ("kommun", "region"))  # an invitation where a code can be
    filled = text.replace("# v1_matt: 1–4 | vet_ej", "v1_matt: 3")
    org, problems = parse_organisation(instrument, orgs / f"{slug}.yaml", filled.encode(), "x.yaml")
    assert problems == [] and org.code == code


def _import(tmp_path, rows, orgs):
    from ambitionsgraf.importer import rows_to_csv

    from .conftest import run_cli

    table = tmp_path / "enkat.csv"
    table.write_bytes(rows_to_csv(rows))
    return run_cli("import", str(table), "--datum", "2026-03-01", "--orgs", str(orgs))


def test_import_fills_in_the_code_of_a_new_file_and_suggests_it_for_an_existing_one(tmp_path, instrument):
    from ambitionsgraf import answerfile

    orgs = tmp_path / "orgs"
    orgs.mkdir()
    old = answerfile.answer_file(
        "Falu kommun", "kommun", [answerfile.Round("2024-01-01", [answerfile.Respondent("inkopschef", {"v1_matt": 2})])]
    )
    (orgs / "falun.yaml").write_text(old, encoding="utf-8")
    from .helpers import QUESTIONS

    rows = [["Organisation", "typ", "roll", *QUESTIONS, "v3_uppfoljning_omfattning"]] + [
        [name, kind, "Inköpschef", "ja", *["3"] * (len(QUESTIONS) - 1), "hela"]
        for name, kind in (("Region Jönköpings län", "Region"), ("Norrviks kommun", "Kommun"), ("Falu kommun", "Kommun"))
    ]
    result = _import(tmp_path, rows, orgs)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"extended {orgs / 'falun.yaml'}: new round 2026-03-01 (1 respondent); "
        'its name is Falun (kommun 2080, Dalarnas län, C6 Mindre stad/tätort): add kod: "2080" to it',
        f"wrote {orgs / 'norrviks-kommun.yaml'}: new file, publicerad: false, round 2026-03-01 (1 respondent)",
        f"wrote {orgs / 'region-jonkopings-lan.yaml'}: new file, publicerad: false, round 2026-03-01 (1 respondent); "
        'kod "06" from the name: Region Jönköpings län (region 06, Jönköpings län)',
    ]
    assert (orgs / "falun.yaml").read_text(encoding="utf-8").startswith(old)  # an existing file is only appended to
    assert 'typ: region\nkod: "06"\n' in (orgs / "region-jonkopings-lan.yaml").read_text(encoding="utf-8")
    assert "kod:" not in (orgs / "norrviks-kommun.yaml").read_text(encoding="utf-8")


def test_the_method_page_names_the_editions_the_list_follows(reference):
    """content/metod.md is written by hand: replacing the list without rewriting it fails here."""
    from ambitionsgraf.text import swedish_date

    text = (CONTENT / "metod.md").read_text(encoding="utf-8")
    grouping_year = reference.grouping_edition.rsplit(" ", 1)[1]
    valid_from = reference.codes_edition.rsplit(" ", 1)[1]
    assert f"kommungruppsindelning {grouping_year}" in text
    assert f"från den {swedish_date(valid_from)}" in text
