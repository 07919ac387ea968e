"""The ambitionsgraf chart as SVG, drawn with matplotlib's object API (no pyplot).

Text stays text (svg.fonttype none): it is searchable and readable by screen
readers, and WeasyPrint draws it as real PDF text. Output is deterministic:
a fixed hash salt and no date in the metadata.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import math
import re
from dataclasses import dataclass
from fractions import Fraction
from html import escape
from pathlib import Path

from .instrument import Instrument
from .labels import candidates
from .render import string_template
from .scoring import AXES
from .text import num, percent_shown, xml_text

# Okabe–Ito palette: distinguishable with every common colour-vision deficiency.
# Every series also has its own marker shape and a text label.
ROLE_STYLE = {
    "politisk_ledning": ("s", "#E69F00"),
    "forvaltningsledning": ("^", "#56B4E9"),
    "inkopschef": ("D", "#009E73"),
    "verksamhet": ("v", "#CC79A7"),
}
CURRENT = "#000000"
EARLIER = "#595959"
ORG = "#0072B2"
PEER = "#8C8C8C"

_RC = {
    "svg.hashsalt": "ambitionsgraf",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "path.simplify": True,
}


@dataclass(frozen=True)
class Marker:
    """One point: x is the verksamhet axis, y the ledning axis."""

    verksamhet: float
    ledning: float
    label: str
    kind: str  # "current", "earlier", "role:<id>", "org", "peer"


@dataclass(frozen=True)
class ChartSpec:
    title: str
    markers: tuple[Marker, ...]
    trail: bool = False  # join current and earlier markers in date order
    label_points: bool = True


def _axis_label(ins: Instrument, axis: str) -> str:
    return ins.axes[axis]["kort"]


# -- the frame: axes that span every point the instrument can give -------------------------

MARGIN = Fraction(1, 10)  # axis units beyond the reachable range: at about 90 pt per unit the
# largest marker (radius 6,5 pt and its stroke) at an extreme still lies wholly inside the plot
CORNER_INSET = 8.0  # points between a corner of the plot area and its quadrant's name


def _answer_values(ins: Instrument, q) -> list[Fraction]:
    """Every points × weight that one usable answer to q can add to its area's sum, as answers.py weighs it:
    a bare answer takes the default option's weight, a given option its own, an option without one the question's."""
    points = [p for _, p in q.points] if q.rule == "ja_nej" else [v for v, _ in ins.scale]
    if q.rule == "ja_nej":
        weights = {q.weight}
    else:
        keys = [q.default_option] + [o.key for o in q.options]
        weights = {q.option(k).weight if k is not None and q.option(k).weight is not None else q.weight for k in keys}
    return [Fraction(p) * w for p in points for w in weights]


def reachable_ranges(ins: Instrument) -> dict[str, tuple[Fraction, Fraction]]:
    """The least and greatest value each axis can take, exactly, over every possible set of answers.

    Each question adds to its own area only, so an area's extreme is the sum of each question's
    extreme over its answers (scale or ja/nej points times every weight it can carry), divided by
    the denominator. An axis is the mean of its areas' scores and an area score the mean of the
    respondents', so one respondent answering every question at its extreme reaches the axis's
    extreme, and no group of respondents or role goes beyond it.
    """
    area_range = {}
    for area in ins.areas:
        values = [_answer_values(ins, q) for q in area.questions]
        area_range[area.id] = (sum(map(min, values), Fraction(0)) / area.denominator, sum(map(max, values), Fraction(0)) / area.denominator)
    out = {}
    for axis in AXES:
        ranges = [area_range[a.id] for a in ins.areas_of_axis(axis)]
        out[axis] = (sum((lo for lo, _ in ranges), Fraction(0)) / len(ranges), sum((hi for _, hi in ranges), Fraction(0)) / len(ranges))
    return out


def axis_limits(ins: Instrument, margin: Fraction = MARGIN) -> dict[str, tuple[Fraction, Fraction]]:
    """Each axis from its reachable range (and at least the whole answer scale, which the ticks show), plus a margin."""
    scale = [v for v, _ in ins.scale]
    return {axis: (min(lo, min(scale)) - margin, max(hi, max(scale)) + margin) for axis, (lo, hi) in reachable_ranges(ins).items()}


def tick_label(value: float) -> str:
    """A tick as the product writes numbers: 1, 2,5 (decimal comma)."""
    return num(value, 0 if float(value).is_integer() else 1)


@dataclass(frozen=True)
class Frame:
    """The ambitionsgraf without points, drawn once; points are placed with its transform.

    A plain value (a string, floats and tuples of floats) so that a build can keep it in its
    cache, and the self-assessment page draws its chart from the same numbers (`numbers`).
    x is the verksamhet axis, y the ledning axis; SVG coordinates are points, y pointing down.
    """

    head: str  # the SVG document up to (not including) its closing tag
    width: float
    height: float
    affine: tuple[float, float, float, float]  # svg_x = a·x + b, svg_y = c·y + d
    plot: tuple[float, float, float, float]  # the plot area in SVG coordinates: left, top, right, bottom
    xlim: tuple[float, float]  # verksamhet at the plot area's left and right edges
    ylim: tuple[float, float]  # ledning at its bottom and top edges
    xticks: tuple[float, ...]
    yticks: tuple[float, ...]
    threshold: float  # where the dashed lines cross both axes
    corner_inset: float  # each quadrant's name sits this far (in points) inside its corner of the plot area
    quadrant_boxes: tuple[tuple[float, float, float, float], ...]  # where those names are drawn: left, top, right, bottom
    label_size: float = 8.0  # the points' labels, in points (the phone-sized frame has larger ones)

    def __post_init__(self):
        # A frame read back from JSON has lists where it had tuples: make it equal to the one stored.
        object.__setattr__(self, "label_size", float(self.label_size))
        for name in ("affine", "plot", "xlim", "ylim", "xticks", "yticks"):
            object.__setattr__(self, name, tuple(float(v) for v in getattr(self, name)))
        object.__setattr__(self, "quadrant_boxes", tuple(tuple(float(v) for v in b) for b in self.quadrant_boxes))

    def place(self, verksamhet: float, ledning: float) -> tuple[float, float]:
        a, b, c, d = self.affine
        return round(a * verksamhet + b, 2), round(c * ledning + d, 2)

    def numbers(self) -> dict:
        """Everything but the drawing itself, for the browser's chart (JSON)."""
        return {
            "width": self.width,
            "height": self.height,
            "affine": list(self.affine),
            "plot": list(self.plot),
            "xlim": list(self.xlim),
            "ylim": list(self.ylim),
            "xticks": [{"value": v, "label": tick_label(v)} for v in self.xticks],
            "yticks": [{"value": v, "label": tick_label(v)} for v in self.yticks],
            "threshold": self.threshold,
            "corner_inset": self.corner_inset,
            "font": self.label_size,
            "quadrant_wrap": PHONE.quadrant_wrap if self.label_size == PHONE.label else WIDE.quadrant_wrap,
        }


