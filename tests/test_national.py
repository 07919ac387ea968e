"""The national follow-up per round year: counts and changes against hand-computed values, the
rule for small groups, that unpublished organisations never count, and the page and PDF."""

from __future__ import annotations

from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ambitionsgraf import national
from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.scoring import question_status, score_organisation, step_statuses, summarise

from .helpers import answer_file, uniform
from .test_scoring import respondent


def scored(instrument, text: str, name: str = "test"):
    org, problems = parse_organisation(instrument, Path(f"orgs/{name}.yaml"), text.encode(), f"orgs/{name}.yaml")
    assert problems == [], problems
    return score_organisation(instrument, org)


@settings(max_examples=60, deadline=None)
@given(st.lists(respondent(), min_size=1, max_size=5))
def test_a_summary_gives_the_same_step_statuses_as_the_whole_result(instrument, respondents):
    """The follow-up reads summaries, which keep question means and not answers: the means alone
    must give every question's and step's status as the answers do (ja/nej included)."""
    result = scored(instrument, answer_file([("2024-01-10", respondents)]))
    round_ = summarise(result).latest
    statuses = {q.id: question_status(instrument, q.id, round_.questions[q.id].mean) for q in instrument.questions}
    assert statuses == {qid: q.status for qid, q in result.latest.questions.items()}
    assert step_statuses(instrument, statuses) == dict(result.latest.steps)


# -- a fixture computed by hand -------------------------------------------------------------------
#
# One respondent per round, answering every ledning question `l` (v1_mal ja) and every
# verksamhet question `v` (None: vet_ej, so no verksamhet value and no point). Then
#   ledning = ((3 + 4l)/5 + l + l) / 3 = (3 + 14l)/15: L(2) = 31/15, L(3) = 3, L(4) = 59/15
#   verksamhet = v
# and one step on the scale moves ledning by 14/15. Quadrants at 2,5: (3, 3) and (4, 4) are
# ändamålsenlig, (2, 3) verksamhet, (3, 2) ledning, (2, 2) tillfällig.

H = ("h_forbereda", "h_genomfora", "h_avtalsuppfoljning", "h_kategoriteam", "h_nojdhet")


def svar(l: int, v: int | None) -> dict:
    return uniform(l, **{h: "vet_ej" if v is None else v for h in H})


FIXTURE = {  # slug: (type, published, SKR group, {date: (l, v)})
    "k1": ("kommun", True, "A1", {"2023-03-01": (2, 2), "2025-03-01": (3, 3)}),
    "k2": ("kommun", True, "A1", {"2023-03-01": (3, 3), "2025-03-01": (4, 4)}),
    "k3": ("kommun", True, "A2", {"2021-03-01": (2, 2), "2023-03-01": (3, 2), "2025-03-01": (3, 3)}),
    "k4": ("kommun", True, "A2", {"2025-04-01": (2, 3)}),
    "k5": ("kommun", True, "B3", {"2023-03-01": (3, 3), "2025-03-01": (2, 2)}),
    "k6": ("kommun", True, "B3", {"2021-03-01": (3, 2), "2025-03-01": (2, 3)}),
    "k7": ("kommun", True, None, {"2024-03-01": (3, 4), "2025-03-01": (4, 4)}),
    "k8": ("kommun", True, "A1", {"2023-03-01": (2, 3), "2025-02-01": (1, 1), "2025-09-01": (3, 3)}),
    "k9": ("kommun", True, "A1", {"2023-03-01": (2, 2)}),
    "r1": ("region", True, None, {"2023-03-01": (2, 2), "2025-03-01": (2, 2)}),
    "r2": ("region", True, None, {"2025-05-01": (3, None)}),
    "m1": ("myndighet", True, None, {"2023-03-01": (2, None), "2025-03-01": (3, 3)}),
    # Never counted: they would change every figure below.
    "u1": ("kommun", False, "A1", {"2023-03-01": (1, 1), "2025-03-01": (1, 1)}),
    "u2": ("region", False, None, {"2025-03-01": (4, 4)}),
}
MAIN_GROUPS = {"A": "Storstäder och storstadsnära kommuner", "B": "Större städer och kommuner nära större stad",
               "C": "Mindre städer/tätorter och landsbygdskommuner"}
GROUPS = {"A1": "Storstäder", "A2": "Pendlingskommun nära storstad", "B3": "Större stad", "B4": "Pendlingskommun nära större stad",
          "B5": "Lågpendlingskommun nära större stad", "C6": "Mindre stad/tätort", "C7": "Pendlingskommun nära mindre stad/tätort",
          "C8": "Landsbygdskommun", "C9": "Landsbygdskommun med besöksnäring"}
