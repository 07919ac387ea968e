"""The chart's frame spans every point the instrument can give.

The extremes are found from answer files: every way to answer each question is
written into a file, parsed and weighed by ambitionsgraf/answers.py, the lowest
and highest answers are put together into one respondent each, and those are
scored by ambitionsgraf/scoring.py. They must equal charts.reachable_ranges, and
lie inside the drawn frame with their markers and labels.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import random
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest

from ambitionsgraf import charts, distribution, labels
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


SVG = "{http://www.w3.org/2000/svg}"
HALO = 1.5  # the white outline drawn behind each label (stroke-width 3)


@functools.cache
def ink(text: str, weight: str) -> tuple[float, float, float, float]:
    """Where a label's glyphs are drawn, measured by matplotlib's own text layout of DejaVu Sans at
    the labels' 8 pt (the font the SVG names and WeasyPrint draws with), independently of the box
    the chart code reckons with: x0, y0, x1, y1 from the start of the baseline, y up."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    e = TextPath((0, 0), text, size=8, prop=FontProperties(family="DejaVu Sans", weight=weight)).get_extents()
    return e.x0, e.y0, e.x1, e.y1


def drawn(svg: str) -> tuple[list, list]:
    """The labels as (text, box with its halo) and every marker's box, read from the SVG itself."""
    group = ET.fromstring(svg.encode("utf-8")).find(f".//{SVG}g[@id='punkter']")
    labels = []
    for t in group.iter(f"{SVG}text"):
        if t.get("fill") != "#1a1a1a":
            continue
        assert t.get("text-anchor") == "start" and t.get("font-size") is None
        x, y = float(t.get("x")), float(t.get("y"))
        x0, y0, x1, y1 = ink(t.text, t.get("font-weight"))
        labels.append((t.text, (x + x0 - HALO, y - y1 - HALO, x + x1 + HALO, y - y0 + HALO)))
    markers = []
    for c in group.iter(f"{SVG}circle"):
        r = float(c.get("r")) + float(c.get("stroke-width")) / 2
        markers.append((float(c.get("cx")) - r, float(c.get("cy")) - r, float(c.get("cx")) + r, float(c.get("cy")) + r))
    for p in group.iter(f"{SVG}polygon"):
        xs, ys = zip(*((float(a), float(b)) for a, b in (xy.split(",") for xy in p.get("points").split())))
        markers.append((min(xs), min(ys), max(xs), max(ys)))
    return labels, markers


def inside(box, area) -> bool:
    return area[0] <= box[0] and box[2] <= area[2] and area[1] <= box[1] and box[3] <= area[3]


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def assert_labels_clear(instrument, spec, expected: int | None = None):
    """Every label inside the plot area, over no other label, no quadrant name and no marker (a marker's
    square box: a little stricter than its circle)."""
    f = charts.frame(instrument)
    labels, markers = drawn(charts.draw_svg(instrument, spec))
    if expected is not None:
        assert len(labels) == expected, (spec.title, labels)
    for i, (text, box) in enumerate(labels):
        assert inside(box, f.plot), (spec.title, text, box, f.plot)
        for other, obox in labels[i + 1 :]:
            assert not overlap(box, obox), (spec.title, text, other)
        for name in f.quadrant_boxes:
            assert not overlap(box, name), (spec.title, text, name)
        for m in markers:
            assert not overlap(box, m), (spec.title, text, m)
    return labels


def test_labels_at_the_extremes_stay_inside_the_plot(instrument, extremes):
    """A long name at each corner of the reachable range, and trails from corner to corner: each label
    stays inside the plot area, clear of the quadrants' names and of every point; so do four names at once."""
    (l0, l1), (v0, v1) = extremes["ledning"], extremes["verksamhet"]
    corners = [(float(v), float(l)) for v in (v0, v1) for l in (l0, l1)]
    name = "Organisationen med långt namn kommun"
    for v, l in corners:
        assert_labels_clear(instrument, ChartSpec("hörn", (Marker(v, l, name, "org"),)), 1)
    for (va, la), (vb, lb) in [(corners[0], corners[3]), (corners[3], corners[0]), (corners[1], corners[2]), (corners[2], corners[1])]:
        spec = ChartSpec("spår", (Marker(va, la, "2021", "earlier"), Marker(vb, lb, "2024 (senaste)", "current")), trail=True)
        assert_labels_clear(instrument, spec, 2)
    assert_labels_clear(instrument, ChartSpec("alla", tuple(Marker(v, l, f"{name} {i}", "org") for i, (v, l) in enumerate(corners))), 4)