@dataclass(frozen=True)
class Size:
    """How large a chart is drawn: the figure (inches at 72 dpi, so one inch is 72 SVG units), the
    plot area within it, and its text in points."""

    figsize: tuple[float, float]
    axes: tuple[float, float, float, float]
    font: float  # ticks and axis titles
    quadrant_font: float
    quadrant_wrap: int  # characters a line of a quadrant's name
    label: float  # the points' labels
    margin: Fraction = MARGIN  # axis units beyond the reachable range: room for the largest marker


# The chart on a wide screen and in the PDFs: shown at 560 px.
WIDE = Size((5.6, 5.0), (0.14, 0.13, 0.82, 0.82), 9, 8, 22, 8.0)
# The chart on a phone (pages show it below 40rem): 281 units wide, within the text column of a 320 px
# screen, so that its 12 pt text is at least 12 CSS px on any phone from 320 px up.
PHONE = Size((3.9, 4.25), (0.2, 0.17, 0.76, 0.8), 12, 12, 10, 12.0, Fraction(1, 5))  # about 60 pt an axis unit


def frame(ins: Instrument, phone: bool = False) -> Frame:
    """The frame for this instrument: drawn once (kept on the instrument), or given by remember_frame."""
    known = ins.__dict__.get(_frame_key(phone))
    if known is None:
        known = _draw_frame_svg(ins, PHONE if phone else WIDE)
        remember_frame(ins, known, phone)
    return known


def _frame_key(phone: bool) -> str:
    return "_chart_frame_phone" if phone else "_chart_frame"


def remember_frame(ins: Instrument, drawn: Frame, phone: bool = False) -> None:
    """Use a frame drawn earlier for this instrument (a build keeps it in its cache: importing
    matplotlib alone takes half a second, more than the rest of a one-file rebuild's set-up).
    It is kept on the instrument object, which forked workers inherit with the project."""
    object.__setattr__(ins, _frame_key(phone), drawn)


