"""Scores computed by hand from the appendix's formulas (arithmetic shown), and their properties."""

from __future__ import annotations

from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.scoring import priorities, question_status, score_organisation, status_rule

from .helpers import QUESTIONS, answer_file, uniform


def score(instrument, text: str):
    org, problems = parse_organisation(instrument, Path("orgs/test.yaml"), text.encode(), "orgs/test.yaml")
    assert problems == [], problems
    return score_organisation(instrument, org)


def test_all_top_answers(instrument):
    r = score(instrument, answer_file([("2024-01-10", [("inkopschef", uniform(4))])])).latest
    # strategi: (ja=3 + 4+4+4+4) / 5 = 19/5 = 3,8
    assert r.overall.areas["strategi_planering"] == F(19, 5)
    # uppföljning: (4+4+4+4) / 4 = 4
    assert r.overall.areas["uppfoljning_analys"] == 4
    # ansvar: (1·4 + 1·4 + 1·4 + 1·4 (hela) + 1·4) / 5 = 4
    assert r.overall.areas["ansvar_organisation"] == 4
    # ledning: (3,8 + 4 + 4) / 3 = 11,8/3
    assert r.overall.axes["ledning"] == F(59, 15)
    assert r.overall.axes["verksamhet"] == 4
    assert r.overall.quadrant == "andamalsenlig"


def test_all_lowest_answers_with_partial_follow_up(instrument):
    svar = uniform(1, mal="nej", omfattning="delar")
    r = score(instrument, answer_file([("2024-01-10", [("inkopschef", svar)])])).latest
    # strategi: (nej=0 + 1+1+1+1) / 5 = 0,8 — the report's lower bound
    assert r.overall.areas["strategi_planering"] == F(4, 5)
    # ansvar: (1+1+1 + 0,5·1 + 1) / 5 = 4,5/5 = 0,9 — the report's lower bound
    assert r.overall.areas["ansvar_organisation"] == F(9, 10)
    # ledning: (0,8 + 1 + 0,9) / 3 = 0,9
    assert r.overall.axes["ledning"] == F(9, 10)
    assert r.overall.quadrant == "tillfallig"


def test_two_respondents_mean_of_respondent_area_scores(instrument):
    a = uniform(3, omfattning="delar")  # strategi (3+12)/5 = 3; uppf 3; ansvar (3+3+3+1,5+3)/5 = 2,7; verks 3
    b = uniform(2, mal="nej")  # strategi (0+8)/5 = 1,6; uppf 2; ansvar 10/5 = 2; verks 2
    r = score(instrument, answer_file([("2024-01-10", [("politisk_ledning", a), ("verksamhet", b)])])).latest
    assert r.overall.areas["strategi_planering"] == F(23, 10)  # (3 + 1,6) / 2
    assert r.overall.areas["uppfoljning_analys"] == F(5, 2)  # (3 + 2) / 2
    assert r.overall.areas["ansvar_organisation"] == F(47, 20)  # (2,7 + 2) / 2 = 2,35
    assert r.overall.axes["ledning"] == F(143, 60)  # (2,3 + 2,5 + 2,35) / 3 = 7,15/3
    assert r.overall.axes["verksamhet"] == F(5, 2)  # (3 + 2) / 2, exactly at the threshold
    assert r.overall.quadrant == "verksamhet"  # ledning 2,383 < 2,5 ≤ verksamhet
    # per role: each role is its own group
    assert r.roles["politisk_ledning"].axes["ledning"] == F(87, 30)  # (3 + 3 + 2,7) / 3
    assert r.roles["verksamhet"].axes["verksamhet"] == 2
    # v1_mal mean in points: (3 + 0) / 2; spread 3 − 0
    assert r.questions["v1_mal"].mean == F(3, 2)
    assert r.questions["v1_mal"].spread == 3
    assert r.questions["v1_matt"].spread == 1


