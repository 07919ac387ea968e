"""The national follow-up over every municipality and region (311 organisations, grouped by the
reference list): groups, quadrants, coverage, counties and transitions against values computed by hand,
and the page and PDF saying the same."""

from __future__ import annotations

import re
import subprocess

import pytest

from ambitionsgraf.scoring import summarise

from .conftest import ROOT, project_settings
from .helpers import answer_file
from .national_fixture import assert_in_text_block, scored, svar, text_of

# -- every municipality and region: 311 organisations, grouped by the reference list ----------------
#
# Each place gets the j-th position in its SKR group (a region: among the regions), in the
# list's order, and answers by it:
#   2025: j % 4 = 0 → (3, 3) ändamålsenlig, 1 → (3, 2) ledning, 2 → (2, 3) verksamhet, 3 → (2, 2) tillfällig
#   2023, when j is even: (2, 2) tillfällig;  2021, when j % 3 = 0: (3, 3) ändamålsenlig
# so a group of n has ⌈n/4⌉, ⌈(n−1)/4⌉, ⌈(n−2)/4⌉, ⌈(n−3)/4⌉ in the four quadrants in 2025, and
# compares 2025 with 2023 when j is even, with 2021 when j ≡ 3 (mod 6), else not at all.

LEVELS_2025 = {0: (3, 3), 1: (3, 2), 2: (2, 3), 3: (2, 2)}


def positions(instrument) -> dict[str, int]:
    seen: dict[str, int] = {}
    out = {}
    for p in instrument.reference.places.values():
        group = p.kommungrupp_kod or p.typ
        out[p.kod] = seen.get(group, 0)
        seen[group] = out[p.kod] + 1
    return out


def every_place_files(instrument) -> dict[str, str]:
    files = {}
    for kod, j in positions(instrument).items():
        place = instrument.reference.places[kod]
        rounds = [
            (d, [("inkopschef", svar(*lv))])
            for d, lv, present in (
                ("2021-03-01", (3, 3), j % 3 == 0),
                ("2023-03-01", (2, 2), j % 2 == 0),
                ("2025-03-01", LEVELS_2025[j % 4], True),
            )
            if present
        ]
        text = answer_file(rounds, namn=f"Org {kod}", typ=place.typ)
        files[f"o{kod}.yaml"] = text.replace(f"typ: {place.typ}\n", f'typ: {place.typ}\nkod: "{kod}"\n', 1)
    return files


@pytest.fixture(scope="module")
def every_place(instrument):
    from ambitionsgraf.pipeline.inputs import load_project
    from ambitionsgraf.site import national_views

    results = [summarise(scored(instrument, text, name.removesuffix(".yaml"))) for name, text in every_place_files(instrument).items()]
    project = load_project(ROOT, project_settings())
    return project, results, national_views(project, results)