def _draw_frame_svg(ins: Instrument, size: Size = WIDE) -> Frame:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    limits = axis_limits(ins, size.margin)
    xlim = tuple(float(v) for v in limits["verksamhet"])
    ylim = tuple(float(v) for v in limits["ledning"])
    scale = sorted(float(v) for v, _ in ins.scale)
    xticks = tuple(v for v in scale if xlim[0] <= v <= xlim[1])
    yticks = tuple(v for v in scale if ylim[0] <= v <= ylim[1])
    with matplotlib.rc_context({**_RC, "font.size": size.font}):
        fig = Figure(figsize=size.figsize, dpi=72)  # 72 dpi: one display unit is one SVG point
        FigureCanvasSVG(fig)
        ax = fig.add_axes(size.axes)
        names = _draw_frame(ins, ax, xlim, ylim, xticks, yticks, size)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
        width, height = fig.bbox.width, fig.bbox.height
        (x0, y0), (x1, y1) = ax.transData.transform([(1.0, 1.0), (4.0, 4.0)])
        box = ax.bbox
        name_boxes = tuple(
            (float(b.x0), float(height - b.y1), float(b.x1), float(height - b.y0)) for b in (t.get_window_extent() for t in names)
        )
    a = (x1 - x0) / 3
    c = -(y1 - y0) / 3  # SVG's y axis points down
    # Plain floats, not numpy's: the build keeps the frame in its cache as JSON.
    affine = (float(a), float(x0 - a), float(c), float(height - y0 - c))
    plot = (float(box.x0), float(height - box.y1), float(box.x1), float(height - box.y0))
    head = buf.getvalue().rsplit("</svg>", 1)[0]
    return Frame(
        head,
        float(width),
        float(height),
        affine,
        plot,
        xlim,
        ylim,
        xticks,
        yticks,
        float(ins.threshold),
        CORNER_INSET,
        name_boxes,
        float(size.label),
    )


_MARKERS = string_template(
    """ <defs>
  <marker id="pil" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
   <path d="M 0 0 L 10 5 L 0 10 z" fill="{{ earlier }}"/>
  </marker>
 </defs>
 <g id="punkter" font-family="DejaVu Sans, sans-serif" font-size="{{ size }}">
{% for seg in trail %}
  <line x1="{{ seg[0] }}" y1="{{ seg[1] }}" x2="{{ seg[2] }}" y2="{{ seg[3] }}" stroke="{{ earlier }}" stroke-width="1.2" stroke-dasharray="2 2" marker-end="url(#pil)"/>
{% endfor %}
{% for leader in leaders %}
  <line x1="{{ leader[0] }}" y1="{{ leader[1] }}" x2="{{ leader[2] }}" y2="{{ leader[3] }}" stroke="#595959" stroke-width="0.6"/>
{% endfor %}
{% for m in markers %}
{% if m.shape == "circle" %}
  <circle cx="{{ m.x }}" cy="{{ m.y }}" r="{{ m.r }}" fill="{{ m.fill }}" stroke="{{ m.stroke }}" stroke-width="{{ m.sw }}"{% if m.opacity %} fill-opacity="{{ m.opacity }}"{% endif %}/>
{% else %}
  <polygon points="{{ m.points }}" fill="{{ m.fill }}" stroke="{{ m.stroke }}" stroke-width="{{ m.sw }}"/>
{% endif %}
{% endfor %}
{% for b in frames %}
  <rect x="{{ b[0] }}" y="{{ b[1] }}" width="{{ b[2] }}" height="{{ b[3] }}" rx="2" fill="#ffffff" fill-opacity="0.9" stroke="#8c8c8c" stroke-width="0.5"/>
{% endfor %}
{# The halo is its own element behind the text: WeasyPrint does not support paint-order. #}
{% for t in labels %}
  <text x="{{ t.x }}" y="{{ t.y }}" text-anchor="start" font-weight="{{ t.weight }}" fill="#ffffff" stroke="#ffffff" stroke-width="3" stroke-opacity="0.85" aria-hidden="true">{{ t.text }}</text>
  <text x="{{ t.x }}" y="{{ t.y }}" text-anchor="start" font-weight="{{ t.weight }}" fill="#1a1a1a">{{ t.text }}</text>
{% endfor %}
{% for m in keys %}
{% if m.shape == "circle" %}
  <circle cx="{{ m.x }}" cy="{{ m.y }}" r="{{ m.r }}" fill="{{ m.fill }}" stroke="{{ m.stroke }}" stroke-width="{{ m.sw }}" aria-hidden="true"/>
{% else %}
  <polygon points="{{ m.points }}" fill="{{ m.fill }}" stroke="{{ m.stroke }}" stroke-width="{{ m.sw }}" aria-hidden="true"/>
{% endif %}
{% endfor %}
 </g>
</svg>
"""
)

# Marker shapes as polygons around (0, 0), in points.
_SHAPES = {
    "s": [(-4, -4), (4, -4), (4, 4), (-4, 4)],
    "^": [(0, -5), (4.6, 3.2), (-4.6, 3.2)],
    "D": [(0, -5.2), (5.2, 0), (0, 5.2), (-5.2, 0)],
    "v": [(0, 5), (4.6, -3.2), (-4.6, -3.2)],
}
_ROLE_SIDES = ("above-right", "below-right", "above-left", "below-left")  # the first side tried for the n-th role
_IMPORTANCE = {"peer": 0, "org": 1, "role": 2, "earlier": 3, "current": 4}


