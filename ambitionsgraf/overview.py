"""The national overview and the comparisons: pure functions over scored organisations.

The overview shows published organisations only. Comparisons in a delivery
report use every organisation anonymously, and only when the comparison
group has at least MIN_GROUP other organisations, so nobody can be singled out.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from fractions import Fraction

from .instrument import Instrument
from .scoring import AssessmentResult, OrganisationResult, OrganisationSummary, RoundSummary
from .text import percent_shown

Result = OrganisationResult | OrganisationSummary  # an organisation, whole or summarised
Round = AssessmentResult | RoundSummary

MIN_GROUP = 5


def round_in_year(result: Result, year: str | None) -> Round | None:
    """The organisation's latest round in `year`, or its latest round at all."""
    rounds = [a for a in result.assessments if year is None or a.date[:4] == year]
    return rounds[-1] if rounds else None


def answer_level(ins: Instrument, qid: str, mean: Fraction | None) -> str | None:
    """An organisation's level on one question: its mean rounded half up to the nearest answer."""
    if mean is None:
        return None
    q = ins.question(qid)
    n, d = mean.numerator, mean.denominator  # in integers: this runs for every organisation, question and page
    if q.rule == "ja_nej":
        points = dict(q.points)
        return "ja" if n * 2 >= (points["ja"] + points["nej"]) * d else "nej"
    return str((2 * n + d) // (2 * d))  # round_half_up(mean) for a mean that is never negative


def answer_levels(ins: Instrument, qid: str) -> list[tuple[str, str]]:
    q = ins.question(qid)
    if q.rule == "ja_nej":
        return [("ja", "Ja"), ("nej", "Nej")]
    return [(str(v), label) for v, label in ins.scale]


@dataclass(frozen=True)
class Selection:
    type: str | None
    year: str | None
    rounds: tuple[tuple[Result, Round], ...]


def select(results: list[Result], type_: str | None, year: str | None) -> Selection:
    chosen = []
    for r in results:
        if type_ is not None and r.organisation.type != type_:
            continue
        a = round_in_year(r, year)
        if a is not None:
            chosen.append((r, a))
    return Selection(type_, year, tuple(chosen))


def quadrant_counts(ins: Instrument, sel: Selection) -> list[tuple[str, int]]:
    counts = {q.id: 0 for q in ins.quadrants}
    none = 0
    for _, a in sel.rounds:
        if a.overall.quadrant:
            counts[a.overall.quadrant] += 1
        else:
            none += 1
    rows = [(ins.quadrant_by_id(q).label, n) for q, n in counts.items()]
    if none:
        rows.append(("Ingen punkt (svar saknas)", none))
    return rows


def question_distribution(ins: Instrument, sel: Selection, known: dict | None = None) -> list[dict]:
    """Per question: how many organisations sit at each answer level (and how many have no answer).

    `known` keeps each round's levels between calls (by id of the round), for a caller that
    shows the same rounds on many pages.
    """
    known = {} if known is None else known
    for _, a in sel.rounds:
        if id(a) not in known:
            known[id(a)] = (a, {q.id: answer_level(ins, q.id, a.questions[q.id].mean) for q in ins.questions})
    out = []
    for q in ins.questions:
        counts = {key: 0 for key, _ in answer_levels(ins, q.id)}
        missing = 0
        for _, a in sel.rounds:
            level = known[id(a)][1][q.id]
            if level is None:
                missing += 1
            else:
                counts[level] += 1
        out.append({"id": q.id, "number": q.number, "text": q.text, "counts": counts, "missing": missing,
                    "levels": answer_levels(ins, q.id)})
    return out


def _measures(ins: Instrument):
    return [("axis", axis, lambda g, axis=axis: g.axes[axis]) for axis in ("ledning", "verksamhet")] + [
        ("area", area.id, lambda g, area=area.id: g.areas[area]) for area in ins.areas
    ]


def _rounded_point(a: Round) -> tuple[float, float] | None:
    """Peers are shown anonymously, at display precision (one decimal)."""
    if a.overall.quadrant is None:
        return None
    return (round(float(a.overall.axes["verksamhet"]), 1), round(float(a.overall.axes["ledning"]), 1))


@dataclass(frozen=True)
class Group:
    members: int
    values: dict  # measure key -> sorted values of members that have one (floats when `floats`, else Fractions)
    points: Counter  # rounded point -> how many members sit there
    digest: str = ""  # of `points`: what a build's cache key needs, without hashing every point per member
    floats: bool = True


# Two different fractions whose denominators are below 2**20 differ by more than 2**-40, far more
# than the rounding of a float near the scores (at most 2**-50), so their floats sort exactly as
# they do, and equal fractions give equal floats. Scores always qualify (their denominators are
# products of small counts); the exact Fractions are kept for anything that would not.
_FLOAT_EXACT = 2**20


def _floats_are_exact(values) -> bool:
    return all(v.denominator < _FLOAT_EXACT and abs(v.numerator) < 1024 * v.denominator for v in values)


class ComparisonIndex:
    """Every comparison group (year, and year × type) summarised once, so each lookup is a bisection."""

    def __init__(self, ins: Instrument, everyone: list[Result]):
        self.ins = ins
        members: dict[tuple[str, str | None], list] = defaultdict(list)
        for r in everyone:
            for year in {a.date[:4] for a in r.assessments}:
                a = round_in_year(r, year)
                members[(year, None)].append(a)
                members[(year, r.organisation.type)].append(a)
        self.groups = {key: self._summarise(rounds) for key, rounds in members.items()}

    def _summarise(self, rounds: list) -> Group:
        raw = {key: [v for a in rounds if (v := get(a.overall)) is not None] for _, key, get in _measures(self.ins)}
        exact = all(_floats_are_exact(v) for v in raw.values())
        values = {key: sorted(float(x) for x in v) if exact else sorted(v) for key, v in raw.items()}
        points = Counter(p for a in rounds if (p := _rounded_point(a)) is not None)
        return Group(len(rounds), values, points, hashlib.sha256(repr(sorted(points.items())).encode()).hexdigest(), exact)


@dataclass(frozen=True)
class Position:
    """The organisation's place on one axis or area among a group's other members."""

    kind: str  # "axis" or "area"
    key: str
    share_below: Fraction | None  # of the others with a value, the share strictly below; None: not comparable
    compared: int  # how many others have a value


@dataclass(frozen=True)
class ShownPosition:
    kind: str
    key: str
    percent: str | None  # share_below as printed: whole percent, more decimals only instead of a false 0 or 100
    compared: int


@dataclass(frozen=True)
class ShownComparison:
    """Everything a delivery PDF shows of one comparison group, and nothing else.

    The report is drawn from this value only, and the build keys each delivery PDF on
    `key()`: the shown form with the peer points replaced by their group's digest (which,
    with the organisation's own point, fixes them). So the key cannot drift from the PDF.
    """

    label: str
    plural: str
    size: int
    shown: bool
    positions: tuple[ShownPosition, ...]
    points_digest: str
    points: tuple[tuple[float, float], ...] | None

    def key(self) -> list:
        return [self.label, self.plural, self.size, self.shown,
                [[p.kind, p.key, p.percent, p.compared] for p in self.positions], self.points_digest]


@dataclass(frozen=True)
class Comparison:
    """One comparison group of an organisation's delivery report: all organisations, or its own type,
    measured in the same year. Positions and points only when the group is large enough to be shown."""

    key: str
    label: str
    plural: str
    size: int  # other organisations in the group
    shown: bool
    positions: tuple[Position, ...] = ()
    points_digest: str = ""
    points: tuple[tuple[float, float], ...] | None = None  # the peers' rounded points, when asked for

    def as_shown(self) -> ShownComparison:
        return ShownComparison(
            self.label, self.plural, self.size, self.shown,
            tuple(ShownPosition(p.kind, p.key, None if p.share_below is None else percent_shown(p.share_below), p.compared)
                  for p in self.positions),
            self.points_digest, self.points,
        )

    def as_json(self) -> dict:
        """The group as the delivery JSON file holds it (`jamforelse`); also what its build key holds."""
        out: dict = {"grupp": self.key, "antal": self.size, "visas": self.shown}
        if self.shown:
            out["andel_lagre"] = {p.key: None if p.share_below is None else float(p.share_below) for p in self.positions}
        return out


def comparison(ins: Instrument, result: Result, index: ComparisonIndex, *, with_points: bool = True) -> list[Comparison]:
    """The organisation against the others in its latest round's year: all, and its own type.

    `result` is an OrganisationResult or its summary. Without points, a group names the peer
    points only through `points_digest` (which, with the organisation's own point, fixes them).
    """
    latest = result.latest
    year = latest.date[:4]
    type_ = ins.type_of(result.organisation.type)
    own_point = _rounded_point(latest)
    out = []
    for key, label, plural, group_key in (
        ("alla", f"alla organisationer med mätning {year}", "organisationerna", (year, None)),
        (type_.id, f"{type_.plural} med mätning {year}", type_.plural, (year, type_.id)),
    ):
        group = index.groups.get(group_key, Group(1, {}, Counter()))
        size = group.members - 1  # everyone but the organisation itself
        if size < MIN_GROUP:
            out.append(Comparison(key, label, plural, size, False))
            continue
        points = None
        if with_points:
            counts = group.points.copy()
            if own_point is not None:
                counts[own_point] -= 1
            points = tuple(sorted(p for p, n in counts.items() if n > 0))
        positions = []
        for kind, measure, get in _measures(ins):
            mine = get(latest.overall)
            values = group.values[measure]
            others = len(values) - (mine is not None)
            below = (bisect_left(values, float(mine) if group.floats else mine)) if mine is not None else 0
            positions.append(Position(kind, measure, None if mine is None or not others else Fraction(below, others), others))
        out.append(Comparison(key, label, plural, size, True, tuple(positions), group.digest, points))
    return out
