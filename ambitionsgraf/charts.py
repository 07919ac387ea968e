"""The ambitionsgraf chart as SVG, drawn with matplotlib's object API (no pyplot).

Text stays text (svg.fonttype none): it is searchable and readable by screen
readers, and WeasyPrint draws it as real PDF text. Output is deterministic:
a fixed hash salt and no date in the metadata.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from html import escape

import matplotlib

matplotlib.use("Agg")
from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .instrument import Instrument  # noqa: E402

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


def draw_svg(ins: Instrument, spec: ChartSpec) -> str:
    """Render one chart to an SVG document with a <title>."""
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(5.6, 5.0), dpi=72)
        FigureCanvasSVG(fig)
        ax = fig.add_axes((0.14, 0.13, 0.82, 0.82))
        _draw_frame(ins, ax)
        _draw_markers(ax, spec)
        buf = io.StringIO()
        with warnings.catch_warnings():
            # Glyphs DejaVu lacks (emoji) only affect layout estimates; the SVG keeps the text.
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    svg = re.sub(r"<svg ([^>]*)>", lambda m: f'<svg {m.group(1)} role="img">\n <title>{escape(spec.title)}</title>', svg, count=1)
    return svg


def _draw_frame(ins: Instrument, ax) -> None:
    low, high = 1.0, 4.0
    t = float(ins.threshold)
    ax.set_xlim(low - 0.05, high + 0.05)
    ax.set_ylim(low - 0.05, high + 0.05)
    ax.set_aspect("auto")
    # Quadrant tints: light, and each quadrant is also named in text.
    ax.fill_between([t, high + 0.05], t, high + 0.05, color="#E6F0F7", zorder=0, linewidth=0)
    ax.fill_between([low - 0.05, t], low - 0.05, t, color="#F3F3F3", zorder=0, linewidth=0)
    ax.axvline(t, color="#404040", linewidth=1, linestyle=(0, (4, 3)), zorder=1)
    ax.axhline(t, color="#404040", linewidth=1, linestyle=(0, (4, 3)), zorder=1)
    corners = {
        (True, True): (high - 0.04, high - 0.04, "right", "top"),
        (True, False): (low + 0.04, high - 0.04, "left", "top"),
        (False, True): (high - 0.04, low + 0.04, "right", "bottom"),
        (False, False): (low + 0.04, low + 0.04, "left", "bottom"),
    }
    for q in ins.quadrants:
        x, y, ha, va = corners[(q.ledning, q.verksamhet)]
        ax.text(x, y, _wrap(q.label, 22), ha=ha, va=va, fontsize=8, color="#1A1A1A", style="italic", zorder=2, parse_math=False)
    ticks = [1, 2, 3, 4]
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    lo_end, hi_end = ins.axis_ends
    ax.set_xlabel(f"{_axis_label(ins, 'verksamhet')} → \n{lo_end} – {hi_end}", color="#1A1A1A")
    ax.set_ylabel(f"{_axis_label(ins, 'ledning')} →\n{lo_end} – {hi_end}", color="#1A1A1A")
    ax.tick_params(colors="#1A1A1A")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


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


_LABEL_OFFSETS = [(8, 6), (8, -12), (-8, 6), (-8, -12)]


def _draw_markers(ax, spec: ChartSpec) -> None:
    trail = [m for m in spec.markers if m.kind in ("earlier", "current")]
    if spec.trail and len(trail) > 1:
        xs = [m.verksamhet for m in trail]
        ys = [m.ledning for m in trail]
        ax.plot(xs, ys, color=EARLIER, linewidth=1.2, linestyle=(0, (2, 2)), zorder=3)
        for (x0, y0), (x1, y1) in zip(zip(xs, ys), zip(xs[1:], ys[1:])):
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops={"arrowstyle": "->", "color": EARLIER, "lw": 1.2, "shrinkA": 6, "shrinkB": 8}, zorder=3)
    role_index = 0
    for i, m in enumerate(spec.markers):
        if m.kind == "current":
            ax.plot([m.verksamhet], [m.ledning], marker="o", markersize=11, color=CURRENT, markeredgecolor="white", markeredgewidth=1.5, zorder=8, linestyle="none")
            offset, weight = (9, 7), "bold"
        elif m.kind == "earlier":
            ax.plot([m.verksamhet], [m.ledning], marker="o", markersize=8, markerfacecolor="white", markeredgecolor=EARLIER, markeredgewidth=1.5, zorder=5, linestyle="none")
            offset, weight = (-9, -13), "normal"
        elif m.kind.startswith("role:"):
            shape, colour = ROLE_STYLE.get(m.kind[5:], ("o", "#333333"))
            ax.plot([m.verksamhet], [m.ledning], marker=shape, markersize=8, color=colour, markeredgecolor="#1A1A1A", markeredgewidth=0.8, zorder=4, linestyle="none")
            offset, weight = _LABEL_OFFSETS[role_index % 4], "normal"
            role_index += 1
        elif m.kind == "peer":
            ax.plot([m.verksamhet], [m.ledning], marker="o", markersize=5, color=PEER, alpha=0.8, zorder=2, linestyle="none")
            continue
        else:
            ax.plot([m.verksamhet], [m.ledning], marker="o", markersize=8, color=ORG, markeredgecolor="white", markeredgewidth=1, zorder=4, linestyle="none")
            offset, weight = _LABEL_OFFSETS[i % 4], "normal"
        if spec.label_points and m.label:
            ax.annotate(
                m.label,
                (m.verksamhet, m.ledning),
                xytext=offset,
                textcoords="offset points",
                fontsize=8,
                fontweight=weight,
                color="#1A1A1A",
                ha="left" if offset[0] > 0 else "right",
                zorder=7,
                parse_math=False,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )


# A light-to-dark blue ramp (colour-blind safe as a lightness scale); grey for no answer.
LEVEL_COLOURS = ["#08306B", "#2171B5", "#6BAED6", "#C6DBEF"]
MISSING_COLOUR = "#D9D9D9"


def distribution_svg(title: str, rows: list[tuple[str, list[tuple[str, int]], int]]) -> str:
    """Stacked horizontal bars: per question, the share of organisations at each answer level.

    rows: (question label, [(level label, count), …] strongest first, count without answer).
    """
    with matplotlib.rc_context(_RC):
        height = 0.9 + 0.32 * len(rows)
        fig = Figure(figsize=(7.0, height), dpi=72)
        FigureCanvasSVG(fig)
        ax = fig.add_axes((0.08, 0.9 / height * 0.75, 0.9, 1 - 1.0 / height))
        ys = list(range(len(rows)))[::-1]
        legend_done: set[str] = set()
        for y, (label, levels, missing) in zip(ys, rows):
            total = sum(n for _, n in levels) + missing
            left = 0.0
            segments = [(lab, n, LEVEL_COLOURS[i] if levels and len(levels) == 4 else ("#08306B", "#C6DBEF")[i]) for i, (lab, n) in enumerate(levels)]
            segments.append(("Inget svar", missing, MISSING_COLOUR))
            for lab, n, colour in segments:
                if not total or not n:
                    continue
                share = n / total
                ax.barh(y, share, left=left, color=colour, edgecolor="white", linewidth=0.8,
                        label=None if lab in legend_done else lab)
                legend_done.add(lab)
                if share >= 0.1:
                    dark = colour in ("#08306B", "#2171B5")
                    ax.text(left + share / 2, y, f"{round(share * 100)} %", ha="center", va="center", fontsize=7,
                            color="white" if dark else "#1A1A1A", parse_math=False)
                left += share
        ax.set_yticks(ys)
        ax.set_yticklabels([r[0] for r in rows])
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
        ax.set_xticklabels(["0 %", "25 %", "50 %", "75 %", "100 %"])
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=6, fontsize=7, frameon=False)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    return re.sub(r"<svg ([^>]*)>", lambda m: f'<svg {m.group(1)} role="img">\n <title>{escape(title)}</title>', svg, count=1)
