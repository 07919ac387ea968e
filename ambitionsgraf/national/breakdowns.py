"""What the report itself shows beyond the quadrants: the ambition graph with one point per
published organisation (figures 5 and 10), the change per question and per step for the
organisations measured in both rounds (figure 4 compares two years), and results per area and
per county, each with the caution a small group needs.

Exact like the rest: medians and quartiles are Fractions of the organisations' exact values,
rounded only when shown. A share or median of fewer than MIN_SHARE organisations is never shown
(the privacy rule of five); a group of fewer than CAUTION is shown with a caution, as statistics
offices mark estimates that rest on few observations."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..instrument import Instrument
from ..scoring import AXES, details_public
from ..text import num, percent
from ..wording import area_range, axis_range, range_text
from .figures import MIN_SHARE, NationalReport, Statuses, exact_sorted
from .questions import Cell, Chart

CAUTION = 20  # fewer organisations than this: the figure is shown with a caution
FEW_RESPONDENTS = 5  # a round with fewer interviewed: a move may be one person's answers


def quantile(values: list[Fraction], p: Fraction) -> Fraction:
    """The p-quantile of sorted `values`, inclusive (position p × (n − 1), interpolated), as
    spreadsheets' KVARTIL.INK and Kolada's quartiles; the median at p = 1/2."""
    pos = p * (len(values) - 1)
    low = int(pos)
    if low + 1 >= len(values):
        return values[-1]
    return values[low] + (values[low + 1] - values[low]) * (pos - low)


@dataclass(frozen=True)
class Graph:
    chart: Chart
    count: int  # points drawn
    without: int  # organisations without a point


def graph_section(ins: Instrument, report: NationalReport) -> Graph | None:
    """Every published organisation's point of the year, unnamed (figure 10); published points are public already."""
    points = sorted(
        (float(a.overall.axes["verksamhet"]), float(a.overall.axes["ledning"])) for _, a in report.rounds if a.overall.quadrant is not None
    )
    if not points:
        return None
    title = f"Ambitionsgrafen {report.year}: en punkt per publicerad organisation ({len(points)} punkter)"
    return Graph(Chart("ambitionsgraf.svg", title, kind="graph", points=points), len(points), report.members - len(points))


def _share(n: int, total: int) -> str | None:
    return f"{percent(Fraction(n, total))} %" if total >= MIN_SHARE else None


def _pp(before: int, now: int, total: int) -> str | None:
    """The change of a share in percentage points, of the shares as shown."""
    if total < MIN_SHARE:
        return None
    diff = percent(Fraction(now, total)) - percent(Fraction(before, total))
    return ("+" if diff > 0 else "−" if diff < 0 else "±") + f"{abs(diff)}"


@dataclass(frozen=True)
class ChangeRow:
    label: str
    count: int  # with an answer (a status) both times
    before: str | None
    now: str | None
    change: str | None  # in percentage points
    caution: bool


@dataclass(frozen=True)
class Changes:
    pairs: int
    questions: list[ChangeRow]
    steps: list[ChangeRow]
    caution: int
    moved: int  # from one quadrant to another
    few_respondents: int  # of them, resting on a round with fewer than few_limit interviewed
    few_limit: int


def _change_row(label: str, c: list[int]) -> ChangeRow:
    total, before, now = c
    return ChangeRow(label, total, _share(before, total), _share(now, total), _pp(before, now, total), MIN_SHARE <= total < CAUTION)


def change_section(ins: Instrument, report: NationalReport) -> Changes:
    """Per question the share "i hög grad", and per step the share "på plats", at the earlier round
    and in the year, over the organisations with an answer (a status) both times."""
    strongest = ins.statuses[0].id
    qids = ins.question_ids
    memo = Statuses(ins)
    q_counts = {qid: [0, 0, 0] for qid in qids}  # both answered, high before, high now
    s_counts = {s.id: [0, 0, 0] for s in ins.steps}
    for _, before, now in report.pairs:
        (b, bs), (n, ns) = memo.of(before), memo.of(now)
        for qid in qids:
            if b[qid] is not None and n[qid] is not None:
                c = q_counts[qid]
                c[0] += 1
                c[1] += b[qid] == strongest
                c[2] += n[qid] == strongest
        for s in ins.steps:
            if bs[s.id] is not None and ns[s.id] is not None:
                c = s_counts[s.id]
                c[0] += 1
                c[1] += bs[s.id] == strongest
                c[2] += ns[s.id] == strongest
    questions = [_change_row(f"{q.number}. {q.short[:1].upper() + q.short[1:]}", q_counts[q.id]) for q in ins.questions]
    steps = [_change_row(s.label, s_counts[s.id]) for s in ins.steps]
    moves = [
        (before, now)
        for _, before, now in report.pairs  # from one quadrant to another (a point both times)
        if None not in (before.overall.quadrant, now.overall.quadrant) and before.overall.quadrant != now.overall.quadrant
    ]
    few = sum(1 for before, now in moves if min(before.overall.respondents, now.overall.respondents) < FEW_RESPONDENTS)
    moved = len(moves)
    return Changes(len(report.pairs), questions, steps, CAUTION, moved, few, FEW_RESPONDENTS)


@dataclass(frozen=True)
class StatsRow:
    label: str
    range: str  # what an organisation's value can be at all, "0,8–3,8" (wording.area_range, axis_range)
    count: int
    caution: bool
    median: str | None
    q1: str | None
    q3: str | None


