"""The national follow-up as shown: one typed view of strings and numbers for the year's page and PDF.

One small builder per section, each returning frozen rows (here and in `coverage`, `breakdowns`
and `questions`); `report_view` assembles them. Every fact of the instrument a row shows (axis
names, step kinds, statuses, the scale's labels) is read from the instrument or `wording`, never
written as a literal. The build keys the page and the PDF on this value (`report_digest`), and
both are drawn from it only, so the key cannot drift from what they show (the PDF's appendix is
the instrument's and the method page's, which the build's code key covers).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

import orjson

from ..instrument import Instrument
from ..layout import NATIONAL_CHART_FILES
from ..scoring import AXES
from ..text import count, grouped, num, percent, swedish_date, the_count
from ..wording import NO_POINT, words
from .breakdowns import Areas, Changes, Graph, Groups, area_section, change_section, county_section, graph_section, role_section
from .coverage import Participation, coverage_view, terms
from .coverage import tally_label as _tally_label
from .figures import MIN_SHARE, NationalReport
from .questions import (
    RAMP,
    Answers,
    Cell,
    Chart,
    Headline,
    Steps,
    answer_section,
    cell,
    headline_section,
    headline_sentence,
    high_counts,
    step_section,
)


def _signed(value: Fraction) -> str:
    text = num(value)
    return text if text.startswith("−") or text == num(0) else "+" + text


def _systematic_axes(ins: Instrument, quadrant: str) -> int:
    q = ins.quadrant_by_id(quadrant)
    return int(q.ledning) + int(q.verksamhet)


@dataclass(frozen=True)
class QuadrantRow:
    label: str
    main: bool  # an SKR main group
    count: int
    shares: bool  # enough organisations for shares
    note: bool  # "bara antal": said once when all are few
    cells: list[Cell]  # one per quadrant, then no point


@dataclass(frozen=True)
class QuadrantSection:
    title: str
    rows: list[QuadrantRow]


@dataclass(frozen=True)
class Quadrants:
    headers: list[str]
    sections: list[QuadrantSection]
    chart: Chart | None
    small: bool


def _quadrant_section(ins: Instrument, report: NationalReport) -> Quadrants:
    headers = [q.label for q in ins.quadrants] + [NO_POINT]
    sections = []
    for title, kinds in (
        ("", ("alla",)),
        ("Efter typ", ("typ",)),
        (f"Kommuner efter {report.grouping.edition}" if report.grouping else "", ("huvudgrupp", "grupp", "okand")),
    ):
        rows = []
        for t in report.tallies:
            if t.kind not in kinds or not t.members:  # a group nobody was measured in: the participation table says so
                continue
            shares = t.members >= MIN_SHARE
            note = not shares and report.members >= MIN_SHARE  # said once when all are few
            cells = [cell(n, t.members, shares) for n in t.quadrants.values()]
            rows.append(QuadrantRow(_tally_label(ins, t, report.grouping), t.kind == "huvudgrupp", t.members, shares, note, cells))
        if rows:
            sections.append(QuadrantSection(title, rows))
    bars = [
        (_tally_label(ins, t, report.grouping), [t.quadrants[q.id] for q in ins.quadrants], t.quadrants[None])
        for t in report.tallies
        if t.members >= MIN_SHARE
    ]
    title = f"Andel organisationer per kvadrant och grupp, {report.year}"
    chart = Chart("kvadranter.svg", title, list(zip(RAMP, (q.label for q in ins.quadrants))), bars) if bars else None
    return Quadrants(headers, sections, chart, any(not r.shares for s in sections for r in s.rows))


@dataclass(frozen=True)
class TransitionRow:
    label: str  # the quadrant before
    cells: list[int]  # by the quadrant in the year, then no point
    total: int


@dataclass(frozen=True)
class Moves:
    same: int
    up: int  # more axes with systematic interplay
    down: int
    across: int  # one systematic interplay for the other
    no_point: int


@dataclass(frozen=True)
class MedianChange:
    label: str  # the axis's name
    count: int
    median: str | None  # signed; None under MIN_SHARE


@dataclass(frozen=True)
class EarlierYear:
    year: str
    count: int


@dataclass(frozen=True)
class TransitionsView:
    pairs: int
    earlier: list[EarlierYear]
    headers: list[str]
    rows: list[TransitionRow]
    totals: list[int]
    total: int
    moves: Moves
    medians: list[MedianChange]


def _moves(ins: Instrument, table) -> Moves:
    moves: Counter = Counter()
    for (b, a), n in table.items():
        if b is None or a is None:
            moves["no_point"] += n
        elif b == a:
            moves["same"] += n
        else:
            diff = _systematic_axes(ins, a) - _systematic_axes(ins, b)
            moves["up" if diff > 0 else "down" if diff < 0 else "across"] += n
    return Moves(moves["same"], moves["up"], moves["down"], moves["across"], moves["no_point"])


def _transition_section(ins: Instrument, report: NationalReport) -> TransitionsView:
    tr = report.transitions
    keys = [q.id for q in ins.quadrants] + [None]
    labels = {q.id: q.label for q in ins.quadrants} | {None: NO_POINT}
    rows = [TransitionRow(labels[b], [tr.table.get((b, a), 0) for a in keys], sum(tr.table.get((b, a), 0) for a in keys)) for b in keys]
    totals = [sum(tr.table.get((b, a), 0) for b in keys) for a in keys]
    medians = []
    for axis in AXES:
        median = tr.median(axis) if len(tr.changes[axis]) >= MIN_SHARE else None
        medians.append(MedianChange(words(ins).axes[axis].label, len(tr.changes[axis]), None if median is None else _signed(median)))
    earlier = [EarlierYear(y, n) for y, n in tr.earlier_years.items()]
    return TransitionsView(tr.pairs, earlier, [labels[k] for k in keys], rows, totals, tr.pairs, _moves(ins, tr.table), medians)


def _moved_sentence(ins: Instrument, tr: TransitionsView) -> list[str]:
    """How those measured before moved, and the median change per axis."""
    if not tr.pairs:
        return ["Ingen av dem hade mätts ett tidigare år, så det finns ingen förflyttning att redovisa."]
    m, high = tr.moves, words(ins).high.lower()
    moved = [f"{m.same} ligger i samma kvadrant", f"{m.up} har fler axlar med {high} samspel", f"{m.down} färre"]
    if m.across:
        moved.append(f"{m.across} har bytt det ena systematiska samspelet mot det andra")
    if m.no_point:
        moved.append(f"{m.no_point} saknar punkt vid någon av mätningarna")
    out = [
        f"{grouped(tr.pairs)} av dem hade mätts ett tidigare år. Jämfört med den mätningen: "
        + ", ".join(moved[:-1])
        + " och "
        + moved[-1]
        + "."
    ]
    shown = [x for x in tr.medians if x.median is not None]
    if shown:
        out.append("Medianförändringen är " + " och ".join(f"{x.median} för {x.label[0].lower() + x.label[1:]}" for x in shown) + ".")
    return out


def _summary(ins: Instrument, report: NationalReport, coverage: Participation, transitions: TransitionsView) -> list[str]:
    """The report's findings in a few sentences, for a reader who reads nothing else."""
    n = report.members
    types = ", ".join(f"{ins.type_of(t.key).label.lower()} {grouped(t.members)}" for t in report.tallies if t.kind == "typ")
    out = [f"{count(n, 'publicerad organisation', 'publicerade organisationer')} mättes {report.year} ({types})."]
    out += coverage.representative[:-1]  # per type: took part, published, of how many, and the judgement
    everyone = report.tallies[0]
    best, worst = ins.quadrants[0], ins.quadrants[-1]
    if n >= MIN_SHARE:
        out.append(
            f"{percent(Fraction(everyone.quadrants[best.id], n))} % ({everyone.quadrants[best.id]}) ligger i kvadranten "
            f"{best.label.lower()} och {percent(Fraction(everyone.quadrants[worst.id], n))} % ({everyone.quadrants[worst.id]}) "
            f"i {worst.label.lower()}."
        )
    else:
        out.append(
            f"{everyone.quadrants[best.id]} ligger i kvadranten {best.label.lower()} och {everyone.quadrants[worst.id]} i "
            f"{worst.label.lower()}. Med färre än {MIN_SHARE} organisationer redovisas antal, inte andelar."
        )
    out += _moved_sentence(ins, transitions)
    said = headline_sentence(ins, report)
    if said:
        out.append(said)
    goals = next((q for q in ins.questions if q.rule == "ja_nej"), None)
    if goals is not None and n >= MIN_SHARE:
        high, answered = high_counts(ins, report, goals.id)
        if answered >= MIN_SHARE:
            yes = goals.points[0][0]
            out.append(
                f"Hos {percent(Fraction(high, answered))} % ({high}) svarade alla intervjuade {yes} på frågan om "
                f"{goals.short} (fråga {goals.number})."
            )
    return out


