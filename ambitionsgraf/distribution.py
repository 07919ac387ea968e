"""The overview's answers per question: one stacked horizontal bar per question, drawn as SVG from a template."""

from __future__ import annotations

import math
import re
from fractions import Fraction

from .render import string_template
from .text import percent_shown, xml_text

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
    if m is None:
        raise ValueError("not an SVG of ours: it has no viewBox")
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
