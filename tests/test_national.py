"""The national follow-up per round year, its figures and its view: counts and changes against
hand-computed values, the rule for small groups, that unpublished organisations never count, and
the sentences the summary says. The built page and PDF: test_national_output.py; every
municipality and region: test_national_places.py."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ambitionsgraf import national
from ambitionsgraf.scoring import question_status, step_statuses, summarise

from .conftest import ROOT, project_settings
from .helpers import answer_file, uniform
from .national_fixture import FIXTURE, GROUPING, everyone, published, report, scored, svar, text_of, two  # noqa: F401  (fixtures, found by their names)
from .test_scoring import respondent


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
    ch = national.report_view(instrument, report, site_url=None).changes
    q = {r.label.split(".")[0]: r for r in ch.questions}
    assert (q["4"].count, q["4"].before, q["4"].now, q["4"].change, q["4"].caution) == (9, "0 %", "22 %", "+22", True)
    assert (q["15"].count, q["15"].before, q["15"].now, q["15"].change) == (8, "13 %", "25 %", "+12")
    assert (q["1"].before, q["1"].now, q["1"].change) == ("100 %", "100 %", "±0")  # every answer ja
    steps = {r.label: r for r in ch.steps}
    assert (steps["Orientering"].before, steps["Orientering"].now) == ("0 %", "22 %")
    # Moves between two quadrants: k1, k3, k5, k6, k8 (m1 had no point); each round has one interviewed.
    assert (ch.moved, ch.few_respondents) == (5, 5)


def test_areas_and_axes_by_median_and_quartiles(instrument, report):
    """Area 1 per respondent is (3 + 4l)/5: 2,2 for k4 k5 k6 r1, 3,0 for k1 k3 k8 r2 m1, 3,8 for k2 k7.
    Eleven values: the lower quartile at position 2,5 (2,2), the median at 5 (3,0), the upper at 7,5 (3,0)."""
    areas = national.report_view(instrument, report, site_url=None).areas
    everyone = areas.tables[0]
    assert (everyone.label, everyone.members) == ("Alla organisationer", 11)
    row = everyone.rows[0]
    assert (row.label, row.count, row.q1, row.median, row.q3, row.caution) == (
        "1. Strategi och planering",
        11,
        "2,2",
        "3,0",
        "3,0",
        True,
    )
    # What area 1 can reach at all: nej (0) and four answers 1, over 5: 0,8; ja (3) and four answers 4: 19/5 = 3,8.
    # The verksamhet area is five answers on the scale, unweighted: 1–4.
    assert (row.range, everyone.rows[3].range) == ("0,8–3,8", "1,0–4,0")
    region = next(t for t in areas.tables if t.label == "Region")
    assert region.rows[0].median is None and region.rows[0].count == 2  # two: no median
    assert national.breakdowns.quantile([F(1), F(2), F(3), F(4)], F(1, 4)) == F(7, 4)  # position 0,75: 1 + 0,75


def test_the_view_shows_shares_only_for_five_or_more(instrument, report):
    view = national.report_view(instrument, report, site_url=None)
    rows = {r.label: r for s in view.quadrants.sections for r in s.rows}
    shown = lambda row: [(c.share, c.count) for c in row.cells]  # noqa: E731
    # 6/11 = 54,5 % → 55; 2/11 = 18,2 % → 18; 1/11 = 9,1 % → 9 (whole percent, halves up)
    assert shown(rows["Alla organisationer"]) == [("55 %", 6), ("0 %", 0), ("18 %", 2), ("18 %", 2), ("9 %", 1)]
    assert shown(rows["Kommun"]) == [("63 %", 5), ("0 %", 0), ("25 %", 2), ("13 %", 1), ("0 %", 0)]  # 5/8 = 62,5 → 63
    assert shown(rows["A. Storstäder och storstadsnära kommuner"]) == [("80 %", 4), ("0 %", 0), ("20 %", 1), ("0 %", 0), ("0 %", 0)]
    assert shown(rows["A1. Storstäder"]) == [(None, 3), (None, 0), (None, 0), (None, 0), (None, 0)]  # three: counts only
    assert rows["A1. Storstäder"].note and not rows["Alla organisationer"].note
    assert "C. Mindre städer/tätorter och landsbygdskommuner" not in rows  # nobody measured: only in the participation table
    assert [r.label for r in view.participation.groups][-1] == "Kommun utan kod (okänd grupp)"
    a1 = {g.label: g for g in view.participation.groups}["A1. Storstäder"]
    assert (a1.measured, a1.published, a1.left_out, a1.size, a1.coverage) == (3, 3, 0, 3, "100 %")
    # The chart draws only groups of five or more.
    assert [label for label, _, _ in view.quadrants.chart.rows] == [
        "Alla organisationer",
        "Kommun",
        "A. Storstäder och storstadsnära kommuner",
    ]
    medians = {m.label: (m.median, m.count) for m in view.transitions.medians}
    assert medians == {
        "Samspel mellan inköpsfunktionen och ledningen": ("+0,9", 9),
        "Samspel mellan inköpsfunktionen och verksamheten": ("+0,5", 8),
    }
    assert vars(view.transitions.moves) == {"same": 3, "up": 3, "down": 1, "across": 1, "no_point": 1}
    assert view.summary[0] == "11 publicerade organisationer mättes 2025 (kommun 8, region 2, myndighet 1)."


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
    cov = view.participation
    row = lambda r: (r.label, r.measured, r.published, r.left_out, r.size, r.coverage)  # noqa: E731
    # Täckning counts the coded: seven published kommuner (k7 has no code), two regions: 7/290 = 2,4 %, 2/21 = 9,5 %.
    assert [row(r) for r in cov.types] == [
        ("Kommun", 9, 8, 1, 290, "2 %"),
        ("Region", 3, 2, 1, 21, "10 %"),
        ("Myndighet", 1, 1, 0, None, None),
    ]
    assert row(cov.total) == ("Alla organisationer", 13, 11, 2, None, None)
    groups = {r.label: row(r)[1:] for r in cov.groups}
    assert groups["A1. Storstäder"] == (4, 3, 1, 3, "100 %")  # u1 is a fourth participant in a group of three: its code is made up here
    assert groups["A. Storstäder och storstadsnära kommuner"] == (6, 5, 1, 46, "11 %")
    assert groups["C9. Landsbygdskommun med besöksnäring"] == (0, 0, 0, 21, "0 %")
    # 8/290 = 2,8 % and 2/21 = 9,5 %: under 60 %, so no claim of representativeness
    assert cov.representative[0] == (
        "Av de 290 kommunerna i landet deltog 8 (3 %) och 7 är publicerade (2 %). Ytterligare 1 deltog "
        "utan kod i svarsfilen; den kan inte knytas till en plats i landet och räknas inte i täckningen. "
        "Med färre än 60 % publicerade kan resultaten inte sägas gälla för alla kommunerna i landet; de "
        "beskriver de publicerade kommunerna."
    )
    assert cov.representative[2] == "För myndigheterna finns inget antal i landet att jämföra med, så representativiteten bedöms inte."
    assert [t for t, _ in view.terms] == ["Deltog", "Publicerade", "Ej publicerade", "I landet", "Täckning", "I hög grad", "På plats"]


def test_small_years_show_counts_and_no_median(instrument, published):
    view = national.report_view(instrument, national.year_report(instrument, published, "2024", GROUPING), site_url=None)
    assert view.members == 1
    # No bars of shares; the graph's one point is drawn: a published point is public already (the overview shows it).
    assert [c.file for c in national.charts_of(view)] == ["ambitionsgraf.svg"] and view.graph.count == 1
    assert all(c.share is None for g in view.questions.groups for row in g.rows for c in row.cells)
    assert [m.median for m in view.transitions.medians] == [None, None]


def test_unpublished_organisations_are_refused(instrument, everyone):
    with pytest.raises(ValueError, match="published organisations only"):
        national.year_report(instrument, everyone, "2025", GROUPING)


def test_the_summary_compares_questions_not_steps(instrument):
    """Five organisations answering 3 everywhere, but orientering's spendanalys and hållbarhet (questions 4
    and 8, 6.4.1) at 4 in a and b, and kunskapsunderlag (6) at 4 in a: 40 %, 40 % and 20 % i hög grad, the
    other fifteen scale questions 0 %. The sentence names questions, never a step as having most in place."""

    def org(slug, strong_steps):
        answers = uniform(3, **{q.id: 4 for s in strong_steps for q in instrument.questions_of_step(s) if q.id != "v1_mal"})
        return summarise(scored(instrument, answer_file([("2025-03-01", two(answers))], namn=f"Org {slug}"), slug))

    published = [org("a", ["orientering", "kunskap"]), org("b", ["orientering"]), org("c", []), org("d", []), org("e", [])]
    view = national.report_view(instrument, national.year_report(instrument, published, "2025"), site_url=None)
    assert view.summary[-2:] == [
        "Störst andel som i hög grad har det frågan beskriver finns för frågorna 4 och 8 (organisationsövergripande spendanalys och "
        "kategoriernas potential för hållbarhet, 40 %), "
        "minst för 15 frågor (0 % var). Steg i ledningssystemet jämförs inte med varandra, eftersom de har olika många frågor.",
        "Hos 100 % (5) svarade alla intervjuade ja på frågan om mål för inköpsverksamheten (fråga 1).",
    ]
    assert not any("flest" in s or "färst" in s for s in view.summary)
    kunskap = next(r for r in view.steps.groups[0].rows if r.label == "Kunskapsgenerering")
    assert (kunskap.rule, kunskap.questions) == ("Fråga 6 på plats", "6:\u00a020\u00a0%")
    uppfoljning = next(r for r in view.steps.groups[0].rows if r.label == "Uppföljning av strategin")
    assert uppfoljning.rule == "Alla fyra frågorna (7, 9, 13 och 14) på plats"
    orientering = next(r for r in view.steps.groups[0].rows if r.label == "Orientering")
    assert (orientering.rule, orientering.questions) == ("Båda frågorna (4 och 8) på plats", "4:\u00a040\u00a0%, 8:\u00a040\u00a0%")


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
    goals = next(g for g in view.questions.groups if g.id == "ja-nej")
    assert goals.levels == ["Alla svarade ja", "Några svarade ja", "Ingen svarade ja"]
    assert [(c.share, c.count) for c in goals.rows[0].cells] == [("40 %", 2), ("20 %", 1), ("40 %", 2)]
    assert goals.rows[0].text.startswith("Vi har mål för inköpsverksamheten")
    styr = next(r for r in view.steps.groups[0].rows if r.label == "Styrdokument och inköpspolicy")
    assert [(c.share, c.count) for c in styr.cells] == [("40 %", 2), ("20 %", 1), ("40 %", 2)]
    first = view.headline.areas[0].rows[0]
    assert (first.number, first.high.share, first.answered) == (1, "40 %", 5)
    # Area 3's questions keep their lead-in wherever they stand alone.
    scale = next(g for g in view.questions.groups if g.id == "skala")
    assert {r.number: r.text for r in scale.rows}[10] == "Inköpsfunktionen ansvarar för: Juridisk rådgivning och regelefterlevnad"
    assert view.headline.areas[2].preamble == "Inköpsfunktionen ansvarar för:"


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
    rows = {r.label: r for r in view.areas.tables[0].rows}
    assert rows["1. Strategi och planering"].count == 0 and rows["Samspel mellan inköpsfunktionen och ledningen"].count == 5
    medians = {m.label: (m.median, m.count) for m in view.transitions.medians}
    # ledning: −14/15, −14/15, +14/15, +14/15, +28/15: the third is +14/15 = +0,93; verksamhet: −1, 0, 0, +1, +1: 0
    assert medians == {
        "Samspel mellan inköpsfunktionen och ledningen": ("+0,9", 5),
        "Samspel mellan inköpsfunktionen och verksamheten": ("0,0", 5),
    }
    assert "Samspel mellan inköpsfunktionen och ledningen +0,9 5 organisationer" in page
    assert any(s.startswith("Medianförändringen är +0,9 för samspel mellan inköpsfunktionen och ledningen") for s in view.summary)
    view, page = edge_view(instrument, "abcd")  # one fewer: no median at all, and the page says why
    assert [(m.median, m.count) for m in view.transitions.medians] == [(None, 4), (None, 4)]
    assert "Samspel mellan inköpsfunktionen och ledningen visas inte (färre än 5) 4 organisationer" in page
    assert not any(s.startswith("Medianförändringen") for s in view.summary)


def test_the_sentence_on_moves_counts_up_down_and_across_apart(instrument):
    view, page = edge_view(instrument, "abcde")
    assert vars(view.transitions.moves) == {"same": 0, "up": 3, "down": 1, "across": 1, "no_point": 0}
    assert (
        "I samma kvadrant: 0. Fler axlar med systematiskt samspel: 3. Färre: 1. "
        "Bytt det ena systematiska samspelet mot det andra: 1. Utan punkt vid någon av mätningarna: 0."
    ) in page
    assert (
        "5 av dem hade mätts ett tidigare år. Jämfört med den mätningen: 0 ligger i samma kvadrant, 3 har fler axlar "
        "med systematiskt samspel, 1 färre och 1 har bytt det ena systematiska samspelet mot det andra."
    ) in view.summary


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
    roles = {r.label: r for r in national.report_view(instrument, report, site_url=None).roles.rows}
    chief = roles["Inköpschef"]
    assert (chief.count, chief.best.share, chief.best.count, chief.ledning, chief.verksamhet, chief.caution) == (
        11,
        "60 %",
        6,
        "3,0",
        "3,0",
        True,
    )
    assert roles["Politisk ledning"].count is None and roles["Politisk ledning"].ledning is None
    five, page = edge_view(instrument, "abcde")
    assert next(r for r in five.roles.rows if r.label == "Inköpschef").shown
    four, page = edge_view(instrument, "abcd")  # one fewer: a median would be one of four organisations' own
    chief = next(r for r in four.roles.rows if r.label == "Inköpschef")
    assert (chief.count, chief.shown, chief.ledning, chief.best.share) == (None, False, None, None)
    assert "Inköpschef färre än 5 – – –" in page  # not even how many: a role under five is no one's business