def test_every_place_groups_and_quadrants_by_hand(every_place):
    _, results, views = every_place
    assert len(results) == 311 and sorted(views) == ["2021", "2023", "2025"]
    view = views["2025"]
    assert view.edition == "SKR:s kommungruppsindelning 2023"
    assert view.summary[:3] == [
        "311 publicerade organisationer mättes 2025 (kommun 290, region 21).",
        "Av de 290 kommunerna i landet deltog 290 (100 %) och 290 är publicerade (100 %). "
        "Vår bedömning är att resultaten är representativa för kommunerna.",
        "Av de 21 regionerna i landet deltog 21 (100 %) och 21 är publicerade (100 %). "
        "Vår bedömning är att resultaten är representativa för regionerna.",
    ]
    groups = {g.label.split(".")[0]: (g.published, g.size) for g in view.participation.groups}
    assert groups == {
        "A": (46, 46),
        "A1": (3, 3),
        "A2": (43, 43),
        "B": (110, 110),
        "B3": (23, 23),
        "B4": (63, 63),
        "B5": (24, 24),
        "C": (134, 134),
        "C6": (27, 27),
        "C7": (51, 51),
        "C8": (35, 35),
        "C9": (21, 21),
    }
    rows = {r.label.split(".")[0]: [(c.share, c.count) for c in r.cells][:4] for s in view.quadrants.sections for r in s.rows}
    # Per group (⌈n/4⌉, ⌈(n−1)/4⌉, ⌈(n−2)/4⌉, ⌈(n−3)/4⌉): A1 (1, 1, 1, 0), A2 (11, 11, 11, 10),
    # B3 (6, 6, 6, 5), B4 (16, 16, 16, 15), B5 (6, 6, 6, 6), C6 (7, 7, 7, 6), C7 (13, 13, 13, 12),
    # C8 (9, 9, 9, 8), C9 and the regions (6, 5, 5, 5).
    assert rows["A1"] == [(None, 1), (None, 1), (None, 1), (None, 0)]  # three: counts only
    assert rows["A2"] == [("26 %", 11), ("26 %", 11), ("26 %", 11), ("23 %", 10)]  # 11/43 = 25,6 %; 10/43 = 23,3 %
    assert rows["C9"] == [("29 %", 6), ("24 %", 5), ("24 %", 5), ("24 %", 5)]  # 6/21 = 28,6 %; 5/21 = 23,8 %
    # Main groups: A = A1 + A2 (12, 12, 12, 10) of 46; B (28, 28, 28, 26) of 110; C (35, 34, 34, 31) of 134.
    assert rows["A"] == [("26 %", 12), ("26 %", 12), ("26 %", 12), ("22 %", 10)]  # 12/46 = 26,1 %; 10/46 = 21,7 %
    assert rows["B"] == [("25 %", 28), ("25 %", 28), ("25 %", 28), ("24 %", 26)]  # 28/110 = 25,5 %; 26/110 = 23,6 %
    assert rows["C"] == [("26 %", 35), ("25 %", 34), ("25 %", 34), ("23 %", 31)]  # 35/134 = 26,1 %; 34/134 = 25,4 %; 31/134 = 23,1 %
    # Types: the 290 municipalities (75, 74, 74, 67), the 21 regions (6, 5, 5, 5); all 311 (81, 79, 79, 72).
    assert rows["Kommun"] == [("26 %", 75), ("26 %", 74), ("26 %", 74), ("23 %", 67)]
    assert rows["Region"] == [("29 %", 6), ("24 %", 5), ("24 %", 5), ("24 %", 5)]
    assert rows["Alla organisationer"] == [("26 %", 81), ("25 %", 79), ("25 %", 79), ("23 %", 72)]  # 81/311 = 26,0 %
    assert "Kommun utan kod (okänd grupp)" not in rows


def test_every_place_coverage_when_some_are_left_out(every_place):
    """All 311 took part; C7 and C8 (86 municipalities) and 11 regions are not published. Kommuner:
    204/290 = 70,3 % published, but main group C 48/134 = 35,8 %; regions 10/21 = 47,6 %."""
    from ambitionsgraf.site import national_views

    project, results, _ = every_place
    places = project.ins.reference.places
    left_out = {
        slug
        for slug in (r.organisation.slug for r in results)
        if places[slug[1:]].kommungrupp_kod in ("C7", "C8") or (places[slug[1:]].typ == "region" and int(slug[1:]) > 12)
    }
    assert len(left_out) == 86 + 11
    view = national_views(project, [r for r in results if r.organisation.slug not in left_out], results)["2025"]
    cov = view.participation
    assert [(t.label, t.measured, t.published, t.left_out, t.size, t.coverage) for t in cov.types] == [
        ("Kommun", 290, 204, 86, 290, "70 %"),
        ("Region", 21, 10, 11, 21, "48 %"),
    ]
    groups = {g.label.split(".")[0]: (g.measured, g.published, g.left_out, g.size, g.coverage) for g in cov.groups}
    assert groups["C"] == (134, 48, 86, 134, "36 %") and groups["C7"] == (51, 0, 51, 51, "0 %") and groups["A2"] == (43, 43, 0, 43, "100 %")
    assert cov.representative[:2] == [
        "Av de 290 kommunerna i landet deltog 290 (100 %) och 204 är publicerade (70 %). Vår bedömning är att resultaten är "
        "representativa för kommunerna som helhet, men att det finns viss osäkerhet för huvudgrupp C (mindre städer/tätorter "
        "och landsbygdskommuner, 36 %), där färre än 60 % är publicerade.",
        "Av de 21 regionerna i landet deltog 21 (100 %) och 10 är publicerade (48 %). Med färre än 60 % publicerade kan "
        "resultaten inte sägas gälla för alla regionerna i landet; de beskriver de publicerade regionerna.",
    ]
    assert view.summary[0] == "214 publicerade organisationer mättes 2025 (kommun 204, region 10)."


