"""Comparisons with similar organisations: SKR main group, SKR group and county, checked on
every municipality and region of the reference list against a brute-force count."""

from __future__ import annotations

from fractions import Fraction as F
from pathlib import Path

import pytest

from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.peergroups import MIN_GROUP, ComparisonIndex, comparison
from ambitionsgraf.scoring import score_organisation

from .helpers import answer_file, uniform


def value_of(code: str) -> int:
    """A spread of answers that differs between neighbours (1–4)."""
    return int(code) * 7 % 4 + 1


def organisation(instrument, place, *, published=True, year="2024"):
    v = value_of(place.kod)
    text = answer_file(
        [(f"{year}-03-01", [("inkopschef", uniform(v)), ("verksamhet", uniform(5 - v if v != 4 else 4))])],
        namn=f"Org {place.kod}",
        typ=place.typ,
        publicerad=published,
    )
    text = text.replace(f"typ: {place.typ}\n", f'typ: {place.typ}\nkod: "{place.kod}"\n', 1)
    path = f"orgs/o{place.kod}.yaml"
    org, problems = parse_organisation(instrument, Path(path), text.encode(), path)
    assert not problems, problems
    return score_organisation(instrument, org)


@pytest.fixture(scope="module")
def everyone(instrument):
    """All 311 places; every eleventh municipality does not publish."""
    places = list(instrument.reference.places.values())
    return [organisation(instrument, p, published=not (p.typ == "kommun" and i % 11 == 0)) for i, p in enumerate(places)]


def brute_force(instrument, me, everyone, member):
    """Share of the published others in `member` strictly below me on verksamhet, by plain counting."""
    mine = me.latest.overall.axes["verksamhet"]
    others = [r for r in everyone if r is not me and r.organisation.published and member(r)]
    below = sum(1 for r in others if r.latest.overall.axes["verksamhet"] < mine)
    return len(others), F(below, len(others)) if others else None


@pytest.mark.parametrize("code", ["0180", "0114", "1480", "2584", "0980", "0127", "2080"])
def test_group_and_county_positions_equal_a_brute_force_count(instrument, everyone, code):
    ref = instrument.reference
    me = next(r for r in everyone if r.organisation.code == code)
    place = ref.get(code)
    index = ComparisonIndex(instrument, everyone)
    groups = {g.key: g for g in comparison(instrument, me, index)}
    assert list(groups) == ["alla", "kommun", "huvudgrupp", "kommungrupp", "lan"]
    expected = {
        "kommun": lambda r: r.organisation.type == "kommun",
        "huvudgrupp": lambda r: r.organisation.type == "kommun" and ref.get(r.organisation.code).huvudgrupp == place.huvudgrupp,
        "kommungrupp": lambda r: r.organisation.type == "kommun" and ref.get(r.organisation.code).kommungrupp_kod == place.kommungrupp_kod,
        "lan": lambda r: r.organisation.type == "kommun" and ref.get(r.organisation.code).lanskod == place.lanskod,
    }
    for key, member in expected.items():
        size, share = brute_force(instrument, me, everyone, member)
        g = groups[key]
        assert g.size == size, key
        assert g.pooled == 0  # narrower groups: published organisations only
        assert g.shown == (size >= MIN_GROUP), key
        if g.shown:
            assert next(p for p in g.positions if p.key == "verksamhet").share_below == share, key
    assert groups["kommungrupp"].as_json()["kod"] == place.kommungrupp_kod
    assert groups["kommungrupp"].as_json()["indelning"] == "SKR:s kommungruppsindelning 2023"
    assert groups["lan"].label == f"kommunerna i {place.lan} med mätning 2024"
    # the group of all pools the unpublished municipalities (26 of them, well over five)
    assert groups["alla"].pooled == sum(1 for r in everyone if not r.organisation.published) - (not me.organisation.published)


def test_stockholm_is_compared_with_the_other_two_big_cities_only_when_there_are_five(instrument, everyone):
    me = next(r for r in everyone if r.organisation.code == "0180")
    groups = {g.key: g for g in comparison(instrument, me, ComparisonIndex(instrument, everyone))}
    assert groups["kommungrupp"].size == 2 and not groups["kommungrupp"].shown  # A1 Storstäder: three in all
    assert groups["kommungrupp"].positions == () and groups["kommungrupp"].points is None


def test_a_region_or_an_organisation_without_a_code_gets_no_group_comparisons(instrument, everyone):
    region = next(r for r in everyone if r.organisation.code == "01")
    assert [g.key for g in comparison(instrument, region, ComparisonIndex(instrument, everyone))] == ["alla", "region"]
    text = answer_file([("2024-03-01", [("inkopschef", uniform(2))])], namn="Utan kod kommun")
    org, _ = parse_organisation(instrument, Path("orgs/x.yaml"), text.encode(), "orgs/x.yaml")
    nocode = score_organisation(instrument, org)
    assert [g.key for g in comparison(instrument, nocode, ComparisonIndex(instrument, everyone + [nocode]))] == ["alla", "kommun"]


def test_every_group_shown_is_a_column_of_one_table_and_only_two_are_charted(instrument, everyone):
    from ambitionsgraf.comparisons import comparison_view

    me = next(r for r in everyone if r.organisation.code == "0114")
    view = comparison_view(instrument, me, [g.as_shown() for g in comparison(instrument, me, ComparisonIndex(instrument, everyone))])
    assert [g["short"] for g in view["shown"]] == ["Alla", "Kommunerna", "Huvudgrupp A", "Kommungrupp A2", "Stockholms län"]
    assert len(view["rows"]) == 6 and all(len(row["cells"]) == 5 for row in view["rows"])
    assert [c["short"] for c in view["charted"]] == ["Alla", "Stockholms län"]  # the widest and the narrowest
    stockholm = next(r for r in everyone if r.organisation.code == "0180")
    view = comparison_view(
        instrument, stockholm, [g.as_shown() for g in comparison(instrument, stockholm, ComparisonIndex(instrument, everyone))]
    )
    assert [g["short"] for g in view["hidden"]] == ["Kommungrupp A1"]
    assert view["hidden"][0]["text"].startswith(
        "Jämförelsen med kommunerna i kommungrupp A1, storstäder, med mätning 2024 visas inte: gruppen har 2 andra"
    )