def _marker(kind: str, x: float, y: float, scale: float = 1.0) -> tuple[dict, float]:
    """How a point of this kind is drawn at (x, y), and half the side of the square it covers."""
    if kind == "current":
        return {
            "shape": "circle",
            "x": x,
            "y": y,
            "r": round(6.5 * scale, 2),
            "fill": CURRENT,
            "stroke": "#ffffff",
            "sw": 1.5,
            "opacity": None,
        }, 7.25 * scale
    if kind == "earlier":
        return {
            "shape": "circle",
            "x": x,
            "y": y,
            "r": round(4.5 * scale, 2),
            "fill": "#ffffff",
            "stroke": EARLIER,
            "sw": 1.5,
            "opacity": None,
        }, 5.25 * scale
    if kind.startswith("role:"):
        shape, colour = ROLE_STYLE.get(kind[5:], ("s", "#333333"))
        points = " ".join(f"{x + dx * scale:.2f},{y + dy * scale:.2f}" for dx, dy in _SHAPES[shape])
        return {"shape": "polygon", "points": points, "fill": colour, "stroke": "#1a1a1a", "sw": 0.8}, 5.6 * scale
    if kind == "peer":
        return {"shape": "circle", "x": x, "y": y, "r": 3.2, "fill": PEER, "stroke": "#ffffff", "sw": 0.5, "opacity": 0.85}, 3.5
    return {
        "shape": "circle",
        "x": x,
        "y": y,
        "r": round(4.5 * scale, 2),
        "fill": ORG,
        "stroke": "#ffffff",
        "sw": 1,
        "opacity": None,
    }, 5.0 * scale


def draw_svg(ins: Instrument, spec: ChartSpec, phone: bool = False) -> str:
    """One chart as an SVG document with a <title>: the cached frame plus this chart's points.

    Markers are drawn peers first and the current point last (on top). Labels are placed the other
    way round, the most important first, so the current round gets the best place; points closer
    together than CLUSTER share one label of several lines, each led by a small copy of its marker.
    """
    f = frame(ins, phone)
    size = f.label_size
    markers, trail = [], []
    path = [f.place(m.verksamhet, m.ledning) for m in spec.markers if m.kind in ("earlier", "current")]
    if spec.trail:
        trail = [(x0, y0, x1, y1) for (x0, y0), (x1, y1) in zip(path, path[1:])]
        trail = [_shorten(seg, 5, 8) for seg in trail]
    obstacles = []  # every marker as a square around it: no label covers a point
    named = []  # (importance, index, kind, text, x, y, half side, preferred side, weight)
    role_index = 0
    for i, m in sorted(enumerate(spec.markers), key=lambda im: _IMPORTANCE[im[1].kind.split(":")[0]]):
        x, y = f.place(m.verksamhet, m.ledning)
        drawn, half = _marker(m.kind, x, y)
        markers.append(drawn)
        obstacles.append((x - half, y - half, x + half, y + half))
        text = _fit(xml_text(m.label), f.plot[2] - f.plot[0], size)
        if m.kind == "peer" or not (spec.label_points and text):
            continue
        side = (
            "above-right"
            if m.kind == "current"
            else "below-left"
            if m.kind == "earlier"
            else _ROLE_SIDES[(role_index if m.kind.startswith("role:") else i) % 4]
        )
        role_index += m.kind.startswith("role:")
        named.append((-_IMPORTANCE[m.kind.split(":")[0]], i, m.kind, text, x, y, half, side, "bold" if m.kind == "current" else "normal"))
    units = [_unit(group, size) for group in _clusters(sorted(named))]
    placed = _place_labels(units, obstacles, trail, f.plot, f.quadrant_boxes)
    labels = [line for p in placed for line in p["lines"]]
    keys = [k for p in placed for k in p["keys"]]
    leaders = [p["leader"] for p in placed if p["leader"]]
    # A shared label is framed, so that its keys read as a legend and not as points of the chart.
    frames = [
        (round(b[0], 2), round(b[1], 2), round(b[2] - b[0], 2), round(b[3] - b[1], 2)) for p in placed if p["keys"] for b in [p["box"]]
    ]
    head = re.sub(
        r"<svg ([^>]*)>", lambda mt: f'<svg {mt.group(1)} role="img">\n <title>{escape(xml_text(spec.title))}</title>', f.head, count=1
    )
    return head + _MARKERS.render(
        markers=markers, labels=labels, keys=keys, leaders=leaders, frames=frames, trail=trail, earlier=EARLIER, size=f"{size:g}"
    )


