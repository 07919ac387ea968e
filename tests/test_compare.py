"""Roles, trend and comparison numbers on hand-made answer sets, including the five-organisation floor."""

from __future__ import annotations

import json
import subprocess
from fractions import Fraction as F
from pathlib import Path

from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.comparisons import comparison_view
from ambitionsgraf.overview import quadrant_counts, question_distribution, select
from ambitionsgraf.peergroups import ComparisonIndex
from ambitionsgraf.peergroups import comparison as compare
from ambitionsgraf.scoring import score_organisation
from ambitionsgraf.views import change

from .conftest import run_build, write_orgs
from .helpers import answer_file, uniform


def scored(instrument, slug, rounds, typ="kommun"):
    text = answer_file(rounds, namn=f"{slug.title()} kommun", typ=typ)
    org, problems = parse_organisation(instrument, Path(f"orgs/{slug}.yaml"), text.encode(), f"orgs/{slug}.yaml")
    assert not problems, problems
    return score_organisation(instrument, org)


def comparison(instrument, me, everyone):
    return compare(instrument, me, ComparisonIndex(instrument, everyone))


def population(instrument, values, year="2024", typ="kommun"):
    return [scored(instrument, f"o{i}", [(f"{year}-03-01", [("inkopschef", uniform(v))])], typ=typ) for i, v in enumerate(values)]


def test_position_is_share_of_others_strictly_below(instrument):
    me = scored(instrument, "me", [("2024-05-01", [("inkopschef", uniform(3))])])
    others = population(instrument, [1, 2, 2, 4, 3])  # verksamhet 1, 2, 2, 4, 3: three of five below 3
    groups = comparison(instrument, me, [me] + others)
    alla, kommun = groups
    assert alla.shown and kommun.shown and alla.size == 5
    verksamhet = next(p for p in alla.positions if p.key == "verksamhet")
    assert verksamhet.share_below == F(3, 5)
    view = comparison_view(instrument, me, [g.as_shown() for g in groups])
    # Every other organisation is a municipality: the two groups are one, said once.
    assert len(view["groups"]) == 1 and view["groups"][0]["same_as"] == ["kommunerna med mätning 2024"]
    assert {"label": "Samspel mellan inköpsfunktionen och verksamheten", "cells": ["60 %"]} in view["rows"]
    assert len(view["charted"]) == 1
    assert len(view["charted"][0]["chart"].markers) == 5  # four distinct anonymous points (two share one) and the organisation


def test_groups_below_five_others_are_not_shown(instrument):
    me = scored(instrument, "me", [("2024-05-01", [("inkopschef", uniform(3))])])
    four = population(instrument, [1, 2, 3, 4])
    groups = comparison(instrument, me, [me] + four)
    assert [g.shown for g in groups] == [False, False]
    assert all(g.points is None and g.positions == () for g in groups)


def test_comparison_uses_same_year_and_own_type(instrument):
    me = scored(instrument, "me", [("2024-05-01", [("inkopschef", uniform(3))])])
    other_year = population(instrument, [1, 1, 1, 1, 1], year="2023")
    regions = [scored(instrument, f"r{i}", [("2024-02-01", [("inkopschef", uniform(1))])], typ="region") for i in range(5)]
    alla, kommun = comparison(instrument, me, [me] + other_year + regions)
    assert alla.size == 5 and alla.shown  # the five regions of 2024, not the 2023 rounds
    assert kommun.size == 0 and not kommun.shown


def test_trend_arrows_carry_sign_and_number():
    assert change(F(16, 5), F(13, 5)) == {"arrow": "▲", "text": "+0,6", "direction": "up", "sr": "ökning med 0,6 sedan förra mätningen"}
    assert change(F(2), F(5, 2))["text"] == "−0,5"
    assert change(F(2), F(2))["arrow"] == "="
    assert change(F(2), None) is None