CHART_FILES = NATIONAL_CHART_FILES  # every chart a year's page may have: the layout's


@dataclass(frozen=True)
class NationalView:
    """Everything the year's page and PDF show, as text and counts."""

    year: str
    title: str
    members: int
    members_published: str
    members_text: str
    min_share: int
    latest: str | None  # ISO date of the latest round counted
    latest_text: str | None
    edition: str | None  # SKR's grouping
    site_url: str | None
    goals_step: str  # the step the yes-or-no question belongs to
    summary: list[str]
    participation: Participation
    terms: list[tuple[str, str]]
    quadrants: Quadrants
    transitions: TransitionsView
    headline: Headline
    graph: Graph | None
    changes: Changes
    areas: Areas
    counties: Groups | None
    roles: Groups
    questions: Answers
    steps: Steps


def charts_of(view: NationalView) -> list[Chart]:
    """The charts a view draws, each with its file name, title, levels and rows (distribution.distribution_svg)."""
    found = [
        view.graph.chart if view.graph else None,
        view.quadrants.chart,
        view.headline.chart,
        *(g.chart for g in view.questions.groups),
        view.steps.chart,
    ]
    return [c for c in found if c is not None]


def report_view(ins: Instrument, report: NationalReport, *, site_url: str | None) -> NationalView:
    """Everything the year's page and PDF show, as text and counts; JSON-serialisable (the PDF's key)."""
    coverage, transitions = coverage_view(ins, report), _transition_section(ins, report)
    return NationalView(
        year=report.year,
        title=f"Nationell uppföljning {report.year}",
        members=report.members,
        members_published=count(report.members, "publicerad organisation", "publicerade organisationer"),
        members_text=the_count(report.members, "organisation", "organisationer"),
        min_share=MIN_SHARE,
        latest=report.latest,
        latest_text=swedish_date(report.latest) if report.latest else None,
        edition=report.grouping.edition if report.grouping else None,
        site_url=site_url,
        goals_step=next((s.label for q in ins.questions if q.rule == "ja_nej" for s in ins.steps if s.id == q.step), ""),
        summary=_summary(ins, report, coverage, transitions),
        participation=coverage,
        terms=terms(ins, report),
        quadrants=_quadrant_section(ins, report),
        transitions=transitions,
        headline=headline_section(ins, report),
        graph=graph_section(ins, report),
        changes=change_section(ins, report),
        areas=area_section(ins, report),
        counties=county_section(ins, report),
        roles=role_section(ins, report),
        questions=answer_section(ins, report),
        steps=step_section(ins, report),
    )


def report_digest(view: NationalView) -> str:
    """Of the report as shown: what the year's page and PDF depend on besides the code."""
    return hashlib.sha256(orjson.dumps(view)).hexdigest()