def test_missing_answers_exclude_only_that_area(instrument):
    a = uniform(4, v2_hallbarhet="vet_ej")  # no uppföljning value; others as all-4
    b = uniform(2, h_nojdhet=None)  # absent key: no samspel value
    r = score(instrument, answer_file([("2024-01-10", [("inkopschef", a), ("verksamhet", b)])])).latest
    assert r.overall.areas["uppfoljning_analys"] == 2  # only b: 8/4
    assert r.overall.areas["samspel_verksamhet"] == 4  # only a: 20/5
    assert r.overall.areas["strategi_planering"] == 3  # a: 19/5 = 3,8; b: (ja 3 + 2+2+2+2)/5 = 2,2; (3,8 + 2,2) / 2
    assert r.missing == {"v2_hallbarhet": 1, "h_nojdhet": 1}
    assert r.questions["v2_hallbarhet"].dont_know == 1
    assert r.questions["h_nojdhet"].dont_know == 0
    assert r.incomplete_areas == {"uppfoljning_analys": 1, "samspel_verksamhet": 1}
    assert r.questions["v2_hallbarhet"].mean == 2 and r.questions["v2_hallbarhet"].answered == 1


def test_no_axis_without_all_three_leadership_areas(instrument):
    r = score(instrument, answer_file([("2024-01-10", [("inkopschef", uniform(3, v1_plan="vet_ej"))])])).latest
    assert r.overall.areas["strategi_planering"] is None
    assert r.overall.axes["ledning"] is None
    assert r.overall.quadrant is None


def test_mean_exactly_at_threshold_is_systematic(instrument):
    # strategi (3+2+2+2+2)/5 = 2,2; uppf (3+3+2+2)/4 = 2,5; ansvar (3+3+3+3+2)/5 = 2,8
    # ledning (2,2 + 2,5 + 2,8)/3 = 7,5/3 = 2,5 exactly; in floats 2.2+2.5+2.8 is not exact
    svar = uniform(2, v2_kunskapsunderlag=3, v2_resultatrapporter=3, v3_juridik=3, v3_styrdokument=3, v3_planering=3, v3_uppfoljning=3)
    r = score(instrument, answer_file([("2024-01-10", [("inkopschef", svar)])])).latest
    assert r.overall.axes["ledning"] == F(5, 2)
    assert r.overall.quadrant == "ledning"


def test_bare_number_counts_as_whole_portfolio_and_frequency_does_not_score(instrument):
    bare = uniform(3, v3_uppfoljning=3, v3_rapportering=3)
    full = uniform(3, v3_uppfoljning={"svar": 3, "omfattning": "hela"}, v3_rapportering={"svar": 3, "frekvens": "manad"})
    a = score(instrument, answer_file([("2024-01-10", [("inkopschef", bare)])])).latest
    b = score(instrument, answer_file([("2024-01-10", [("inkopschef", full)])])).latest
    assert a.overall.areas == b.overall.areas
    assert a.overall.areas["ansvar_organisation"] == 3


def test_rounds_sorted_by_date_whatever_order_and_quoting(instrument):
    text = answer_file([("2023-05-01", [("inkopschef", uniform(3))]), ("2021-05-01", [("inkopschef", uniform(2))])])
    text = text.replace("datum: 2021-05-01", 'datum: "2021-05-01"')  # a quoted date, which the writer never writes
    result = score(instrument, text)
    assert [a.date for a in result.assessments] == ["2021-05-01", "2023-05-01"]
    assert result.latest.overall.axes["verksamhet"] == 3


def test_statuses_and_priorities(instrument):
    # orientering (v1_spendanalys) 1 → utvecklingsområde; konkretisera (v1_kategori) 3 → delvis
    svar = uniform(4, v1_spendanalys=1, v1_kategori=3, h_forbereda=2)
    r = score(instrument, answer_file([("2024-01-10", [("inkopschef", svar)])])).latest
    assert r.steps["orientering"] == "utvecklingsomrade"
    assert r.steps["konkretisera"] == "delvis"
    assert r.steps["forbereda"] == "utvecklingsomrade"
    assert r.steps["strategi"] == "pa_plats"
    # utvecklingsområde first, steps before zones, then delvis
    assert priorities(instrument, r.steps) == ["orientering", "forbereda", "konkretisera"]


def test_ja_nej_status(instrument):
    some = score(instrument, answer_file([("2024-01-10", [("inkopschef", uniform(4)), ("verksamhet", uniform(4, mal="nej"))])])).latest
    assert some.questions["v1_mal"].status == "delvis"
    none = score(instrument, answer_file([("2024-01-10", [("inkopschef", uniform(4, mal="nej"))])])).latest
    assert none.questions["v1_mal"].status == "utvecklingsomrade"
    assert none.steps["styrdokument"] == "utvecklingsomrade"