@dataclass(frozen=True)
class StatsTable:
    label: str
    members: int
    rows: list[StatsRow]


@dataclass(frozen=True)
class Areas:
    tables: list[StatsTable]
    caution: int


def _stats(label: str, reachable: tuple[Fraction, Fraction], values: list[Fraction]) -> StatsRow:
    values = list(exact_sorted(values))
    n = len(values)
    shown = n >= MIN_SHARE
    return StatsRow(
        label,
        range_text(*reachable),
        n,
        shown and n < CAUTION,
        num(quantile(values, Fraction(1, 2))) if shown else None,
        num(quantile(values, Fraction(1, 4))) if shown else None,
        num(quantile(values, Fraction(3, 4))) if shown else None,
    )


def area_section(ins: Instrument, report: NationalReport) -> Areas:
    """Per area and axis: median and quartiles of the organisations' values, for all and per type."""
    groups = [("Alla organisationer", [a for _, a in report.rounds])]
    groups += [
        (t.label, [a for o, a in report.rounds if o.type == t.id]) for t in ins.types if any(o.type == t.id for o, _ in report.rounds)
    ]
    # An area of a round one person answered is that person's own: never in a figure (scoring.details_public);
    # its point (the axes) is public and counts.
    measures = [
        (
            f"{area.number}. {area.label}",
            area_range(ins, area),
            lambda a, area=area: a.overall.areas[area.id] if details_public(a.overall) else None,
        )
        for area in ins.areas
    ]
    measures += [(ins.axes[axis]["etikett"], axis_range(ins, axis), lambda a, axis=axis: a.overall.axes[axis]) for axis in AXES]
    tables = []
    for label, rounds in groups:
        rows = [_stats(m_label, reachable, [v for a in rounds if (v := get(a)) is not None]) for m_label, reachable, get in measures]
        tables.append(StatsTable(label, len(rounds), rows))
    return Areas(tables, CAUTION)


@dataclass(frozen=True)
class GroupRow:
    """A county or a role: how many, how many in the best quadrant, the median on each axis."""

    label: str
    count: int | None  # None: a role under five organisations, not even how many
    caution: bool
    best: Cell
    ledning: str | None
    verksamhet: str | None
    shown: bool = True


@dataclass(frozen=True)
class Groups:
    rows: list[GroupRow]
    best: str  # the best quadrant's label
    caution: int


def _medians(axes_of: list, enough: bool) -> dict[str, str | None]:
    """The median on each axis of the values there are, where there are at least MIN_SHARE (and `enough`)."""
    out = {}
    for axis in AXES:
        values = list(exact_sorted([v for axes in axes_of if (v := axes[axis]) is not None]))
        out[axis] = num(quantile(values, Fraction(1, 2))) if enough and len(values) >= MIN_SHARE else None
    return out


def county_section(ins: Instrument, report: NationalReport) -> Groups | None:
    """Per county (from the SCB code: municipalities and the region), how many, how many in the
    quadrant ändamålsenlig, and the median on each axis."""
    g = report.grouping
    if g is None:
        return None
    by: dict = {}
    for o, a in report.rounds:
        if o.type not in g.type_sizes:  # a county is a municipality's or a region's: others have none
            continue
        county = g.county_of(o)
        by.setdefault(county, []).append(a)
    if not any(k is not None for k in by):
        return None
    best = ins.quadrants[0]
    rows = []
    for county in sorted(k for k in by if k is not None) + ([None] if None in by else []):
        rounds = by[county]
        n = len(rounds)
        shown = n >= MIN_SHARE
        axes = _medians([a.overall.axes for a in rounds], True)
        best_n = sum(a.overall.quadrant == best.id for a in rounds)
        rows.append(
            GroupRow(
                county[1] if county else "Län okänt (ingen kod i svarsfilen)",
                n,
                shown and n < CAUTION,
                Cell(best_n, f"{percent(Fraction(best_n, n))} %" if shown else None),
                axes["ledning"],
                axes["verksamhet"],
            )
        )
    return Groups(rows, best.label, CAUTION)


def role_section(ins: Instrument, report: NationalReport) -> Groups:
    """Per role (the report's §8.1.5 adds respondent groups), over the published organisations where
    the role was interviewed: how many, how many of their points lie in ändamålsenlig, and the median
    on each axis. Never one organisation's role: nothing is shown for fewer than MIN_SHARE organisations
    (the privacy rule of five), and an organisation's own report is where its roles are shown."""
    best = ins.quadrants[0]
    rows = []
    for role in ins.roles:
        scores = [a.roles[role.id] for _, a in report.rounds if role.id in getattr(a, "roles", {})]
        n = len(scores)
        shown = n >= MIN_SHARE
        with_point = [g for g in scores if g.quadrant is not None]
        best_n = sum(g.quadrant == best.id for g in with_point)
        axes = _medians([g.axes for g in scores], shown)
        share = f"{percent(Fraction(best_n, len(with_point)))} %" if shown and len(with_point) >= MIN_SHARE else None
        rows.append(
            GroupRow(
                role.label,
                n if shown else None,  # not even how many, under five: that is role detail too
                shown and n < CAUTION,
                Cell(best_n if shown else None, share),
                axes["ledning"],
                axes["verksamhet"],
                shown,
            )
        )
    return Groups(rows, best.label, CAUTION)
