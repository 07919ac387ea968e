"""The national follow-up per round year: counts and changes against hand-computed values, the
rule for small groups, that unpublished organisations never count, and the page and PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
from fractions import Fraction as F
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ambitionsgraf import national
from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.scoring import question_status, score_organisation, step_statuses, summarise

from .conftest import ROOT, TEST_SITE_URL, project_settings, run_build, tree, write_orgs
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
    # The expectation, by SPEC's rules written out here (not by the functions under test): from the
    # respondents' points, a mean of at least 3,5 is på plats, at least 2,5 delvis, else utvecklingsområde;
    # v1_mal by how many said ja (3 points); a step the weakest of its questions, an unanswered one
    # capping it at delvis.
    order = ["pa_plats", "delvis", "utvecklingsomrade"]
    expected = {}
    for qid, q in result.latest.questions.items():
        points = [p for per_role in q.points_by_role.values() for p in per_role]
        if not points:
            expected[qid] = None
        elif qid == "v1_mal":
            expected[qid] = order[0] if all(p == 3 for p in points) else order[2] if not any(points) else order[1]
        else:
            mean = F(sum(points), len(points))
            expected[qid] = order[0] if mean >= F(7, 2) else order[1] if mean >= F(5, 2) else order[2]
    assert statuses == expected
    steps = {}
    for step in instrument.steps:
        own = [expected[q.id] for q in instrument.questions if q.step == step.id]
        known = [x for x in own if x is not None] + ([order[1]] if None in own else [])
        steps[step.id] = max(known, key=order.index) if any(x is not None for x in own) else None
    assert step_statuses(instrument, statuses) == steps == dict(result.latest.steps)


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
MAIN_GROUPS = {
    "A": "Storstäder och storstadsnära kommuner",
    "B": "Större städer och kommuner nära större stad",
    "C": "Mindre städer/tätorter och landsbygdskommuner",
}
GROUPS = {
    "A1": "Storstäder",
    "A2": "Pendlingskommun nära storstad",
    "B3": "Större stad",
    "B4": "Pendlingskommun nära större stad",
    "B5": "Lågpendlingskommun nära större stad",
    "C6": "Mindre stad/tätort",
    "C7": "Pendlingskommun nära mindre stad/tätort",
    "C8": "Landsbygdskommun",
    "C9": "Landsbygdskommun med besöksnäring",
}
SIZES = {"A1": 3, "A2": 43, "B3": 23, "B4": 63, "B5": 24, "C6": 27, "C7": 51, "C8": 35, "C9": 21}
GROUPING = national.Grouping("SKR:s kommungruppsindelning 2023", "kommun", MAIN_GROUPS, GROUPS, lambda org: FIXTURE[org.slug][2], SIZES)


def two(answers: dict) -> list[tuple[str, dict]]:
    """Two respondents who answer alike: the same means as one, and published per question (a round one
    person answered counts as without answers per question and step: scoring.details_public)."""
    return [("inkopschef", answers), ("verksamhet", answers)]


def fixture_files(fixture: dict = FIXTURE) -> dict[str, str]:
    return {
        f"{slug}.yaml": answer_file(
            [(d, two(svar(*lv))) for d, lv in rounds.items()], namn=f"Organisation {slug}", typ=typ, publicerad=published
        )
        for slug, (typ, published, _, rounds) in fixture.items()
    }


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


def test_change_per_question_and_step_for_those_measured_twice(instrument, report):
    """The nine pairs. Spendanalys (question 4, and the step Orientering) is 'i hög grad' at l = 4:
    before none of the nine, in 2025 k2 and k7 (2/9 = 22,2 %). The verksamhet questions: m1 had no
    answer before, so eight pairs; before k7 (1/8 = 12,5 % → 13 %), in 2025 k2 and k7 (25 %)."""
    ch = national.report_view(instrument, report, site_url=None)["changes"]
    q = {r["label"].split(".")[0]: r for r in ch["questions"]}
    assert (q["4"]["count"], q["4"]["before"], q["4"]["now"], q["4"]["change"], q["4"]["caution"]) == (9, "0 %", "22 %", "+22", True)
    assert (q["15"]["count"], q["15"]["before"], q["15"]["now"], q["15"]["change"]) == (8, "13 %", "25 %", "+12")
    assert (q["1"]["before"], q["1"]["now"], q["1"]["change"]) == ("100 %", "100 %", "±0")  # every answer ja
    steps = {r["label"]: r for r in ch["steps"]}
    assert (steps["Orientering"]["before"], steps["Orientering"]["now"]) == ("0 %", "22 %")
    # Moves between two quadrants: k1, k3, k5, k6, k8 (m1 had no point); each round has one interviewed.
    assert (ch["moved"], ch["few_respondents"]) == (5, 5)


def test_areas_and_axes_by_median_and_quartiles(instrument, report):
    """Area 1 per respondent is (3 + 4l)/5: 2,2 for k4 k5 k6 r1, 3,0 for k1 k3 k8 r2 m1, 3,8 for k2 k7.
    Eleven values: the lower quartile at position 2,5 (2,2), the median at 5 (3,0), the upper at 7,5 (3,0)."""
    areas = national.report_view(instrument, report, site_url=None)["areas"]
    everyone = areas["tables"][0]
    assert (everyone["label"], everyone["members"]) == ("Alla organisationer", 11)
    row = everyone["rows"][0]
    assert (row["label"], row["count"], row["q1"], row["median"], row["q3"], row["caution"]) == (
        "1. Strategi och planering",
        11,
        "2,2",
        "3,0",
        "3,0",
        True,
    )
    region = next(t for t in areas["tables"] if t["label"] == "Region")
    assert region["rows"][0]["median"] is None and region["rows"][0]["count"] == 2  # two: no median
    assert national.breakdowns.quantile([F(1), F(2), F(3), F(4)], F(1, 4)) == F(7, 4)  # position 0,75: 1 + 0,75


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
    a1 = {g["label"]: g for g in view["participation"]["groups"]}["A1. Storstäder"]
    assert (a1["measured"], a1["published"], a1["left_out"], a1["size"], a1["coverage"]) == (3, 3, 0, 3, "100 %")
    # The chart draws only groups of five or more.
    assert [label for label, _, _ in view["quadrants"]["chart"]["rows"]] == [
        "Alla organisationer",
        "Kommun",
        "A. Storstäder och storstadsnära kommuner",
    ]
    medians = {m["label"]: (m["median"], m["count"]) for m in view["transitions"]["medians"]}
    assert medians == {
        "Samspel mellan inköpsfunktionen och ledningen": ("+0,9", 9),
        "Samspel mellan inköpsfunktionen och verksamheten": ("+0,5", 8),
    }
    assert view["transitions"]["moves"] == {"same": 3, "up": 3, "down": 1, "across": 1, "no_point": 1}
    assert view["summary"][0] == "11 publicerade organisationer mättes 2025 (kommun 8, region 2, myndighet 1)."


def test_coverage_counts_the_unpublished_as_a_number_and_nothing_else(instrument, everyone, published):
    """u1 (kommun, A1) and u2 (region) took part in 2025 and are not published: counted as left out,
    in their type and group, and in no result."""
    coded = lambda org: ("01", "Stockholms län") if FIXTURE[org.slug][2] or FIXTURE[org.slug][0] == "region" else None  # noqa: E731
    sizes = dict(GROUPING.__dict__, type_sizes={"kommun": 290, "region": 21}, codes_edition="SCB:s koder", county_of=coded)
    grouping = national.Grouping(**sizes)
    took_part = national.participants(everyone, "2025", grouping)
    assert took_part[("alla", "alla")] == 13 and took_part[("typ", "kommun")] == 9 and took_part[("typ", "region")] == 3
    assert took_part[("grupp", "A1")] == 4 and took_part[("huvudgrupp", "A")] == 6 and took_part[("okand", "okand")] == 1
    report = national.year_report(instrument, published, "2025", grouping, took_part)
    alone = national.year_report(instrument, published, "2025", grouping)
    assert report.tallies == alone.tallies and report.questions == alone.questions and report.steps == alone.steps
    view = national.report_view(instrument, report, site_url=None)
    cov = view["participation"]
    row = lambda r: (r["label"], r["measured"], r["published"], r["left_out"], r["size"], r["coverage"])  # noqa: E731
    # Täckning counts the coded: seven published kommuner (k7 has no code), two regions: 7/290 = 2,4 %, 2/21 = 9,5 %.
    assert [row(r) for r in cov["types"]] == [
        ("Kommun", 9, 8, 1, 290, "2 %"),
        ("Region", 3, 2, 1, 21, "10 %"),
        ("Myndighet", 1, 1, 0, None, None),
    ]
    assert row(cov["total"]) == ("Alla organisationer", 13, 11, 2, None, None)
    groups = {r["label"]: row(r)[1:] for r in cov["groups"]}
    assert groups["A1. Storstäder"] == (4, 3, 1, 3, "100 %")  # u1 is a fourth participant in a group of three: its code is made up here
    assert groups["A. Storstäder och storstadsnära kommuner"] == (6, 5, 1, 46, "11 %")
    assert groups["C9. Landsbygdskommun med besöksnäring"] == (0, 0, 0, 21, "0 %")
    # 8/290 = 2,8 % and 2/21 = 9,5 %: under 60 %, so no claim of representativeness
    assert cov["representative"][0] == (
        "Av de 290 kommunerna i landet deltog 8 (3 %) och 7 är publicerade (2 %). Ytterligare 1 deltog "
        "utan kod i svarsfilen; den kan inte knytas till en plats i landet och räknas inte i täckningen. "
        "Med färre än 60 % publicerade kan resultaten inte sägas gälla för alla kommunerna i landet; de "
        "beskriver de publicerade kommunerna."
    )
    assert cov["representative"][2] == "För myndigheterna finns inget antal i landet att jämföra med, så representativiteten bedöms inte."
    assert [t for t, _ in view["terms"]] == ["Deltog", "Publicerade", "Ej publicerade", "I landet", "Täckning", "I hög grad", "På plats"]


def test_small_years_show_counts_and_no_median(instrument, published):
    view = national.report_view(instrument, national.year_report(instrument, published, "2024", GROUPING), site_url=None)
    assert view["members"] == 1
    # No bars of shares; the graph's one point is drawn: a published point is public already (the overview shows it).
    assert [c["file"] for c in national.charts_of(view)] == ["ambitionsgraf.svg"] and view["graph"]["count"] == 1
    assert all(c["share"] is None for g in view["questions"]["groups"] for row in g["rows"] for c in row["cells"])
    assert [m["median"] for m in view["transitions"]["medians"]] == [None, None]


def test_unpublished_organisations_are_refused(instrument, everyone):
    with pytest.raises(ValueError, match="published organisations only"):
        national.year_report(instrument, everyone, "2025", GROUPING)


# -- the build: pages, PDF, what is rendered again ------------------------------------------------


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("national")
    orgs = write_orgs(folder / "orgs", fixture_files())
    run_build(orgs, folder / "out", site_url=TEST_SITE_URL)
    return folder / "out"


def test_a_page_per_year_linked_from_the_overview(built):
    site = built / "site"
    assert sorted(p.name for p in (site / "oversikt").iterdir() if p.name.isdigit()) == ["2021", "2023", "2024", "2025"]
    assert sorted(p.name for p in (site / "oversikt" / "2025").iterdir()) == [
        "ambitionsgraf.svg",
        "fragor-ja-nej.svg",
        "fragor.svg",
        "i-hog-grad.svg",
        "index.html",
        "kvadranter.svg",
        "steg.svg",
    ]
    assert sorted(p.name for p in (site / "oversikt" / "2024").iterdir()) == [
        "ambitionsgraf.svg",
        "index.html",
    ]  # one organisation: its point, no bars
    for page in ("oversikt/index.html", "oversikt/alla-typer/2023/index.html", "oversikt/kommun/alla-ar/index.html"):
        html = (site / page).read_text()
        root = "../" * page.count("/")
        assert all(f'href="{root}oversikt/{y}/"' in html for y in ("2021", "2023", "2024", "2025")), page
    page = text_of((site / "oversikt" / "2025" / "index.html").read_text())
    assert "11 publicerade organisationer mättes 2025 (kommun 8, region 2, myndighet 1)." in page
    assert "55 % (6)" in page and "63 % (5)" in page and "+0,9" in page and "+0,5" in page
    assert "rapport.pdf" not in (site / "oversikt" / "2025" / "index.html").read_text()  # a build without PDFs links none
    one = text_of((site / "oversikt" / "2024" / "index.html").read_text())  # k7 alone: every count agrees in number
    assert "Uppföljningen gäller den organisation som mättes med ambitionsgrafen under 2024" in one
    assert "1 publicerad organisation mättes 2024 (kommun 1)." in one
    assert "Ingen av de 21 regionerna i landet deltog." in one and "deltog utan kod i svarsfilen; den kan inte" in one
    assert not re.search(r"\b(de|De) 1 \w+er\b|\b1 (organisationer|publicerade|punkter|kommuner)\b", one), one


def test_an_unpublished_organisations_answers_never_change_the_follow_up(built, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built, out)
    before = tree(out / "site" / "oversikt")
    changed = dict(
        FIXTURE,
        u1=("kommun", False, "A1", {"2023-03-01": (4, 4), "2025-03-01": (4, 4)}),
        u2=("region", False, None, {"2025-03-01": (2, 2)}),
    )
    orgs = write_orgs(tmp_path / "orgs", fixture_files(changed))
    summary = run_build(orgs, out, site_url=TEST_SITE_URL)
    assert {(d.slug, d.action, d.reason) for d in summary.plan.national} == {
        (y, "carry over", "unchanged") for y in ("2021", "2023", "2024", "2025")
    }
    assert tree(out / "site" / "oversikt") == before
    # A round it took part in is counted, as a number: 2021 now has one participant more, left out.
    changed["u2"] = ("region", False, None, {"2021-03-01": (1, 1), "2025-03-01": (2, 2)})
    write_orgs(orgs, fixture_files(changed))
    summary = run_build(orgs, out, site_url=TEST_SITE_URL)
    assert {d.slug for d in summary.plan.national if d.action == "render"} == {"2021"}
    page = text_of((out / "site" / "oversikt" / "2021" / "index.html").read_text())
    assert "Alla organisationer 3 2 1 – –" in page  # k3, k6 published; u2 left out
    # A published organisation's change in 2025 renders that year's page again, and no other.
    changed["k4"] = ("kommun", True, "A2", {"2025-04-01": (4, 4)})
    write_orgs(orgs, fixture_files(changed))
    summary = run_build(orgs, out, site_url=TEST_SITE_URL)
    assert {d.slug for d in summary.plan.national if d.action == "render"} == {"2025"}


def test_a_build_with_pdfs_renders_again_only_the_years_that_changed(tmp_path):
    files = {
        "a.yaml": answer_file([("2023-03-01", two(svar(2, 2))), ("2025-03-01", two(svar(3, 3)))], namn="A"),
        "b.yaml": answer_file([("2025-03-01", two(svar(3, 2)))], namn="B"),
    }
    orgs = write_orgs(tmp_path / "orgs", files)
    out = tmp_path / "out"
    run_build(orgs, out, pdf=True, jobs=2)
    assert (out / "site" / "oversikt" / "2023" / "rapport.pdf").is_file()
    assert 'href="rapport.pdf"' in (out / "site" / "oversikt" / "2025" / "index.html").read_text()
    files["b.yaml"] = answer_file([("2025-03-01", two(svar(4, 2)))], namn="B")
    write_orgs(orgs, files)
    summary = run_build(orgs, out, pdf=True, jobs=2)
    assert {(d.slug, d.part): d.action for d in summary.plan.national} == {
        ("2023", "national-pdf"): "carry over",
        ("2023", "national"): "carry over",
        ("2025", "national-pdf"): "render",
        ("2025", "national"): "render",
    }
    assert summary.pdfs == 3  # b's two, and the 2025 follow-up
    again = run_build(orgs, out, pdf=False)  # kept while current, and still linked
    assert again.plan is None or all(d.action == "carry over" for d in again.plan.national)
    assert 'href="rapport.pdf"' in (out / "site" / "oversikt" / "2025" / "index.html").read_text()


@pytest.fixture(scope="module")
def fixture_pdf(instrument, report, tmp_path_factory):
    from ambitionsgraf.pipeline.inputs import load_project
    from ambitionsgraf.site import national_pdf_files

    project = load_project(ROOT, project_settings())
    view = national.report_view(project.ins, report, site_url=project.site_url)
    path = tmp_path_factory.mktemp("national-pdf") / "rapport.pdf"
    path.write_bytes(national_pdf_files(project, view)["oversikt/2025/rapport.pdf"])
    return path


def test_the_pdf_reads_as_the_analyst_needs_it(fixture_pdf):
    layout = subprocess.run(["pdftotext", "-layout", str(fixture_pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(layout.split())

    def row(label: str) -> list[str]:
        """A table row's cells as the layout prints them on the row's first line (its label may wrap);
        the table's row, not a chart's bar of the same label, which comes first and holds no cells."""
        found = [re.split(r"\s{2,}", line.strip())[1:] for line in layout.splitlines() if line.strip().startswith(label)]
        return [cells for cells in found if cells][-1]

    assert text.startswith(
        "UPPHANDLINGSMYNDIGHETEN · AMBITIONSGRAFEN Nationell uppföljning 2025 11 publicerade organisationer med mätning 2025"
    )
    for said in (
        "55 % (6) ligger i kvadranten ändamålsenlig inköpsorganisation och 18 % (2) i tillfälligt samspel",
        "9 av dem hade mätts ett tidigare år",
        "3 ligger i samma kvadrant, 3 har fler axlar med systematiskt samspel, 1 färre",
        "Medianförändringen är +0,9 för samspel mellan inköpsfunktionen och ledningen och +0,5",
        "den tidigare mätningen: 2021 för 1, 2023 för 7, 2024 för 1",
        "SKR:s kommungruppsindelning 2023",
        "Sida 1 av",
    ):
        assert said in text, said
    participation = [re.split(r"\s{2,}", line.strip()) for line in layout.splitlines()]
    assert ["A1. Storstäder", "3", "3", "0", "3", "100 %"] in participation  # the fixture's report: those measured are the published
    assert ["Kommun utan kod (okänd grupp)", "1", "1", "0", "–", "–"] in participation
    assert row("Alla organisationer") == ["11", "55 % (6)", "0 % (0)", "18 % (2)", "18 % (2)", "9 % (1)"]
    assert row("A1. Storstäder (bara") == ["3", "3", "0", "0", "0", "0"]
    # The transition table: from no point (m1) to ändamålsenlig, and the column totals of the nine.
    assert row("Ingen punkt (svar") == ["1", "0", "0", "0", "0", "1"]
    assert row("Summa") == ["6", "0", "1", "2", "0", "9"]
    assert row("Samspel mellan inköpsfunktionen och ledningen") == ["+0,9", "9 organisationer"]
    assert row("Samspel mellan inköpsfunktionen och verksamheten") == ["+0,5", "8 organisationer"]


def table_cells(doc: list[dict], caption: str, headings: list[str], rows: list[str]) -> tuple[list, dict]:
    """In the PDF's table whose caption starts with `caption`, located with pdftotext -bbox: each
    heading's box (the union of its words, over the lines it wraps to) and each row's cells (its
    words after the label, joined where less than 4 pt apart), as (x0, x1, text)."""
    start = caption.split()
    for page in doc:
        words = page["words"]
        at = next((i for i in range(len(words)) if [w[4] for w in words[i : i + len(start)]] == start), None)
        if at is not None:
            break
    else:
        raise AssertionError(f"no caption {caption!r}")
    below = [w for w in words[at:] if w[1] > words[at][3]]
    first_row = min(w[1] for w in below if w[4] == rows[0].split()[0] and w[0] < words[at][0] + 20)
    band = [w for w in below if w[1] < first_row - 1]
    boxes, left = [], 0.0
    for heading in headings:
        parts = heading.split()
        head = min((w for w in band if w[4] == parts[0] and w[0] > left), key=lambda w: (w[0], w[1]))
        box, last = [head[0], head[2]], head
        for part in parts[1:]:  # the next word: just right of the last on its line, or on a later line under the heading
            last = min(
                (
                    w
                    for w in band
                    if w[4] == part
                    and (
                        (abs(w[1] - last[1]) < 2 and 0 <= w[0] - last[2] < 8)
                        or (w[1] > last[1] + 2 and w[0] < box[1] + 5 and w[2] > box[0] - 5)
                    )
                ),
                key=lambda w: (w[1], w[0]),
            )
            box = [min(box[0], last[0]), max(box[1], last[2])]
        boxes.append((box[0], box[1], heading))
        left = head[0] + 1
    cells = {}
    for label in rows:
        first = label.split()
        line_at = next(w for w in below if w[4] == first[0] and w[1] >= first_row - 1 and w[0] < words[at][0] + 20)
        line = sorted((w for w in below if abs(w[1] - line_at[1]) < 2), key=lambda w: w[0])
        values = [w for w in line if w[0] > boxes[0][0] - 20]
        joined: list[list] = []
        for w in values:
            if joined and w[0] - joined[-1][1] < 4:
                joined[-1] = [joined[-1][0], w[2], joined[-1][2] + " " + w[4]]
            else:
                joined.append([w[0], w[2], w[4]])
        cells[label] = [tuple(c) for c in joined]
    return boxes, cells


def assert_under_headings(boxes: list, cells: dict) -> None:
    """Each value's box overlaps its own heading's box and no other heading's."""
    for label, row in cells.items():
        assert len(row) == len(boxes), (label, row)
        for (x0, x1, text), (h0, h1, heading) in zip(row, boxes):
            assert x1 > h0 and x0 < h1, f"{label}: {text} is not under {heading}"
            others = [h for h in boxes if h[2] != heading and x1 > h[0] and x0 < h[1]]
            assert not others, f"{label}: {text} is under {others[0][2]} too"