def test_the_status_rule_the_browser_gets_is_question_status(instrument):
    """status_rule (question_status as data, for the self-assessment page) gives every question's
    every reachable mean the status question_status gives it: all means of one to six answers."""
    from itertools import combinations_with_replacement

    def by_rule(rule, mean):
        return next(st_ for st_, bound, strict in rule if bound is None or (mean > bound if strict else mean >= bound))

    checked = 0
    for q in instrument.questions:
        points = sorted({p for _, p in q.points}) if q.points else [v for v, _ in instrument.scale]
        rule = status_rule(instrument, q.id)
        for n in range(1, 7):
            for given_ in combinations_with_replacement(points, n):
                mean = F(sum(given_), n)
                assert by_rule(rule, mean) == question_status(instrument, q.id, mean), (q.id, given_)
                checked += 1
    assert checked > 19 * 6
    # and by hand, on the ja/nej question (ja = 3, nej = 0) and a scale question (minimums 3,5 and 2,5)
    assert [by_rule(status_rule(instrument, "v1_mal"), F(m)) for m in (3, 1, 0)] == ["pa_plats", "delvis", "utvecklingsomrade"]
    assert [by_rule(status_rule(instrument, "v1_matt"), m) for m in (F(7, 2), F(17, 5), F(5, 2), F(12, 5))] == [
        "pa_plats",
        "delvis",
        "delvis",
        "utvecklingsomrade",
    ]


scale_answer = st.sampled_from([1, 2, 3, 4, "vet_ej", None])


@st.composite
def respondent(draw):
    svar = {q: draw(scale_answer) for q in QUESTIONS}
    svar["v1_mal"] = draw(st.sampled_from(["ja", "nej", "vet_ej", None]))
    if svar["v3_uppfoljning"] not in (None, "vet_ej") and draw(st.booleans()):
        svar["v3_uppfoljning"] = {"svar": svar["v3_uppfoljning"], "omfattning": draw(st.sampled_from(["delar", "hela"]))}
    role = draw(st.sampled_from(["politisk_ledning", "forvaltningsledning", "inkopschef", "verksamhet"]))
    return role, {k: v for k, v in svar.items() if v is not None}


@settings(max_examples=60, deadline=None)
@given(st.lists(respondent(), min_size=1, max_size=5), st.randoms())
def test_properties_range_and_order_independence(instrument, respondents, rnd):
    r = score(instrument, answer_file([("2024-01-10", respondents)])).latest
    bounds = {
        "strategi_planering": (F(4, 5), F(19, 5)),
        "uppfoljning_analys": (1, 4),
        "ansvar_organisation": (F(9, 10), 4),
        "samspel_verksamhet": (1, 4),
    }
    for area, value in r.overall.areas.items():
        if value is not None:
            assert bounds[area][0] <= value <= bounds[area][1]
    shuffled = list(respondents)
    rnd.shuffle(shuffled)
    again = score(instrument, answer_file([("2024-01-10", shuffled)])).latest
    assert again.overall == r.overall and again.steps == r.steps


@settings(max_examples=40, deadline=None)
@given(respondent(), st.sampled_from([q for q in QUESTIONS if q != "v1_mal"]))
def test_property_raising_an_answer_never_lowers_a_score(instrument, resp, question):
    role, svar = resp
    current = svar.get(question)
    value = current["svar"] if isinstance(current, dict) else current
    if value not in (1, 2, 3):
        return
    raised = dict(svar)
    raised[question] = {**current, "svar": value + 1} if isinstance(current, dict) else value + 1
    before = score(instrument, answer_file([("2024-01-10", [(role, svar)])])).latest.overall
    after = score(instrument, answer_file([("2024-01-10", [(role, raised)])])).latest.overall
    for key in before.areas:
        if before.areas[key] is not None:
            assert after.areas[key] >= before.areas[key]
    for axis in before.axes:
        if before.axes[axis] is not None:
            assert after.axes[axis] >= before.axes[axis]


@pytest.mark.parametrize("value,shown", [(F(9, 4), "2,3"), (F(5, 2), "2,5"), (F(59, 15), "3,9"), (None, "–"), (F(-1, 20), "−0,1")])
def test_display_rounding_half_up_with_decimal_comma(value, shown):
    from ambitionsgraf.text import num

    assert num(value) == shown
