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


def test_distribution_percentages_round_halves_up_like_every_other_percentage():
    svg = charts.distribution_svg("Fördelning", [("1", [("Ja", 1), ("Nej", 7)], 0)])
    assert ">13 %<" in svg and ">88 %<" in svg  # 12,5 % and 87,5 %: halves up, as the reports print them


def test_names_with_characters_xml_forbids_still_give_well_formed_svg(instrument):
    """The validator refuses control characters in names, but the charts must not rely on it: a form
    feed in a name once made eight charts ill-formed XML. Every C0 control, DEL, a C1 control, a lone
    surrogate and the two non-characters, in titles, labels of every kind and the distribution chart."""
    import xml.etree.ElementTree as ET

    bad = "".join(map(chr, range(0x20))) + "\x7f\x85\ud800\ufffe\uffff"
    name = f"Norr{bad}vik <kommun> & \"co\""
    specs = [
        ChartSpec(f"Titel {name}", (Marker(2.0, 2.0, name, "earlier"), Marker(3.0, 3.0, name, "current")), trail=True),
        ChartSpec(name, tuple(Marker(1 + i / 2, 1 + i / 3, f"{name} {i}", kind) for i, kind in enumerate(
            ["role:politisk_ledning", "role:inkopschef", "org", "peer", "current"]))),
        ChartSpec(name, (Marker(2.5, 2.5, bad, "org"),)),  # a label of nothing but such characters
    ]
    for spec in specs:
        svg = charts.draw_svg(instrument, spec)
        root = ET.fromstring(svg.encode("utf-8"))
        texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
        title = root.find("{http://www.w3.org/2000/svg}title").text
        assert "Norr vik <kommun> & \"co\"" in title
        assert all(ch not in bad for t in texts + [title] for ch in t)
    labels = ["".join(t.itertext()) for t in ET.fromstring(charts.draw_svg(instrument, specs[0]).encode()).iter("{http://www.w3.org/2000/svg}text")]
    assert labels.count("Norr vik <kommun> & \"co\"") == 4  # two labels, each with its halo
    svg = charts.distribution_svg(f"Fördelning {name}", [(name, [("Ja", 1), (f"Nej{bad}", 2)], 1)])
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Fördelning Norr vik <kommun> & \"co\""