def test_each_number_of_the_pdf_tables_stands_under_its_own_heading(fixture_pdf):
    from .test_pdf_layout import pages

    doc = pages(fixture_pdf)
    boxes, cells = table_cells(
        doc,
        "Organisationer per typ,",
        ["Deltog", "Publicerade", "Ej publicerade", "I landet", "Täckning"],
        ["Kommun", "Region", "Alla organisationer"],
    )
    assert [c[2] for c in cells["Alla organisationer"]] == ["11", "11", "0", "–", "–"]
    assert_under_headings(boxes, cells)
    boxes, cells = table_cells(
        doc,
        "Organisationer per svar, fråga 1,",
        ["Alla svarade ja", "Några svarade ja", "Ingen svarade ja", "Inget svar"],
        ["1. Vi har mål"],
    )
    assert [c[2] for c in cells["1. Vi har mål"]] == ["100 % (11)", "0 % (0)", "0 % (0)", "0 % (0)"]
    assert_under_headings(boxes, cells)
    boxes, cells = table_cells(
        doc, "Medianförändring per axel,", ["Medianförändring", "Bygger på"], ["Samspel mellan inköpsfunktionen och ledningen"]
    )
    assert_under_headings(boxes, cells)
    boxes, cells = table_cells(
        doc,
        "Kvadrant vid den tidigare",
        [
            "2025: Ändamålsenlig inköpsorganisation",
            "2025: Systematiskt samspel med ledningen",
            "2025: Systematiskt samspel med verksamheten",
            "2025: Tillfälligt samspel",
            "2025: Ingen punkt (svar saknas)",
            "Summa",
        ],
        ["Summa"],
    )
    assert [c[2] for c in cells["Summa"]] == ["6", "0", "1", "2", "0", "9"]
    assert_under_headings(boxes, cells)
    # The sum row is printed once, however the table falls on the pages.
    assert sum(1 for page in doc for w in page["words"] if w[4] == "Summa") == 2  # its heading and its row