# -- labels ---------------------------------------------------------------------------------
#
# A label's box is measured with the advance widths of the font the SVG names (DejaVu Sans, the
# copy matplotlib ships, whose metrics are those of Debian's fonts-dejavu-core that WeasyPrint
# draws with), from the baseline 0,9 em up and 0,3 em down, plus the white halo (HALO on each side).

LABEL_SIZE = 8.0
HALO = 1.5
LINE = 12.5  # between the lines of a shared label: more than a line's glyphs and halo (1,17 em + 3 pt)
KEY = 10.0  # room for the small marker before each line of a shared label
CLUSTER = 24.0  # points whose centres are closer than this (in a chain) share a label
_FONT_FILES = {"normal": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}


@functools.lru_cache(maxsize=2)
def _advances(weight: str) -> tuple[dict[int, int], int]:
    """The font's advance width per character and its units per em (fontTools, without importing matplotlib)."""
    from fontTools.ttLib import TTFont

    package = Path(importlib.util.find_spec("matplotlib").submodule_search_locations[0])
    font = TTFont(package / "mpl-data" / "fonts" / "ttf" / _FONT_FILES[weight], lazy=True)
    hmtx = font["hmtx"]
    return {code: hmtx[glyph][0] for code, glyph in font.getBestCmap().items()}, font["head"].unitsPerEm


def text_width(text: str, weight: str = "normal", size: float = LABEL_SIZE) -> float:
    """Width of one line of text in points; a character the font lacks counts a whole em (another font draws it)."""
    widths, em = _advances(weight)
    return sum(widths.get(ord(c), em) for c in text) * size / em


@functools.lru_cache(maxsize=4096)
def _fit(text: str, plot_width: float, size: float = LABEL_SIZE) -> str:
    """At most 45 % of the plot's width or ten ems (a phone's narrow plot), whichever is more, in bold:
    a longer name is cut at a word, with an ellipsis (the chart's table and title have it whole). Kept per text:
    the same names and years come back in chart after chart."""
    limit = max(0.45 * plot_width, 10 * size)
    if text_width(text, "bold", size) <= limit:
        return text
    words = text.split(" ")
    while len(words) > 1 and text_width(" ".join(words) + "…", "bold", size) > limit:
        words.pop()
    cut = " ".join(words)
    while text_width(cut + "…", "bold", size) > limit:  # a single long word: cut it by characters
        cut = cut[:-1]
    return cut.rstrip(" ,;:–-") + "…"


def _clusters(named: list[tuple]) -> list[list[tuple]]:
    """The labelled points in groups whose members are chained closer than CLUSTER, in the order given."""
    groups: list[list[tuple]] = []
    for item in named:
        near = [g for g in groups if any(math.hypot(item[4] - o[4], item[5] - o[5]) < CLUSTER for o in g)]
        merged = [item] + [o for g in near for o in g]
        groups = [g for g in groups if g not in near] + [sorted(merged)]
    return sorted(groups)


def _unit(group: list[tuple], size: float = LABEL_SIZE) -> dict:
    """What one label (of one line, or of several with keys) needs to be placed: its lines, its size,
    the box of its points' markers, the side it would rather be on. LINE and KEY grow with the text."""
    shared = len(group) > 1
    grow = size / LABEL_SIZE
    lines = [(kind, text, weight) for _, _, kind, text, _, _, _, _, weight in group]
    width = max(text_width(text, weight, size) for _, text, weight in lines) + (KEY * grow if shared else 0) + 2 * HALO
    height = (len(lines) - 1) * LINE * grow + 1.2 * size + 2 * HALO
    around = (
        min(g[4] - g[6] for g in group),
        min(g[5] - g[6] for g in group),
        max(g[4] + g[6] for g in group),
        max(g[5] + g[6] for g in group),
    )
    return {
        "lines": lines,
        "shared": shared,
        "width": round(width, 2),
        "height": height,
        "around": around,
        "side": group[0][7],
        "size": size,
    }


def _place_labels(units: list[dict], obstacles, trail, plot, names) -> list[dict]:
    """Each label placed in turn, the most important first. When one finds no place, it is tried
    first instead and the rest after it (a crowded corner can have room for every label in one order
    and not in another); the order that places most labels wins, the earliest tried among equals."""
    order = list(range(len(units)))
    best: dict[int, dict] = {}
    for _ in range(len(units) + 1):
        placed: dict[int, dict] = {}
        failed = []
        for i in order:
            label = _place_label(units[i], [p["box"] for p in placed.values()], obstacles, trail, plot, names)
            if label:
                placed[i] = label
            else:
                failed.append(i)
        if len(placed) > len(best) or not best:
            best = placed
        if not failed or failed[0] == order[0]:
            break
        order = [failed[0]] + [i for i in order if i != failed[0]]
    return [best[i] for i in sorted(best)]