SIZES = {"A1": 3, "A2": 43, "B3": 23, "B4": 63, "B5": 24, "C6": 27, "C7": 51, "C8": 35, "C9": 21}
GROUPING = national.Grouping("SKR:s kommungruppsindelning 2023", "kommun", MAIN_GROUPS, GROUPS,
                             lambda org: FIXTURE[org.slug][2], SIZES)


def fixture_files(fixture: dict = FIXTURE) -> dict[str, str]:
    return {f"{slug}.yaml": answer_file([(d, [("inkopschef", svar(*lv))]) for d, lv in rounds.items()], namn=f"Organisation {slug}",
                                        typ=typ, publicerad=published)
            for slug, (typ, published, _, rounds) in fixture.items()}


@pytest.fixture(scope="module")
def everyone(instrument):
    return [summarise(scored(instrument, text, name.removesuffix(".yaml"))) for name, text in fixture_files().items()]


@pytest.fixture(scope="module")
def published(everyone):
    return [r for r in everyone if r.organisation.published]


@pytest.fixture(scope="module")
def report(instrument, published):
    return national.year_report(instrument, published, "2025", GROUPING)


def test_years_are_those_of_published_rounds(published):
    assert national.years(published) == ["2021", "2023", "2024", "2025"]


def test_who_took_part_by_type_and_group(report):
    assert report.members == 11  # k1–k8, r1, r2, m1: k9 has no round in 2025, u1 and u2 are not published
    by = {(t.kind, t.key): t for t in report.tallies}
    assert {k: t.members for (kind, k), t in by.items() if kind == "typ"} == {"kommun": 8, "region": 2, "myndighet": 1}
    assert {k: t.members for (kind, k), t in by.items() if kind == "grupp" and t.members} == {"A1": 3, "A2": 2, "B3": 2}
    assert by["huvudgrupp", "A"].members == 5 and by["huvudgrupp", "B"].members == 2 and by["huvudgrupp", "C"].members == 0
    assert by["huvudgrupp", "A"].size == 46 and by["grupp", "A1"].size == 3
    assert by["okand", "okand"].members == 1  # k7, a municipality without a code


def test_quadrants_overall_and_per_group(report):
    by = {(t.kind, t.key): t.quadrants for t in report.tallies}
    # 2025: k1 k2 k3 k7 k8 m1 ändamålsenlig; k4 k6 (2, 3) verksamhet; k5 r1 (2, 2) tillfällig; r2 no point
    assert by["alla", "alla"] == {"andamalsenlig": 6, "ledning": 0, "verksamhet": 2, "tillfallig": 2, None: 1}
    assert by["typ", "kommun"] == {"andamalsenlig": 5, "ledning": 0, "verksamhet": 2, "tillfallig": 1, None: 0}
    assert by["typ", "region"] == {"andamalsenlig": 0, "ledning": 0, "verksamhet": 0, "tillfallig": 1, None: 1}
    assert by["huvudgrupp", "A"] == {"andamalsenlig": 4, "ledning": 0, "verksamhet": 1, "tillfallig": 0, None: 0}
    assert by["grupp", "A1"] == {"andamalsenlig": 3, "ledning": 0, "verksamhet": 0, "tillfallig": 0, None: 0}
    assert by["grupp", "B3"] == {"andamalsenlig": 0, "ledning": 0, "verksamhet": 1, "tillfallig": 1, None: 0}


def test_transitions_compare_with_the_latest_round_of_an_earlier_year(report):
    tr = report.transitions
    # k8's February round is a redo in 2025, neither its 2025 round nor an earlier one: 2023 is.
    assert tr.pairs == 9 and tr.earlier_years == {"2021": 1, "2023": 7, "2024": 1}
    assert tr.table == {
        ("tillfallig", "andamalsenlig"): 1,  # k1
        ("andamalsenlig", "andamalsenlig"): 2,  # k2, k7
        ("ledning", "andamalsenlig"): 1,  # k3, from its 2023 round (3, 2), not 2021
        ("andamalsenlig", "tillfallig"): 1,  # k5
        ("ledning", "verksamhet"): 1,  # k6
        ("verksamhet", "andamalsenlig"): 1,  # k8
        ("tillfallig", "tillfallig"): 1,  # r1
        (None, "andamalsenlig"): 1,  # m1: no verksamhet value in 2023
    }
    # ledning: +14/15 for k1 k2 k7 k8 m1, 0 for k3 r1, −14/15 for k5 k6: nine values, the fifth is 14/15
    assert tr.changes["ledning"] == (F(-14, 15),) * 2 + (F(0),) * 2 + (F(14, 15),) * 5
    assert tr.median("ledning") == F(14, 15)
    # verksamhet (m1 has none in 2023): +1 k1 k2 k3 k6, 0 k7 k8 r1, −1 k5: eight values, (0 + 1)/2
    assert tr.changes["verksamhet"] == (F(-1),) + (F(0),) * 3 + (F(1),) * 4
    assert tr.median("verksamhet") == F(1, 2)