def test_the_pdf_ends_with_the_instrument_and_every_interpretation(fixture_pdf, instrument):
    """The appendix, read from the instrument and the method page's Markdown (never a copy): every
    question with its lead-in, each area's formula, the threshold and the interpretations."""
    import re as _re

    from ambitionsgraf.pipeline.inputs import load_project

    from .test_pdf_layout import pages

    text = " ".join(subprocess.run(["pdftotext", str(fixture_pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    appendix = text[text.rindex("Bilaga: frågor, formler, gränser och tolkningar") :]
    # The question column of the appendix's tables, line by line: from its heading "Fråga" to "Svar och poäng".
    column = []
    for page in pages(fixture_pdf):
        words = page["words"]
        heads = [w for w in words if w[4] == "Nr"]
        if not heads:
            continue
        left = next(w[0] for w in words if w[4] == "Fråga" and abs(w[1] - heads[0][1]) < 2)
        right = next(w[0] for w in words if w[4] == "Svar" and abs(w[1] - heads[0][1]) < 2)
        column += [w[4] for w in sorted(words, key=lambda w: (round(w[1]), w[0])) if left - 1 <= w[0] < right - 1 and w[1] > heads[0][1]]
    questions = " ".join(column)
    for q in instrument.questions:
        preamble = instrument.area(q.area).preamble
        assert " ".join(((preamble + " ") if preamble else "").split() + q.text.split()) in questions, q.id
    assert "Σ (vikt × poäng) / 5" in appendix and "Σ poäng / 4" in appendix
    assert f"En axel är systematiskt från {str(float(instrument.threshold)).replace('.', ',')}" in appendix
    notes = load_project(ROOT, project_settings()).guidance.method_notes
    assert notes.title in appendix
    for heading in _re.findall(r"<h3[^>]*>(.*?)</h3>", notes.html):  # every interpretation's heading, in order
        assert " ".join(heading.split()) in appendix, heading


def test_the_pdf_is_tagged_with_every_chart_described(fixture_pdf):
    with pikepdf.open(fixture_pdf) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root and root.MarkInfo.Marked is True
        assert str(root.Lang) == "sv" and root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title) == "Ambitionsgrafen – Nationell uppföljning 2025"
        kinds: dict[str, int] = {}
        figures = []

        def walk(node, depth=0):
            if depth > 200 or not isinstance(node, pikepdf.Dictionary):
                return
            if (s := node.get("/S")) is not None:
                kinds[str(s)] = kinds.get(str(s), 0) + 1
                if str(s) == "/Figure":
                    figures.append(node)
            kids = node.get("/K")
            for k in kids if isinstance(kids, pikepdf.Array) else [kids] if isinstance(kids, pikepdf.Dictionary) else []:
                walk(k, depth + 1)

        walk(root.StructTreeRoot)
        assert kinds.get("/H1") == 1 and kinds.get("/H2", 0) >= 7
        assert kinds.get("/Table", 0) >= 8 and kinds.get("/TH", 0) > 50  # eight tables (one split over pages is tagged per page)
        assert len(figures) == 6  # the graph, quadrants, i hög grad, answers on the scale and yes or no, steps: each followed by its table
        for fig in figures:
            assert "tabellen" in str(fig.get("/Alt", ""))


@pytest.mark.parametrize("path", ["oversikt/2025/", "oversikt/2024/"])
def test_the_page_passes_axe_and_fits_a_phone(browser, built, tmp_path, path):
    from .browser import axe_violations, serve

    shutil.copytree(built / "site", tmp_path / "ambitionsgraf")
    with serve(tmp_path) as base:
        page = browser.new_page(viewport={"width": 360, "height": 740})
        failed = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and not r.url.endswith("favicon.ico") else None)
        page.goto(base + "ambitionsgraf/" + path)
        assert page.evaluate("document.documentElement.lang") == "sv"
        assert axe_violations(page) == []
        assert failed == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        for img in page.query_selector_all("figure.chart img"):
            assert img.evaluate("i => i.naturalWidth") > 0 and "tabellen" in img.get_attribute("alt")
        page.close()


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
    assert view["edition"] == "SKR:s kommungruppsindelning 2023"
    assert view["summary"][:3] == [
        "311 publicerade organisationer mättes 2025 (kommun 290, region 21).",
        "Av de 290 kommunerna i landet deltog 290 (100 %) och 290 är publicerade (100 %). "
        "Vår bedömning är att resultaten är representativa för kommunerna.",
        "Av de 21 regionerna i landet deltog 21 (100 %) och 21 är publicerade (100 %). "
        "Vår bedömning är att resultaten är representativa för regionerna.",
    ]
    groups = {g["label"].split(".")[0]: (g["published"], g["size"]) for g in view["participation"]["groups"]}
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
    rows = {
        r["label"].split(".")[0]: [(c["share"], c["count"]) for c in r["cells"]][:4]
        for s in view["quadrants"]["sections"]
        for r in s["rows"]
    }
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
    cov = view["participation"]
    assert [(t["label"], t["measured"], t["published"], t["left_out"], t["size"], t["coverage"]) for t in cov["types"]] == [
        ("Kommun", 290, 204, 86, 290, "70 %"),
        ("Region", 21, 10, 11, 21, "48 %"),
    ]
    groups = {g["label"].split(".")[0]: (g["measured"], g["published"], g["left_out"], g["size"], g["coverage"]) for g in cov["groups"]}
    assert groups["C"] == (134, 48, 86, 134, "36 %") and groups["C7"] == (51, 0, 51, 51, "0 %") and groups["A2"] == (43, 43, 0, 43, "100 %")
    assert cov["representative"][:2] == [
        "Av de 290 kommunerna i landet deltog 290 (100 %) och 204 är publicerade (70 %). Vår bedömning är att resultaten är "
        "representativa för kommunerna som helhet, men att det finns viss osäkerhet för huvudgrupp C (mindre städer/tätorter "
        "och landsbygdskommuner, 36 %), där färre än 60 % är publicerade.",
        "Av de 21 regionerna i landet deltog 21 (100 %) och 10 är publicerade (48 %). Med färre än 60 % publicerade kan "
        "resultaten inte sägas gälla för alla regionerna i landet; de beskriver de publicerade regionerna.",
    ]
    assert view["summary"][0] == "214 publicerade organisationer mättes 2025 (kommun 204, region 10)."


def test_every_place_per_county(every_place):
    """Per county, municipalities and the region: Gotland two (counts only), Blekinge five and the
    region (shown, with a caution), Stockholm 26 and the region (no caution)."""
    _, _, views = every_place
    rows = {r["label"]: r for r in views["2025"]["counties"]["rows"]}
    assert len(rows) == 21 and sum(r["count"] for r in rows.values()) == 311
    gotland, blekinge, stockholm = rows["Gotlands län"], rows["Blekinge län"], rows["Stockholms län"]
    assert (gotland["count"], gotland["best"]["share"], gotland["ledning"], gotland["caution"]) == (2, None, None, False)
    assert (blekinge["count"], blekinge["caution"]) == (6, True) and blekinge["best"]["share"] is not None
    assert (stockholm["count"], stockholm["caution"]) == (27, False)


def test_every_place_transitions_by_hand(every_place):
    _, _, views = every_place
    t = views["2025"]["transitions"]
    # From 2023 (tillfällig), j even: j ≡ 0 (mod 4) to ändamålsenlig, ⌈n/4⌉ a group, 81 in all;
    # j ≡ 2 (mod 4) to verksamhet, 79. From 2021 (ändamålsenlig), j ≡ 3 (mod 6): j ≡ 3 (mod 12) to
    # tillfällig (A2 4, B3 2, B4 5, B5 2, C6 2, C7 4, C8 3, C9 2, regions 2: 26) and j ≡ 9 (mod 12)
    # to ledning (A2 3, B3 2, B4 5, B5 2, C6 2, C7 4, C8 3, C9 1, regions 1: 23).
    assert t["pairs"] == 209 and t["earlier"] == [{"year": "2021", "count": 49}, {"year": "2023", "count": 160}]
    assert [(r["label"], r["cells"], r["total"]) for r in t["rows"]] == [
        ("Ändamålsenlig inköpsorganisation", [0, 23, 0, 26, 0], 49),
        ("Systematiskt samspel med ledningen", [0, 0, 0, 0, 0], 0),
        ("Systematiskt samspel med verksamheten", [0, 0, 0, 0, 0], 0),
        ("Tillfälligt samspel", [81, 0, 79, 0, 0], 160),
        ("Ingen punkt (svar saknas)", [0, 0, 0, 0, 0], 0),
    ]
    assert t["totals"] == [81, 23, 79, 26, 0] and t["total"] == 209
    assert t["moves"] == {"same": 0, "up": 160, "down": 49, "across": 0, "no_point": 0}
    # ledning: 26 × −14/15, 79 + 23 × 0, 81 × +14/15: the 105th of 209 is 0.
    # verksamhet: 26 + 23 × −1, 81 + 79 × +1: the 105th is +1.
    assert [(m["median"], m["count"]) for m in t["medians"]] == [("0,0", 209), ("+1,0", 209)]


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


def test_year_pages_never_meet_the_filter_pages(instrument):
    """oversikt/<year>/ beside oversikt/<type>/<year>/ and oversikt/alla-typer/…: a year is four
    digits (round dates are checked dates), so no type may be named like one."""
    from ambitionsgraf.layout import national_path, overview_path

    for t in instrument.types:
        assert not re.fullmatch(r"[0-9]+", t.id), t.id
    firsts = {overview_path(t, y).split("/")[1] for t in [None] + [t.id for t in instrument.types] for y in (None, "2025") if t or y}
    assert national_path("2025").split("/")[1] not in firsts and "2025" not in firsts


@pytest.mark.parametrize("which", ["fixture_pdf", "every_place_pdf"])
def test_the_pdf_stays_in_its_text_block_and_wastes_no_page(request, which):
    """As tests/test_pdf_layout.py checks the organisations' reports: every word between the margins
    report.css sets, the running header from page 2, and no page a stray line or two."""
    from .test_pdf_layout import MIN_WORDS, MIN_WORDS_LAST, body, page_margins, pages

    top, right, bottom, left = page_margins()
    doc = pages(request.getfixturevalue(which))
    for n, page in enumerate(doc, 1):
        for x0, y0, x1, y1, text in page["words"]:
            assert left - 0.5 <= x0 and x1 <= page["width"] - right + 0.5, (n, text)
            assert (top - 0.5 <= y0 or y1 <= top) and (y1 <= page["height"] - bottom + 0.5 or page["height"] - bottom <= y0), (n, text)
        header = " ".join(t for _, _, _, y1, t in page["words"] if y1 <= top)
        assert header == "" if n == 1 else header.startswith("Ambitionsgrafen – Nationell uppföljning 2025"), (n, header)
        least = MIN_WORDS if n < len(doc) else MIN_WORDS_LAST
        assert len(body(page, top, bottom)) >= least, (n, " ".join(t for *_, t in body(page, top, bottom))[:200])


def test_the_summary_compares_questions_not_steps(instrument):
    """Five organisations answering 3 everywhere, but orientering's spendanalys and hållbarhet (questions 4
    and 8, 6.4.1) at 4 in a and b, and kunskapsunderlag (6) at 4 in a: 40 %, 40 % and 20 % i hög grad, the
    other fifteen scale questions 0 %. The sentence names questions, never a step as having most in place."""

    def org(slug, strong_steps):
        answers = uniform(3, **{q.id: 4 for s in strong_steps for q in instrument.questions_of_step(s) if q.id != "v1_mal"})
        return summarise(scored(instrument, answer_file([("2025-03-01", two(answers))], namn=f"Org {slug}"), slug))

    published = [org("a", ["orientering", "kunskap"]), org("b", ["orientering"]), org("c", []), org("d", []), org("e", [])]
    view = national.report_view(instrument, national.year_report(instrument, published, "2025"), site_url=None)
    assert view["summary"][-2:] == [
        "Störst andel som i hög grad har det frågan beskriver finns för frågorna 4 och 8 (organisationsövergripande spendanalys och "
        "kategoriernas potential för hållbarhet, 40 %), "
        "minst för 15 frågor (0 % var). Steg i ledningssystemet jämförs inte med varandra, eftersom de har olika många frågor.",
        "Hos 100 % (5) svarade alla intervjuade ja på frågan om mål för inköpsverksamheten (fråga 1).",
    ]
    assert not any("flest" in s or "färst" in s for s in view["summary"])
    kunskap = next(r for r in view["steps"]["groups"][0]["rows"] if r["label"] == "Kunskapsgenerering")
    assert (kunskap["rule"], kunskap["questions"]) == ("Fråga 6 på plats", "6:\u00a020\u00a0%")
    uppfoljning = next(r for r in view["steps"]["groups"][0]["rows"] if r["label"] == "Uppföljning av strategin")
    assert uppfoljning["rule"] == "Alla fyra frågorna (7, 9, 13 och 14) på plats"
    orientering = next(r for r in view["steps"]["groups"][0]["rows"] if r["label"] == "Orientering")
    assert (orientering["rule"], orientering["questions"]) == ("Båda frågorna (4 och 8) på plats", "4:\u00a040\u00a0%, 8:\u00a040\u00a0%")


def test_question_1_follows_the_status_rule_in_the_answer_table_and_the_step(instrument):
    """Two of five organisations: all said ja; one: one ja of two (some); two: nej. The answer table
    counts 2 / 1 / 2, as the step Styrdokument does (its other question at 4 everywhere). Two people
    each: a round one person answered is never shown per question (scoring.details_public)."""

    def org(slug, mal):
        people = [(role, uniform(4, mal=m)) for role, m in zip(("inkopschef", "politisk_ledning"), mal)]
        return summarise(scored(instrument, answer_file([("2025-03-01", people)], namn=f"Org {slug}"), slug))

    published = [
        org("a", ["ja", "ja"]),
        org("b", ["ja", "ja"]),
        org("c", ["ja", "nej"]),
        org("d", ["nej", "nej"]),
        org("e", ["nej", "nej"]),
    ]
    view = national.report_view(instrument, national.year_report(instrument, published, "2025"), site_url=None)
    goals = next(g for g in view["questions"]["groups"] if g["id"] == "ja-nej")
    assert goals["levels"] == ["Alla svarade ja", "Några svarade ja", "Ingen svarade ja"]
    assert [(c["share"], c["count"]) for c in goals["rows"][0]["cells"]] == [("40 %", 2), ("20 %", 1), ("40 %", 2)]
    assert goals["rows"][0]["text"].startswith("Vi har mål för inköpsverksamheten")
    styr = next(r for r in view["steps"]["groups"][0]["rows"] if r["label"] == "Styrdokument och inköpspolicy")
    assert [(c["share"], c["count"]) for c in styr["cells"]] == [("40 %", 2), ("20 %", 1), ("40 %", 2)]
    first = view["headline"]["areas"][0]["rows"][0]
    assert (first["number"], first["high"]["share"], first["answered"]) == (1, "40 %", 5)
    # Area 3's questions keep their lead-in wherever they stand alone.
    scale = next(g for g in view["questions"]["groups"] if g["id"] == "skala")
    assert {r["number"]: r["text"] for r in scale["rows"]}[10] == "Inköpsfunktionen ansvarar för: Juridisk rådgivning och regelefterlevnad"
    assert view["headline"]["areas"][2]["preamble"] == "Inköpsfunktionen ansvarar för:"


# -- sharp edges: the rule of five in a median, and the sentence on moves --------------------------

EDGE = {  # slug: (2023, 2025) as (l, v); ledning changes −14/15, −14/15, +14/15, +14/15, +28/15
    "a": ((3, 3), (2, 2)),  # ändamålsenlig → tillfällig: fewer systematic axes
    "b": ((2, 2), (3, 3)),  # up
    "c": ((2, 2), (3, 2)),  # up (ledning only)
    "d": ((3, 2), (2, 3)),  # one systematic interplay for the other
    "e": ((2, 2), (4, 2)),  # up, +28/15
}


def edge_view(instrument, slugs):
    from ambitionsgraf.pipeline.inputs import load_project
    from ambitionsgraf.site import national_page_files

    published = [
        summarise(
            scored(
                instrument,
                answer_file(
                    [("2023-03-01", [("inkopschef", svar(*EDGE[s][0]))]), ("2025-03-01", [("inkopschef", svar(*EDGE[s][1]))])],
                    namn=f"Org {s}",
                ),
                s,
            )
        )
        for s in slugs
    ]
    project = load_project(ROOT, project_settings())
    view = national.report_view(project.ins, national.year_report(project.ins, published, "2025"), site_url=None)
    return view, text_of(national_page_files(project, view, pdf_linked=False)["oversikt/2025/index.html"])


def test_a_median_of_exactly_five_changes_is_shown_and_of_four_is_not(instrument):
    view, page = edge_view(instrument, "abcde")
    # One person each: the points count (public), the areas do not (that person's own answers).
    rows = {r["label"]: r for r in view["areas"]["tables"][0]["rows"]}
    assert rows["1. Strategi och planering"]["count"] == 0 and rows["Samspel mellan inköpsfunktionen och ledningen"]["count"] == 5
    medians = {m["label"]: (m["median"], m["count"]) for m in view["transitions"]["medians"]}
    # ledning: −14/15, −14/15, +14/15, +14/15, +28/15: the third is +14/15 = +0,93; verksamhet: −1, 0, 0, +1, +1: 0
    assert medians == {
        "Samspel mellan inköpsfunktionen och ledningen": ("+0,9", 5),
        "Samspel mellan inköpsfunktionen och verksamheten": ("0,0", 5),
    }
    assert "Samspel mellan inköpsfunktionen och ledningen +0,9 5 organisationer" in page
    assert any(s.startswith("Medianförändringen är +0,9 för samspel mellan inköpsfunktionen och ledningen") for s in view["summary"])
    view, page = edge_view(instrument, "abcd")  # one fewer: no median at all, and the page says why
    assert [(m["median"], m["count"]) for m in view["transitions"]["medians"]] == [(None, 4), (None, 4)]
    assert "Samspel mellan inköpsfunktionen och ledningen visas inte (färre än 5) 4 organisationer" in page
    assert not any(s.startswith("Medianförändringen") for s in view["summary"])


def test_the_sentence_on_moves_counts_up_down_and_across_apart(instrument):
    view, page = edge_view(instrument, "abcde")
    assert view["transitions"]["moves"] == {"same": 0, "up": 3, "down": 1, "across": 1, "no_point": 0}
    assert (
        "I samma kvadrant: 0. Fler axlar med systematiskt samspel: 3. Färre: 1. "
        "Bytt det ena systematiska samspelet mot det andra: 1. Utan punkt vid någon av mätningarna: 0."
    ) in page
    assert (
        "5 av dem hade mätts ett tidigare år. Jämfört med den mätningen: 0 ligger i samma kvadrant, 3 har fler axlar "
        "med systematiskt samspel, 1 färre och 1 har bytt det ena systematiska samspelet mot det andra."
    ) in view["summary"]


def test_the_method_page_states_the_rules_the_code_applies():
    """The follow-up's own numbers, as the method page (content/metod.md) words them: a change in
    the code without the page, or the other way round, fails here."""
    from ambitionsgraf.national import breakdowns, coverage
    from ambitionsgraf.text import percent

    text = " ".join((ROOT / "content" / "metod.md").read_text(encoding="utf-8").split())
    section = text[text.index("### Nationell uppföljning per år") :]
    assert f"minst {percent(coverage.GOOD_COVERAGE)} % av landets organisationer" in section
    assert f"*färre än {breakdowns.CAUTION}*" in section
    assert national.MIN_SHARE == 5 and "färre än fem organisationer visas inte" in section
    assert breakdowns.FEW_RESPONDENTS == 5 and "färre än fem intervjuade påpekas" in section
    assert "den undre kvartilen ligger en fjärdedel och den övre tre fjärdedelar av vägen från första till sista värdet" in section
    # (worded without "p × (n − 1)": with it on the page, the site search found the page for "pelikanbudget")


def test_results_per_role_only_over_five_organisations_or_more(instrument, report):
    """The fixture interviews the procurement chief alone: eleven organisations, ten with a point,
    six of them ändamålsenlig (60 %); the other roles are nowhere, so show nothing."""
    roles = {r["label"]: r for r in national.report_view(instrument, report, site_url=None)["roles"]["rows"]}
    chief = roles["Inköpschef"]
    assert (chief["count"], chief["best"]["share"], chief["best"]["count"], chief["ledning"], chief["verksamhet"], chief["caution"]) == (
        11,
        "60 %",
        6,
        "3,0",
        "3,0",
        True,
    )
    assert roles["Politisk ledning"]["count"] is None and roles["Politisk ledning"]["ledning"] is None
    five, page = edge_view(instrument, "abcde")
    assert next(r for r in five["roles"]["rows"] if r["label"] == "Inköpschef")["shown"]
    four, page = edge_view(instrument, "abcd")  # one fewer: a median would be one of four organisations' own
    chief = next(r for r in four["roles"]["rows"] if r["label"] == "Inköpschef")
    assert (chief["count"], chief["shown"], chief["ledning"], chief["best"]["share"]) == (None, False, None, None)
    assert "Inköpschef färre än 5 – – –" in page  # not even how many: a role under five is no one's business


def test_a_table_that_breaks_repeats_its_headings(fixture_pdf):
    """The appendix's question tables run over pages: every page with one of their rows (an answer
    cell 'Skalan 1–4') has the headings above it, and at least one table does break."""
    from .test_pdf_layout import pages

    with_rows = []
    for n, page in enumerate(pages(fixture_pdf), 1):
        words = page["words"]
        cells = [w for w in words if w[4] == "Skalan"]
        if not cells:
            continue
        heads = [w for w in words if w[4] == "poäng" and any(v[4] == "Svar" and abs(v[1] - w[1]) < 2 for v in words)]
        assert heads and min(h[1] for h in heads) < min(c[1] for c in cells), f"page {n}: rows without their headings"
        first_caption = min((w[1] for w in words if w[4] in ("1.", "2.", "3.", "4.") and w[0] < 70), default=None)
        with_rows.append((n, first_caption is None or first_caption > min(c[1] for c in cells)))
    assert any(continued for _, continued in with_rows), with_rows  # a page whose first rows continue a table