LEADER_FROM = 9.0  # a label further than this from its markers gets a thin line to them
TRAIL_DETOUR = 12.0  # points further a label may go to keep clear of the trail's arrows


def _place_label(unit: dict, taken_labels: list, obstacles, trail, plot, names) -> dict | None:
    """The nearest place for a label, in its preferred direction among equals, where its box lies
    inside the plot area and covers no other label, no quadrant name and no point, and the line to
    it (when it is away from its markers) crosses none of them. A place clear of the trail's arrows
    is taken over a nearer one that is not, up to TRAIL_DETOUR further. None: there is no such place
    (the chart's table still gives the point)."""
    ax0, ay0, ax1, ay1 = unit["around"]
    cx, cy = (ax0 + ax1) / 2, (ay0 + ay1) / 2
    blocking = list(taken_labels) + list(names) + list(obstacles)
    fallback = None
    for left, top, right, bottom, distance in candidates(unit["width"], unit["height"], (ax1 - ax0) / 2, (ay1 - ay0) / 2, unit["side"]):
        box = (cx + left, cy + top, cx + right, cy + bottom)
        if not _inside(box, plot) or any(_overlaps(box, b) for b in blocking):
            continue
        leader = _leader(unit["around"], box) if distance >= LEADER_FROM else None
        if leader and _leader_blocked(leader, unit["around"], blocking):
            continue
        if fallback and distance > fallback[0] + TRAIL_DETOUR:
            break
        if not any(_crosses(seg, box) for seg in trail):
            fallback = (distance, box, leader)
            break
        fallback = fallback or (distance, box, leader)
    if not fallback:
        return None
    _, box, leader = fallback
    size = unit["size"]
    key, line = KEY * size / LABEL_SIZE, LINE * size / LABEL_SIZE
    x = box[0] + HALO + (key if unit["shared"] else 0)
    lines, keys = [], []
    for n, (kind, text, weight) in enumerate(unit["lines"]):
        baseline = box[1] + HALO + 0.9 * size + n * line
        lines.append({"x": round(x, 2), "y": round(baseline, 2), "weight": weight, "text": text})
        if unit["shared"]:
            keys.append(_marker(kind, round(box[0] + HALO + key / 2 - 1, 2), round(baseline - 0.35 * size, 2), 0.6 * size / LABEL_SIZE)[0])
    return {"box": box, "leader": leader, "lines": lines, "keys": keys}


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(box, area) -> bool:
    return area[0] <= box[0] and box[2] <= area[2] and area[1] <= box[1] and box[3] <= area[3]


def _crosses(seg, box) -> bool:
    """Whether a line segment passes through a box (Liang–Barsky clipping)."""
    x0, y0, x1, y1 = seg
    t0, t1 = 0.0, 1.0
    for p, q in ((x0 - x1, x0 - box[0]), (x1 - x0, box[2] - x0), (y0 - y1, y0 - box[1]), (y1 - y0, box[3] - y0)):
        if p == 0:
            if q < 0:
                return False
        else:
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                return False
    return True


def _leader(around, box) -> tuple[float, float, float, float]:
    """From the middle of the markers' box to the nearest point of the label's box (drawn under the markers)."""
    x, y = (around[0] + around[2]) / 2, (around[1] + around[3]) / 2
    return round(x, 2), round(y, 2), round(min(max(x, box[0]), box[2]), 2), round(min(max(y, box[1]), box[3]), 2)


def _leader_blocked(leader, around, blocking) -> bool:
    """Whether a line crosses anything once out of its own markers' box (where it starts, under
    them); anything it is still inside there (its markers, a quadrant's name they sit on) it may leave."""
    x0, y0, x1, y1 = leader
    t = 1.0  # where the line (from the box's middle) leaves the markers' box, as a fraction of its length
    for start, delta, lo, hi in ((x0, x1 - x0, around[0], around[2]), (y0, y1 - y0, around[1], around[3])):
        if delta:
            t = min(t, ((hi if delta > 0 else lo) - start) / delta)
    out = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, x1, y1)
    return any(_crosses(out, b) for b in blocking if not _inside(out[:2] * 2, b))


def _shorten(seg, start: float, end: float):
    x0, y0, x1, y1 = seg
    length = math.hypot(x1 - x0, y1 - y0)
    if length <= start + end:
        return seg
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    return (round(x0 + ux * start, 2), round(y0 + uy * start, 2), round(x1 - ux * end, 2), round(y1 - uy * end, 2))