def test_roles_and_trend_in_a_multi_round_organisation(instrument):
    r = scored(
        instrument,
        "x",
        [
            ("2022-01-10", [("inkopschef", uniform(2)), ("verksamhet", uniform(2))]),
            ("2024-01-10", [("inkopschef", uniform(4)), ("verksamhet", uniform(1)), ("politisk_ledning", uniform(3))]),
        ],
    )
    latest, before = r.latest, r.assessments[0]
    assert latest.overall.axes["verksamhet"] == F(8, 3)  # (4 + 1 + 3) / 3
    assert before.overall.axes["verksamhet"] == 2
    assert latest.roles["verksamhet"].axes["verksamhet"] == 1
    assert list(latest.roles) == ["politisk_ledning", "inkopschef", "verksamhet"]  # instrument order
    assert latest.questions["h_nojdhet"].spread == 3  # 4 vs 1: a conversation starter
    assert latest.questions["h_nojdhet"].points_by_role == {"politisk_ledning": (3,), "inkopschef": (4,), "verksamhet": (1,)}


def test_overview_counts(instrument):
    # two alike per organisation: a round one person answered counts as without answers per question (scoring.details_public)
    orgs = [
        scored(instrument, f"o{i}", [("2024-03-01", [("inkopschef", uniform(v)), ("verksamhet", uniform(v))])])
        for i, v in enumerate([1, 2, 3, 4, 3])
    ]
    sel = select(orgs, "kommun", "2024")
    assert dict(quadrant_counts(instrument, sel)) == {
        "Ändamålsenlig inköpsorganisation": 3,
        "Systematiskt samspel med ledningen": 0,
        "Systematiskt samspel med verksamheten": 0,
        "Tillfälligt samspel": 2,
    }
    dist = {d["id"]: d for d in question_distribution(instrument, sel)}
    assert dist["v1_matt"]["counts"] == {"4": 1, "3": 2, "2": 1, "1": 1}
    assert dist["v1_mal"]["counts"] == {"ja": 5, "nej": 0}
    assert select(orgs, "region", None).rounds == ()


def test_delivery_report_shows_comparison_only_above_the_floor(tmp_path):
    files = {
        f"o{i}.yaml": answer_file([("2024-03-01", [("inkopschef", uniform(v))])], namn=f"Kommun {i}") for i, v in enumerate([1, 2, 2, 4, 3])
    }
    files["me.yaml"] = answer_file([("2024-05-01", [("inkopschef", uniform(3)), ("verksamhet", uniform(2))])], namn="Min kommun")
    run_build(write_orgs(tmp_path / "orgs", files), tmp_path / "out", pdf=True, only="me")
    data = json.loads((tmp_path / "out" / "leverans" / "me.json").read_text())
    assert data["jamforelse"][0]["visas"] is True and data["jamforelse"][0]["antal"] == 5
    text = subprocess.run(["pdftotext", str(tmp_path / "out" / "leverans" / "me.pdf"), "-"], capture_output=True, text=True).stdout
    text = " ".join(text.split())
    assert "Jämfört med alla organisationer med mätning 2024" in text
    assert "Jämförelsen med kommunerna med mätning 2024 ger samma siffror och samma punkter." in text
    assert "andelen av de andra i gruppen som har ett lägre värde" in text and "Jämfört med kommunerna" not in text
    assert "Alla organisationer med mätning 2024: 5 andra." in text
    for i in range(5):
        assert f"Kommun {i}" not in text  # anonymous


def test_share_below_counts_exactly_with_floats_and_with_fractions(instrument):
    """The index sorts by float when that is exact; a value it cannot vouch for switches the group to Fractions."""
    from types import SimpleNamespace

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from ambitionsgraf.scoring import GroupScore, RoundSummary

    def member(i, v):
        areas = {a.id: v for a in instrument.areas}
        overall = GroupScore(1, areas, {"ledning": v, "verksamhet": v}, "x")
        latest = RoundSummary("2024-01-01", overall, {})
        return SimpleNamespace(
            organisation=SimpleNamespace(type="kommun", slug=f"o{i}", published=True), assessments=(latest,), latest=latest
        )

    fractions = st.builds(F, st.integers(4, 16), st.sampled_from([4, 5, 6, 8, 15, 20, 60]))
    awkward = st.builds(lambda k: 3 + F(k, 2**60), st.integers(0, 3))  # all one float: 3.0

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.one_of(fractions, fractions, awkward), min_size=6, max_size=30))
    def check(values):
        everyone = [member(i, v) for i, v in enumerate(values)]
        index = ComparisonIndex(instrument, everyone)
        for me, mine in zip(everyone, values):
            position = compare(instrument, me, index)[0].positions[0]
            below = sum(1 for v in values if v < mine)
            assert position.share_below == F(below, len(values) - 1)

    check()