def test_every_place_per_county(every_place):
    """Per county, municipalities and the region: Gotland two (counts only), Blekinge five and the
    region (shown, with a caution), Stockholm 26 and the region (no caution)."""
    _, _, views = every_place
    rows = {r.label: r for r in views["2025"].counties.rows}
    assert len(rows) == 21 and sum(r.count for r in rows.values()) == 311
    gotland, blekinge, stockholm = rows["Gotlands län"], rows["Blekinge län"], rows["Stockholms län"]
    assert (gotland.count, gotland.best.share, gotland.ledning, gotland.caution) == (2, None, None, False)
    assert (blekinge.count, blekinge.caution) == (6, True) and blekinge.best.share is not None
    assert (stockholm.count, stockholm.caution) == (27, False)


def test_every_place_transitions_by_hand(every_place):
    _, _, views = every_place
    t = views["2025"].transitions
    # From 2023 (tillfällig), j even: j ≡ 0 (mod 4) to ändamålsenlig, ⌈n/4⌉ a group, 81 in all;
    # j ≡ 2 (mod 4) to verksamhet, 79. From 2021 (ändamålsenlig), j ≡ 3 (mod 6): j ≡ 3 (mod 12) to
    # tillfällig (A2 4, B3 2, B4 5, B5 2, C6 2, C7 4, C8 3, C9 2, regions 2: 26) and j ≡ 9 (mod 12)
    # to ledning (A2 3, B3 2, B4 5, B5 2, C6 2, C7 4, C8 3, C9 1, regions 1: 23).
    assert t.pairs == 209 and [(e.year, e.count) for e in t.earlier] == [("2021", 49), ("2023", 160)]
    assert [(r.label, r.cells, r.total) for r in t.rows] == [
        ("Ändamålsenlig inköpsorganisation", [0, 23, 0, 26, 0], 49),
        ("Systematiskt samspel med ledningen", [0, 0, 0, 0, 0], 0),
        ("Systematiskt samspel med verksamheten", [0, 0, 0, 0, 0], 0),
        ("Tillfälligt samspel", [81, 0, 79, 0, 0], 160),
        ("Ingen punkt (svar saknas)", [0, 0, 0, 0, 0], 0),
    ]
    assert t.totals == [81, 23, 79, 26, 0] and t.total == 209
    assert vars(t.moves) == {"same": 0, "up": 160, "down": 49, "across": 0, "no_point": 0}
    # ledning: 26 × −14/15, 79 + 23 × 0, 81 × +14/15: the 105th of 209 is 0.
    # verksamhet: 26 + 23 × −1, 81 + 79 × +1: the 105th is +1.
    assert [(m.median, m.count) for m in t.medians] == [("0,0", 209), ("+1,0", 209)]


@pytest.fixture(scope="module")
def every_place_pdf(every_place, tmp_path_factory):
    from ambitionsgraf.site import national_pdf_files

    project, _, views = every_place
    path = tmp_path_factory.mktemp("every-place") / "rapport.pdf"
    path.write_bytes(national_pdf_files(project, views["2025"])["oversikt/2025/rapport.pdf"])
    return path


def test_every_place_page_and_pdf_say_the_same(every_place, every_place_pdf):
    from ambitionsgraf.site import national_page_files

    project, _, views = every_place
    page = text_of(national_page_files(project, views["2025"], pdf_linked=True)["oversikt/2025/index.html"])
    assert "A2. Pendlingskommun nära storstad 43 26 % (11) 26 % (11) 26 % (11) 23 % (10) 0 % (0)" in page
    assert "Tillfälligt samspel 81 0 79 0 0 160" in page
    layout = subprocess.run(["pdftotext", "-layout", str(every_place_pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [re.split(r"\s{2,}", line.strip()) for line in layout.splitlines()]
    assert ["C9. Landsbygdskommun", "21", "29 % (6)", "24 % (5)", "24 % (5)", "24 % (5)", "0 % (0)"] in lines
    assert ["Tillfälligt samspel", "81", "0", "79", "0", "0", "160"] in lines


def test_the_pdf_stays_in_its_text_block_and_wastes_no_page(every_place_pdf):
    assert_in_text_block(every_place_pdf)
