"""The chart's frame spans every point the instrument can give.

The extremes are found from answer files: every way to answer each question is
written into a file, parsed and weighed by ambitionsgraf/answers.py, the lowest
and highest answers are put together into one respondent each, and those are
scored by ambitionsgraf/scoring.py. They must equal charts.reachable_ranges, and
lie inside the drawn frame with their markers and labels.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
from fractions import Fraction
from pathlib import Path

import pytest

from ambitionsgraf import charts
from ambitionsgraf.answers import parse_organisation
from ambitionsgraf.charts import ChartSpec, Marker
from ambitionsgraf.scoring import group_score

from .helpers import QUESTIONS, answer_file, uniform

LARGEST_MARKER = 6.5 + 1.5 / 2  # the current point: radius and half its stroke


def respondents(instrument, svar_list: list[dict]):
    text = answer_file([("2024-05-01", [("inkopschef", svar) for svar in svar_list])], publicerad=False)
    org, problems = parse_organisation(instrument, Path("orgs/granser.yaml"), text.encode(), "orgs/granser.yaml")
    assert problems == [], problems
    return org.assessments[0].respondents


def axes_of(instrument, respondent) -> dict[str, Fraction]:
    return dict(group_score(instrument, (respondent,)).axes)


def answer_forms(instrument, q) -> list:
    """Every usable way to answer q in an answer file: each point, bare and with each option."""
    if q.rule == "ja_nej":
        return [k for k, _ in q.points]
    values = [v for v, _ in instrument.scale]
    return values + [{"svar": v, q.extra: o.key} for v in values for o in q.options]


@pytest.fixture(scope="module")
def extreme_answers(instrument) -> tuple[dict, dict]:
    """The lowest and the highest answer to each question, as the parser weighs them."""
    low, high = {}, {}
    for q in instrument.questions:
        forms = answer_forms(instrument, q)
        weighed = [r.answer(q.id).weighted for r in respondents(instrument, [{q.id: f} for f in forms])]
        low[q.id] = forms[weighed.index(min(weighed))]
        high[q.id] = forms[weighed.index(max(weighed))]
    return low, high


@pytest.fixture(scope="module")
def extremes(instrument, extreme_answers) -> dict[str, tuple[Fraction, Fraction]]:
    """Each axis's value for the respondent with every lowest answer and the one with every highest."""
    lowest, highest = (axes_of(instrument, r) for r in respondents(instrument, list(extreme_answers)))
    return {axis: (lowest[axis], highest[axis]) for axis in ("ledning", "verksamhet")}


def test_the_lowest_answers_are_those_the_issue_names(extreme_answers, instrument):
    """All 1, no goals, follow-up of part of the portfolio: ledning 0,9 (SPEC: 0,8, 1 and 0,9 averaged)."""
    low, _ = extreme_answers
    assert low == {q: 1 for q in QUESTIONS} | {"v1_mal": "nej", "v3_uppfoljning": {"svar": 1, "omfattning": "delar"}}
    (r,) = respondents(instrument, [uniform(1, mal="nej", omfattning="delar")])
    assert axes_of(instrument, r) == {"ledning": Fraction(9, 10), "verksamhet": Fraction(1)}


def test_reachable_ranges_are_the_scored_extremes(instrument, extremes):
    assert charts.reachable_ranges(instrument) == extremes
    assert extremes == {"ledning": (Fraction(9, 10), Fraction(59, 15)), "verksamhet": (Fraction(1), Fraction(4))}


def test_no_answers_go_beyond_the_reachable_range(instrument, extreme_answers):
    """Every other answer to one question, the rest at an extreme; and random complete answers."""
    ranges = charts.reachable_ranges(instrument)
    svar_list = []
    for base in extreme_answers:
        for q in instrument.questions:
            svar_list += [base | {q.id: f} for f in answer_forms(instrument, q)]
    rng = random.Random(11)
    svar_list += [{q.id: rng.choice(answer_forms(instrument, q)) for q in instrument.questions} for _ in range(300)]
    for r in respondents(instrument, svar_list):
        for axis, value in axes_of(instrument, r).items():
            lo, hi = ranges[axis]
            assert lo <= value <= hi, (axis, value, r.answers)


def test_the_frame_holds_every_reachable_point_with_its_marker(instrument, extremes):
    f = charts.frame(instrument)
    left, top, right, bottom = f.plot
    for axis, lim in (("verksamhet", f.xlim), ("ledning", f.ylim)):
        lo, hi = extremes[axis]
        assert lim[0] < lo and hi < lim[1], (axis, lim, lo, hi)
    for v in extremes["verksamhet"]:
        for l in extremes["ledning"]:
            x, y = f.place(float(v), float(l))
            assert left < x - LARGEST_MARKER and x + LARGEST_MARKER < right, (v, l, x)
            assert top < y - LARGEST_MARKER and y + LARGEST_MARKER < bottom, (v, l, y)
    # The plot rectangle is the one drawn: matplotlib's axes background in the SVG.
    background = re.search(r'<g id="patch_2">\s*<path d="M ([\d.]+) ([\d.]+)\s+L ([\d.]+) [\d.]+\s+L [\d.]+ ([\d.]+)', f.head)
    assert [float(v) for v in background.groups()] == pytest.approx([left, bottom, right, top])
    assert f.xticks == f.yticks == (1.0, 2.0, 3.0, 4.0) and f.threshold == 2.5