def test_the_lowest_point_and_its_label_clear_the_quadrant_name_in_its_corner(instrument, extremes):
    """Ledning 0,9, verksamhet 1 (all 1, no goals, follow-up of part of the portfolio): the point is in the
    frame (test above), and its label, its earlier rounds' and its roles' are clear of 'Tillfälligt samspel'."""
    (l0, _), (v0, _) = extremes["ledning"], extremes["verksamhet"]
    low = (float(v0), float(l0))
    assert_labels_clear(instrument, ChartSpec("lägst", (Marker(*low, "2024 (senaste)", "current"),)), 1)
    trail = ChartSpec(
        "lägst",
        (Marker(1.2, 1.1, "2021", "earlier"), Marker(1.0, 1.0, "2022", "earlier"), Marker(*low, "2024 (senaste)", "current")),
        trail=True,
    )
    assert_labels_clear(instrument, trail, 3)
    roles = tuple(
        Marker(*low, label, f"role:{role}")
        for role, label in (
            ("politisk_ledning", "Politisk ledning"),
            ("forvaltningsledning", "Förvaltningsledning"),
            ("inkopschef", "Inköpschef"),
            ("verksamhet", "Verksamhet"),
        )
    )
    assert_labels_clear(instrument, ChartSpec("lägst, roller", roles + (Marker(*low, "2024 (senaste)", "current"),)), 5)


def _scored(instrument, path: Path):
    from ambitionsgraf.scoring import score_organisation

    org, problems = parse_organisation(instrument, path, path.read_bytes(), str(path))
    assert not problems
    return score_organisation(instrument, org)


def test_the_example_organisations_charts_have_every_label_clear(instrument):
    """Region Älvdal's '2023 (senaste)' once ran off the plot, and its roles' labels covered each other
    and a quadrant's name: every example's trail and roles chart is checked."""
    from ambitionsgraf.views import trail_chart

    for path in sorted((Path(__file__).resolve().parent.parent / "orgs").glob("*.yaml")):
        result = _scored(instrument, path)
        for with_roles in (False, True):
            spec = trail_chart(instrument, result, with_roles=with_roles)
            assert_labels_clear(instrument, spec, len(spec.markers))


def test_crowded_points_keep_their_labels_apart(instrument):
    """Four roles and the current point within a few points of each other, in each quadrant's outer
    corner and at the centre; and twelve named organisations close together (labels may be left
    out there, never drawn over each other)."""
    roles = [
        ("politisk_ledning", "Politisk ledning"),
        ("forvaltningsledning", "Förvaltningsledning"),
        ("inkopschef", "Inköpschef"),
        ("verksamhet", "Verksamhet"),
    ]
    for cv, cl in ((3.9, 3.85), (1.05, 3.85), (3.9, 0.95), (1.05, 0.95), (2.5, 2.5)):
        markers = tuple(
            Marker(cv + dv, cl + dl, label, f"role:{role}")
            for (role, label), (dv, dl) in zip(roles, ((0.05, 0.05), (-0.05, 0.05), (0.05, -0.05), (-0.05, -0.05)))
        )
        assert_labels_clear(instrument, ChartSpec("trängsel", markers + (Marker(cv, cl, "2024 (senaste)", "current"),)), 5)
    rng = random.Random(3)
    orgs = tuple(Marker(rng.uniform(2.8, 3.4), rng.uniform(2.8, 3.4), f"Organisation nummer {i} kommun", "org") for i in range(12))
    assert len(assert_labels_clear(instrument, ChartSpec("tolv", orgs))) >= 6


def test_a_very_long_name_is_shortened_to_fit_the_plot(instrument):
    name = ("Samordningsförbundet för gemensam upphandling " * 12).strip()
    ((label, _),) = assert_labels_clear(instrument, ChartSpec("lång", (Marker(2.0, 2.0, name, "current"),)), 1)
    assert label.endswith("…") and name.startswith(label[:-1])


def test_the_frame_is_a_plain_value_that_survives_json(instrument):
    f = charts.frame(instrument)
    again = charts.Frame(**json.loads(json.dumps(dataclasses.asdict(f))))
    assert again == f and again.place(2.5, 2.5) == f.place(2.5, 2.5)
    assert json.loads(json.dumps(f.numbers())) == f.numbers()


