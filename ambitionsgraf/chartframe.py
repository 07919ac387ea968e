"""The ambitionsgraf's frame: axes that span every point the instrument can give, drawn once with
matplotlib's object API (no pyplot) and kept as a plain value (`Frame`) that charts.py places points on.

Text stays text (svg.fonttype none): it is searchable and readable by screen readers, and
WeasyPrint draws it as real PDF text. Output is deterministic: a fixed hash salt and no date in
the metadata. matplotlib is imported only when a frame is drawn (a build keeps the frame in its cache).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .instrument import Instrument
from .scoring import AXES
from .text import num

_RC: dict[str, Any] = {
    "svg.hashsalt": "ambitionsgraf",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "path.simplify": True,
}


def _axis_label(ins: Instrument, axis: str) -> str:
    return ins.axes[axis]["kort"]


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
    scale = [Fraction(v) for v, _ in ins.scale]
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
    xlim = (float(limits["verksamhet"][0]), float(limits["verksamhet"][1]))
    ylim = (float(limits["ledning"][0]), float(limits["ledning"][1]))
    scale = sorted(float(v) for v, _ in ins.scale)
    xticks = tuple(v for v in scale if xlim[0] <= v <= xlim[1])
    yticks = tuple(v for v in scale if ylim[0] <= v <= ylim[1])
    rc: dict[Any, Any] = {**_RC, "font.size": size.font}
    with matplotlib.rc_context(rc):
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