def label_boxes(svg: str) -> list[tuple[str, tuple[float, float, float, float]]]:
    texts = re.findall(r'<text x="([-\d.]+)" y="([-\d.]+)" text-anchor="(\w+)" font-weight="(\w+)" fill="#1a1a1a">([^<]*)</text>', svg)
    return [(text, charts._label_box(text, float(x), float(y), anchor, weight)) for x, y, anchor, weight, text in texts]


def inside(box, area) -> bool:
    return area[0] <= box[0] and box[2] <= area[2] and area[1] <= box[1] and box[3] <= area[3]


def test_labels_at_the_extremes_stay_inside_the_plot(instrument, extremes):
    """A long name at each corner of the reachable range, and trails from corner to corner: each label
    stays inside the plot area; with all four names in one chart, none is cut off at the picture's edge."""
    f = charts.frame(instrument)
    (l0, l1), (v0, v1) = extremes["ledning"], extremes["verksamhet"]
    corners = [(float(v), float(l)) for v in (v0, v1) for l in (l0, l1)]
    name = "Organisationen med långt namn kommun"
    specs = [ChartSpec("hörn", (Marker(v, l, name, "org"),)) for v, l in corners]
    for (va, la), (vb, lb) in [(corners[0], corners[3]), (corners[3], corners[0]), (corners[1], corners[2]), (corners[2], corners[1])]:
        specs.append(ChartSpec("spår", (Marker(va, la, "2021", "earlier"), Marker(vb, lb, "2024 (senaste)", "current")), trail=True))
    for spec in specs:
        boxes = label_boxes(charts.draw_svg(instrument, spec))
        assert len(boxes) == len(spec.markers)
        for text, box in boxes:
            assert inside(box, f.plot), (spec, text, box)
    together = ChartSpec("alla", tuple(Marker(v, l, f"{name} {i}", "org") for i, (v, l) in enumerate(corners)))
    for text, box in label_boxes(charts.draw_svg(instrument, together)):
        assert inside(box, (0, 0, f.width, f.height)), (text, box)


def test_the_frame_is_a_plain_value_that_survives_json(instrument):
    f = charts.frame(instrument)
    again = charts.Frame(**json.loads(json.dumps(dataclasses.asdict(f))))
    assert again == f and again.place(2.5, 2.5) == f.place(2.5, 2.5)
    assert json.loads(json.dumps(f.numbers())) == f.numbers()


def test_the_method_notes_state_the_reachable_ranges(instrument):
    """content/metod.md gives each axis's range in words; it must say what the instrument gives."""
    from ambitionsgraf.views import num

    def shown(value: Fraction) -> str:
        return num(value).removesuffix(",0")

    text = (Path(__file__).resolve().parent.parent / "content" / "metod.md").read_text(encoding="utf-8")
    paragraph = text.split("### Ambitionsgrafens axlar\n", 1)[1].split("\n\n", 1)[0]
    (l0, l1), (v0, v1) = (charts.reachable_ranges(instrument)[axis] for axis in ("ledning", "verksamhet"))
    assert f"från lägst {shown(l0)} " in paragraph and f"till högst {shown(l1)}," in paragraph
    assert f"samspel med verksamheten från {shown(v0)} till {shown(v1)}." in paragraph


YES_NO = [("ja", "Ja"), ("nej", "Nej")]
SCALE = [("4", "Instämmer i hög grad"), ("3", "Instämmer delvis"), ("2", "Instämmer inte helt"), ("1", "Instämmer inte alls")]


def test_distribution_percentages_round_halves_up_like_every_other_percentage():
    svg = charts.distribution_svg("Fördelning", YES_NO, [("1. Vi har mål", [1, 7], 0)])
    assert ">13 %<" in svg and ">88 %<" in svg  # 12,5 % and 87,5 %: halves up, as the reports print them


def test_yes_and_no_have_colours_of_their_own_never_the_scales():
    yes_no = {charts.LEVEL_COLOURS[k] for k, _ in YES_NO}
    scale = {charts.LEVEL_COLOURS[k] for k, _ in SCALE}
    assert len(yes_no) == 2 and len(scale) == 4 and not yes_no & scale
    assert charts.MISSING_COLOUR not in yes_no | scale
    svg = charts.distribution_svg("Fördelning", YES_NO, [("1. Vi har mål", [2, 1], 1)])
    fills = set(re.findall(r'fill="(#[0-9A-Fa-f]{6})"', svg))
    assert fills & scale == set() and yes_no | {charts.MISSING_COLOUR} <= fills


def test_the_distribution_chart_is_drawn_for_a_phone_and_wraps_long_questions():
    long = "18. " + "Vi koordinerar planering och uppföljning av inköpskategorier mellan inköpsfunktionen och förvaltningar " * 2
    svg = charts.distribution_svg("Fördelning", SCALE, [(long, [1, 2, 3, 4], 0), ("19. Kort fråga.", [0, 0, 0, 0], 2)])
    width, height = charts.svg_size(svg)
    assert width <= 328  # the text column of a 360 px phone: shown at full size there, never enlarged
    sizes = [float(x) for x in re.findall(r'font-size="([\d.]+)"', svg)]
    assert sizes and min(sizes) >= 12  # 11 px or more even when the picture is shown a little narrower
    lines = re.findall(r"<text x=\"4.0\" y=\"[\d.]+\">([^<]+)</text>", svg)
    assert lines[0].startswith("18. Vi koordinerar") and lines[1].endswith(" …") and "19. Kort fråga." in lines
    assert all(len(line) <= 52 for line in lines)
    assert ">Inget svar<" in svg and ">100 %<" in svg  # no answer has its own entry and segment