def _draw_frame(ins: Instrument, ax, xlim, ylim, xticks, yticks, size: Size = WIDE) -> list:
    """Draw everything but the points; return the quadrant names' Text artists."""
    t = float(ins.threshold)
    (x_lo, x_hi), (y_lo, y_hi) = xlim, ylim
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_aspect("auto")
    # Quadrant tints: light, and each quadrant is also named in text.
    ax.fill_between([t, x_hi], t, y_hi, color="#E6F0F7", zorder=0, linewidth=0)
    ax.fill_between([x_lo, t], y_lo, t, color="#F3F3F3", zorder=0, linewidth=0)
    ax.axvline(t, color="#404040", linewidth=1, linestyle=(0, (4, 3)), zorder=1)
    ax.axhline(t, color="#404040", linewidth=1, linestyle=(0, (4, 3)), zorder=1)
    names = []
    for q in ins.quadrants:
        right, upper = q.verksamhet, q.ledning
        # At the corner of the plot area (axes fraction 0 or 1), CORNER_INSET points inside it.
        names.append(
            ax.annotate(
                _wrap(q.label, size.quadrant_wrap),
                xy=(float(right), float(upper)),
                xycoords="axes fraction",
                xytext=(-CORNER_INSET if right else CORNER_INSET, -CORNER_INSET if upper else CORNER_INSET),
                textcoords="offset points",
                ha="right" if right else "left",
                va="top" if upper else "bottom",
                fontsize=size.quadrant_font,
                color="#1A1A1A",
                style="italic",
                zorder=2,
                parse_math=False,
            )
        )
    ax.set_xticks(xticks, [tick_label(v) for v in xticks])
    ax.set_yticks(yticks, [tick_label(v) for v in yticks])
    lo_end, hi_end = ins.axis_ends
    ax.set_xlabel(f"{_axis_label(ins, 'verksamhet')} → \n{lo_end} – {hi_end}", color="#1A1A1A")
    ax.set_ylabel(f"{_axis_label(ins, 'ledning')} →\n{lo_end} – {hi_end}", color="#1A1A1A")
    ax.tick_params(colors="#1A1A1A")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return names


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines)


# -- the overview's answers per question ----------------------------------------------------

# Colours by answer level. The agreement scale is a blue ramp, darkest for the strongest answer
# (a lightness scale, readable with every common colour-vision deficiency); yes and no are a
# brown pair, so a yes never looks like an agreement level; grey is no answer. Every segment
# also carries its share as text when it fits, and the page has the numbers in a table.
LEVEL_COLOURS = {
    "4": "#08306B",
    "3": "#2171B5",
    "2": "#6BAED6",
    "1": "#C6DBEF",
    "ja": "#8C510A",
    "nagra": "#BF812D",
    "nej": "#DFC27D",
}  # nagra: some said ja (the national follow-up's question 1)
MISSING_COLOUR = "#D9D9D9"
MISSING_LABEL = "Inget svar"
_LIGHT_INK = {"#08306B", "#2171B5", "#8C510A"}  # dark fills take white text (contrast 5:1 or more)

# Sized for a phone: the picture is as wide as the text column of a 360 px screen (328 CSS px)
# and the page shows it at that size or smaller, so 12 px text stays at least 11 px on a phone.
DIST_WIDTH = 328.0
DIST_FONT = 12.0
_DIST_MARGIN = 4.0
_LINE = 15.0
_BAR = 22.0
_ROW_GAP = 12.0
_SWATCH = 14.0
_LABEL_LINES = 2

_DISTRIBUTION = string_template(
    """<?xml version="1.0" encoding="utf-8" standalone="no"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{{ width }}" height="{{ height }}" viewBox="0 0 {{ width }} {{ height }}" role="img" font-family="DejaVu Sans, sans-serif" font-size="{{ font }}" fill="#1a1a1a">
 <title>{{ title }}</title>
 <rect width="{{ width }}" height="{{ height }}" fill="#ffffff"/>
{% for item in legend %}
 <rect x="{{ item.x }}" y="{{ item.y }}" width="{{ swatch }}" height="{{ swatch }}" fill="{{ item.colour }}" stroke="#595959" stroke-width="0.75"/>
 <text x="{{ item.x + swatch + 5 }}" y="{{ item.y + 11.5 }}">{{ item.label }}</text>
{% endfor %}
{% for row in rows %}
{% for line in row.lines %}
 <text x="{{ left }}" y="{{ line.y }}">{{ line.text }}</text>
{% endfor %}
{% for seg in row.segments %}
 <rect x="{{ seg.x }}" y="{{ row.y }}" width="{{ seg.w }}" height="{{ bar }}" fill="{{ seg.colour }}" stroke="#ffffff" stroke-width="1"/>
{% if seg.text %}
 <text x="{{ seg.x + seg.w / 2 }}" y="{{ row.y + bar / 2 + 4.3 }}" text-anchor="middle" fill="{{ seg.ink }}">{{ seg.text }}</text>
{% endif %}
{% endfor %}
 <rect x="{{ left }}" y="{{ row.y }}" width="{{ span }}" height="{{ bar }}" fill="none" stroke="#595959" stroke-width="0.75"/>
{% endfor %}
{% for t in ticks %}
 <line x1="{{ t.x }}" y1="{{ axis }}" x2="{{ t.x }}" y2="{{ axis + 4 }}" stroke="#595959" stroke-width="0.75"/>
 <text x="{{ t.x }}" y="{{ axis + 17 }}" text-anchor="{{ t.anchor }}">{{ t.label }}</text>
{% endfor %}
</svg>
"""
)


