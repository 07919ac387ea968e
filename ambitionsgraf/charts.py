"""The ambitionsgraf chart as SVG: the instrument's frame (chartframe.py, drawn once) with one
chart's points, their trail and their labels placed where they cover nothing else.

Text stays text: it is searchable and readable by screen readers, and WeasyPrint draws it as
real PDF text. The frame's names are exported from here too, as the chart's API.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from .chartframe import PHONE, WIDE, Frame, Size, axis_limits, frame, reachable_ranges, remember_frame, tick_label
from .instrument import Instrument
from .labels import candidates
from .render import string_template
from .text import xml_text

__all__ = [
    "PHONE",
    "WIDE",
    "ChartSpec",
    "Frame",
    "Marker",
    "Size",
    "axis_limits",
    "draw_svg",
    "frame",
    "reachable_ranges",
    "remember_frame",
    "text_width",
    "tick_label",
]

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
_SHAPES: dict[str, list[tuple[float, float]]] = {
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

    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations, "matplotlib is a dependency"
    package = Path(spec.submodule_search_locations[0])
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