def test_the_method_notes_state_the_reachable_ranges(instrument):
    """content/metod.md gives each axis's range in words (placeholders the build fills from
    wording.axis_range); it must say what the chart's reachable ranges are."""
    from ambitionsgraf.content import instrument_placeholder_values
    from ambitionsgraf.text import num

    def shown(value: Fraction) -> str:
        return num(value).removesuffix(",0")

    text = (Path(__file__).resolve().parent.parent / "content" / "metod.md").read_text(encoding="utf-8")
    paragraph = text.split("### Ambitionsgrafens axlar\n", 1)[1].split("\n\n", 1)[0]
    values = instrument_placeholder_values(instrument)
    paragraph = re.sub(r"\{\{ *([a-z0-9_.]+) *\}\}", lambda m: values[m[1]], paragraph)
    (l0, l1), (v0, v1) = (charts.reachable_ranges(instrument)[axis] for axis in ("ledning", "verksamhet"))
    assert f"från lägst {shown(l0)} " in paragraph and f"till högst {shown(l1)}," in paragraph
    assert f"samspel med verksamheten från {shown(v0)} till {shown(v1)}." in paragraph


YES_NO = [("ja", "Ja"), ("nej", "Nej")]
SCALE = [("4", "Instämmer i hög grad"), ("3", "Instämmer delvis"), ("2", "Instämmer inte helt"), ("1", "Instämmer inte alls")]


def test_distribution_percentages_round_halves_up_like_every_other_percentage():
    svg = distribution.distribution_svg("Fördelning", YES_NO, [("1. Vi har mål", [1, 7], 0)])
    assert ">13 %<" in svg and ">88 %<" in svg  # 12,5 % and 87,5 %: halves up, as the reports print them


def test_names_with_characters_xml_forbids_still_give_well_formed_svg(instrument):
    """The validator refuses control characters in names, but the charts must not rely on it: a form
    feed in a name once made eight charts ill-formed XML. Every C0 control, DEL, a C1 control, a lone
    surrogate and the two non-characters, in titles, labels of every kind and the distribution chart."""
    bad = "".join(map(chr, range(0x20))) + "\x7f\x85\ud800\ufffe\uffff"
    name = f'Norr{bad}vik <kommun> & "co"'
    specs = [
        ChartSpec(f"Titel {name}", (Marker(2.0, 2.0, name, "earlier"), Marker(3.0, 3.0, name, "current")), trail=True),
        ChartSpec(
            name,
            tuple(
                Marker(1 + i / 2, 1 + i / 3, f"{name} {i}", kind)
                for i, kind in enumerate(["role:politisk_ledning", "role:inkopschef", "org", "peer", "current"])
            ),
        ),
        ChartSpec(name, (Marker(2.5, 2.5, bad, "org"),)),  # a label of nothing but such characters
    ]
    for spec in specs:
        svg = charts.draw_svg(instrument, spec)
        root = ET.fromstring(svg.encode("utf-8"))
        texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
        title = root.find("{http://www.w3.org/2000/svg}title").text
        assert 'Norr vik <kommun> & "co"' in title
        assert all(ch not in bad for t in texts + [title] for ch in t)
    labels = [
        "".join(t.itertext())
        for t in ET.fromstring(charts.draw_svg(instrument, specs[0]).encode()).iter("{http://www.w3.org/2000/svg}text")
    ]
    assert labels.count('Norr vik <kommun> & "co"') == 4  # two labels, each with its halo
    svg = distribution.distribution_svg(f"Fördelning {name}", [("ja", "Ja"), ("nej", f"Nej{bad}")], [(name, [1, 2], 1)])
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.find("{http://www.w3.org/2000/svg}title").text == 'Fördelning Norr vik <kommun> & "co"'
    assert all(ch not in bad for t in root.iter("{http://www.w3.org/2000/svg}text") for ch in "".join(t.itertext()))


def test_yes_and_no_have_colours_of_their_own_never_the_scales():
    yes_no = {distribution.LEVEL_COLOURS[k] for k, _ in YES_NO}
    scale = {distribution.LEVEL_COLOURS[k] for k, _ in SCALE}
    assert len(yes_no) == 2 and len(scale) == 4 and not yes_no & scale
    assert distribution.MISSING_COLOUR not in yes_no | scale
    svg = distribution.distribution_svg("Fördelning", YES_NO, [("1. Vi har mål", [2, 1], 1)])
    fills = set(re.findall(r'fill="(#[0-9A-Fa-f]{6})"', svg))
    assert fills & scale == set() and yes_no | {distribution.MISSING_COLOUR} <= fills