def _text_width(text: str, size: float) -> float:
    """A generous estimate of the text's width in DejaVu Sans (wider than most phones' fonts)."""
    em = 0.0
    for ch in text:
        if ch in "iljftr.,:;'!|()[] ":
            em += 0.36
        elif ch in "mwMW%…—":
            em += 0.98
        elif ch.isupper() or ch.isdigit() or ch in "åäöo":
            em += 0.70
        else:
            em += 0.62
    return em * size


def _wrap_to(text: str, width: float, size: float, max_lines: int) -> list[str]:
    """The text in lines no wider than `width`; the last line ends in … when the text goes on."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and _text_width(f"{line} {words[0]}", size) <= width:
            line += " " + words.pop(0)
        lines.append(line)
    if words:
        last = lines[-1]
        while last and _text_width(last + " …", size) > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines[-1] = last + " …"
    return lines


def svg_size(svg: str) -> tuple[int, int]:
    """The size an <img> shows an SVG of ours at (its viewBox, in CSS pixels, rounded up): the
    page reserves the space before the picture loads."""
    m = re.search(r'<svg[^>]*\bviewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    return math.ceil(float(m.group(1))), math.ceil(float(m.group(2)))


def distribution_svg(title: str, levels: list[tuple[str, str]], rows: list[tuple[str, list[int], int]]) -> str:
    """One horizontal bar per question, stacked by answer level: the share of organisations at each.

    levels: (level key, label), strongest first, all of one kind (the scale, or yes and no);
    rows: (question label, count per level in that order, count without an answer).
    Drawn from a template: a whole matplotlib figure per filter page was the slowest part of the build.
    """
    left, span = _DIST_MARGIN, DIST_WIDTH - 2 * _DIST_MARGIN
    colours = [LEVEL_COLOURS[key] for key, _ in levels]
    entries = [(label, colour) for (_, label), colour in zip(levels, colours)]
    if any(missing for _, _, missing in rows):
        entries.append((MISSING_LABEL, MISSING_COLOUR))
    legend, x, y = [], left, 4.0
    for label, colour in entries:
        item = _SWATCH + 5 + _text_width(label, DIST_FONT)
        if x > left and x + item > left + span:
            x, y = left, y + _SWATCH + 8
        legend.append({"x": round(x, 2), "y": y, "label": xml_text(label), "colour": colour})
        x += item + 14
    y += _SWATCH + 18
    out_rows = []
    for label, counts, missing in rows:
        lines = []
        for text in _wrap_to(xml_text(label), span, DIST_FONT, _LABEL_LINES):
            y += _LINE
            lines.append({"y": round(y - 3.5, 2), "text": text})
        bar_y = y + 2
        total = sum(counts) + missing
        segments, x = [], left
        for n, colour in list(zip(counts, colours)) + [(missing, MISSING_COLOUR)]:
            if not total or not n:
                continue
            w = span * n / total
            share = f"{percent_shown(Fraction(n, total))} %"  # never "100 %" for 200 of 201
            segments.append(
                {
                    "x": round(x, 2),
                    "w": round(w, 2),
                    "colour": colour,
                    "ink": "#ffffff" if colour in _LIGHT_INK else "#1a1a1a",
                    "text": share if _text_width(share, DIST_FONT) + 6 <= w else "",
                }
            )
            x += w
        out_rows.append({"y": round(bar_y, 2), "lines": lines, "segments": segments})
        y = bar_y + _BAR + _ROW_GAP
    axis = y - _ROW_GAP + 2
    ticks = [
        {"x": round(left + span * f, 2), "label": f"{round(f * 100)} %", "anchor": "start" if f == 0 else "end" if f == 1 else "middle"}
        for f in (0, 0.25, 0.5, 0.75, 1)
    ]
    return _DISTRIBUTION.render(
        title=xml_text(title),
        width=round(DIST_WIDTH, 2),
        height=round(axis + 22, 2),
        font=DIST_FONT,
        rows=out_rows,
        legend=legend,
        ticks=ticks,
        axis=round(axis, 2),
        left=left,
        span=span,
        bar=_BAR,
        swatch=_SWATCH,
    )