def test_answer_levels_and_steps(instrument, report):
    q = {d["id"]: d for d in report.questions}
    assert q["v1_matt"]["counts"] == {"4": 2, "3": 5, "2": 4, "1": 0} and q["v1_matt"]["missing"] == 0
    assert q["h_forbereda"]["counts"] == {"4": 2, "3": 6, "2": 2, "1": 0} and q["h_forbereda"]["missing"] == 1  # r2: vet ej
    assert q["v1_mal"]["counts"] == {"ja": 11, "nej": 0}
    # orientering is v1_spendanalys alone: l = 4 in place, 3 partly, 2 to develop
    assert report.steps["orientering"] == {"pa_plats": 2, "delvis": 5, "utvecklingsomrade": 4, None: 0}
    # styrdokument: v1_mal (all ja, in place) and v3_styrdokument (l): the weaker decides
    assert report.steps["styrdokument"] == report.steps["orientering"]
    assert report.steps["roller_mandat"] == {"pa_plats": 2, "delvis": 6, "utvecklingsomrade": 2, None: 1}


def test_the_view_shows_shares_only_for_five_or_more(instrument, report):
    view = national.report_view(instrument, report, site_url=None)
    rows = {r["label"]: r for s in view["quadrants"]["sections"] for r in s["rows"]}
    shown = lambda row: [(c["share"], c["count"]) for c in row["cells"]]  # noqa: E731
    # 6/11 = 54,5 % → 55; 2/11 = 18,2 % → 18; 1/11 = 9,1 % → 9 (whole percent, halves up)
    assert shown(rows["Alla organisationer"]) == [("55 %", 6), ("0 %", 0), ("18 %", 2), ("18 %", 2), ("9 %", 1)]
    assert shown(rows["Kommun"]) == [("63 %", 5), ("0 %", 0), ("25 %", 2), ("13 %", 1), ("0 %", 0)]  # 5/8 = 62,5 → 63
    assert shown(rows["A. Storstäder och storstadsnära kommuner"]) == [("80 %", 4), ("0 %", 0), ("20 %", 1), ("0 %", 0), ("0 %", 0)]
    assert shown(rows["A1. Storstäder"]) == [(None, 3), (None, 0), (None, 0), (None, 0), (None, 0)]  # three: counts only
    assert rows["A1. Storstäder"]["note"] and not rows["Alla organisationer"]["note"]
    assert "C. Mindre städer/tätorter och landsbygdskommuner" not in rows  # nobody measured: only in the participation table
    assert [r["label"] for r in view["participation"]["groups"]][-1] == "Kommun utan kod (okänd grupp)"
    assert {g["label"]: g["of"] for g in view["participation"]["groups"]}["A1. Storstäder"] == "3 av 3"
    # The chart draws only groups of five or more, by their short names.
    assert [label for label, _, _ in view["quadrants"]["chart"]] == ["Alla", "A"]
    medians = {m["label"]: (m["median"], m["count"]) for m in view["transitions"]["medians"]}
    assert medians == {"Samspel mellan inköpsfunktionen och ledningen": ("+0,9", 9),
                       "Samspel mellan inköpsfunktionen och verksamheten": ("+0,5", 8)}
    assert view["transitions"]["moves"] == {"same": 3, "up": 3, "down": 1, "across": 1, "no_point": 1}
    assert view["summary"][0] == "11 publicerade organisationer mättes 2025 (kommun 8, region 2, myndighet 1)."


def test_small_years_show_counts_and_no_median(instrument, published):
    view = national.report_view(instrument, national.year_report(instrument, published, "2024", GROUPING), site_url=None)
    assert view["members"] == 1
    assert view["questions"]["chart"] is None and view["steps"]["chart"] is None and view["quadrants"]["chart"] == []
    assert all(c["share"] is None for row in view["questions"]["rows"] for c in row["cells"])
    assert [m["median"] for m in view["transitions"]["medians"]] == [None, None]


def test_unpublished_organisations_are_refused(instrument, everyone):
    with pytest.raises(ValueError, match="published organisations only"):
        national.year_report(instrument, everyone, "2025", GROUPING)