def test_the_distribution_chart_is_drawn_for_a_phone_and_wraps_long_questions():
    long = "18. " + "Vi koordinerar planering och uppföljning av inköpskategorier mellan inköpsfunktionen och förvaltningar " * 2
    svg = distribution.distribution_svg("Fördelning", SCALE, [(long, [1, 2, 3, 4], 0), ("19. Kort fråga.", [0, 0, 0, 0], 2)])
    width, height = distribution.svg_size(svg)
    assert width <= 328  # the text column of a 360 px phone: shown at full size there, never enlarged
    sizes = [float(x) for x in re.findall(r'font-size="([\d.]+)"', svg)]
    assert sizes and min(sizes) >= 12  # 11 px or more even when the picture is shown a little narrower
    lines = re.findall(r"<text x=\"4.0\" y=\"[\d.]+\">([^<]+)</text>", svg)
    assert lines[0].startswith("18. Vi koordinerar") and lines[1].endswith(" …") and "19. Kort fråga." in lines
    assert all(len(line) <= 52 for line in lines)
    assert ">Inget svar<" in svg and ">100 %<" in svg  # no answer has its own entry and segment


def every_place_sorted(width, height, half_w, half_h, side) -> list[tuple]:
    """The rule written out whole: every box of every gap (columns right and left of the markers, rows
    above and below), each once, sorted by its distance from the markers to a tenth, then by how far
    its direction is from the preferred side, then by the box itself."""
    first = {
        "right": 0,
        "below-right": 45,
        "below": 90,
        "below-left": 135,
        "left": 180,
        "above-left": 225,
        "above": 270,
        "above-right": 315,
    }[side]
    boxes = set()
    for gap in (2.0, 6.0, 11.0, 17.0, 24.0, 32.0, 41.0, 51.0, 62.0, 74.0):
        for k in range(-10, 11):
            top = k * height / 2 - height / 2
            boxes |= {(half_w + gap, top, half_w + gap + width, top + height), (-half_w - gap - width, top, -half_w - gap, top + height)}
        for j in range(-8, 9):
            left = j * width / 8 - width / 2
            boxes |= {
                (left, -half_h - gap - height, left + width, -half_h - gap),
                (left, half_h + gap, left + width, half_h + gap + height),
            }

    def key(b):
        dx, dy = max(b[0] - half_w, 0.0, -half_w - b[2]), max(b[1] - half_h, 0.0, -half_h - b[3])
        angle = math.degrees(math.atan2((b[1] + b[3]) / 2, (b[0] + b[2]) / 2)) % 360
        return round(math.hypot(dx, dy), 1), min((angle - first) % 360, (first - angle) % 360), b

    return [(*b, key(b)[0]) for b in sorted(boxes, key=key)]


def test_label_places_come_nearest_first_as_if_every_place_were_sorted_at_once():
    """The places are made one gap at a time and kept per label size: whatever part of them
    a label used before, the whole sequence is the one of sorting every place at once."""
    rnd = random.Random(20)
    sides = ["right", "below-right", "below", "below-left", "left", "above-left", "above", "above-right"]
    sizes = [
        (
            round(rnd.uniform(8, 160), 2),
            rnd.choice([12.6, 25.1, 37.6, 50.1]),
            rnd.choice([3.5, 5.0, 5.25, 7.25, rnd.uniform(3, 40)]),
            rnd.choice([3.5, 5.0, 7.25, rnd.uniform(3, 40)]),
            rnd.choice(sides),
        )
        for _ in range(150)
    ]
    sizes.append((16.0, 8.0, 2.0, 2.0, "right"))  # a column and a row that meet: a box made twice is tried once
    for size in sizes:
        places = labels.candidates(*size)
        taken = rnd.choice([0, 1, 5, 80])
        first_part = [p for _, p in zip(range(taken), places)]  # a label that stopped early
        assert list(places) == every_place_sorted(*size), size
        assert first_part == every_place_sorted(*size)[:taken]
        assert labels.candidates(*size) is places  # kept for the next label of this size
