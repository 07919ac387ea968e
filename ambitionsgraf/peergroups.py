"""The comparisons of a delivery report: an organisation against the others measured in the same year.

Comparisons are shown only when the comparison group has at least MIN_GROUP other
organisations, draw only published organisations as (anonymous) points, and count
unpublished ones only as ComparisonIndex's privacy rule allows.
"""

from __future__ import annotations

import functools
import hashlib
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from fractions import Fraction

from .instrument import Instrument
from .overview import MIN_GROUP, Result, Round, round_in_year
from .scoring import area_bounds, axis_bounds
from .text import kept_decimals, num_on_side, percent_shown, round_half_up

__all__ = ["MIN_GROUP", "Comparison", "ComparisonIndex", "Position", "ShownComparison", "comparison"]


def _measures(ins: Instrument):
    return [("axis", axis, lambda g, axis=axis: g.axes[axis]) for axis in ("ledning", "verksamhet")] + [
        ("area", area.id, lambda g, area=area.id: g.areas[area]) for area in ins.areas
    ]


def _rounded_point(a: Round, threshold: Fraction) -> tuple[float, float] | None:
    """Peers are drawn anonymously, at display precision: one decimal, or as many as keep a value
    on its own side of the threshold (2,45 is drawn at 2,45, below the line, not on it)."""
    x, y = a.overall.axes["verksamhet"], a.overall.axes["ledning"]
    if a.overall.quadrant is None or x is None or y is None:  # a quadrant has both
        return None
    return (_drawn_at(x, threshold), _drawn_at(y, threshold))


def _drawn_at(v: Fraction, threshold: Fraction) -> float:
    """One decimal when that keeps the side of the threshold (in integers: this runs for every
    organisation of every group), else as many as text.kept_decimals says."""
    n, d, tn, td = v.numerator, v.denominator, threshold.numerator, threshold.denominator
    tenths = (20 * n + d) // (2 * d)  # round_half_up(v, 1) × 10, for a score that is never negative
    if (tenths * td >= 10 * tn) == (n * td >= tn * d):
        return tenths / 10
    return float(round_half_up(v, kept_decimals(v, at_least=(threshold,))))


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


POOL_MIN = 5  # unpublished organisations enter an aggregate only with at least this many others like them

GroupId = tuple[str, str] | None  # ("typ", "kommun"), ("kommungrupp", "A2"), ("huvudgrupp", "A"), ("lan", "01"); None: all


@dataclass(frozen=True)
class GroupDef:
    """One comparison group an organisation belongs to."""

    gid: GroupId  # None: all organisations
    key: str  # in the delivery JSON (`jamforelse[].grupp`)
    label: str  # before " med mätning <year>"
    plural: str  # "bättre än 60 % av <plural>"
    short: str  # a table's column header
    edition: str = ""  # the grouping's edition, for groups from the reference list


ALL = GroupDef(None, "alla", "alla organisationer", "organisationerna", "Alla")


def group_definitions(ins: Instrument, org) -> list[GroupDef]:
    """The narrower comparison groups an organisation belongs to, widest first: its type, and
    for a municipality with an SCB code its SKR main group, its SKR group and its county.
    County and group come from the reference list, never from the answer file."""
    type_ = ins.type_of(org.type)
    plural = type_.plural
    if plural is None:
        raise ValueError(f"the instrument gives type {type_.id} no plural")
    out = [GroupDef(("typ", type_.id), type_.id, plural, plural, plural[0].upper() + plural[1:])]
    ref = ins.reference
    place = ref.get(getattr(org, "code", None)) if ref is not None else None
    if place is None or place.typ != "kommun":
        return out
    edition = ref.grouping_edition
    if place.huvudgrupp:
        main = ref.main_groups[place.huvudgrupp]
        out.append(
            GroupDef(
                ("huvudgrupp", place.huvudgrupp),
                "huvudgrupp",
                f"kommunerna i huvudgrupp {place.huvudgrupp}, {main[0].lower() + main[1:]},",
                "kommunerna i huvudgruppen",
                f"Huvudgrupp {place.huvudgrupp}",
                edition,
            )
        )
    if place.kommungrupp_kod:
        out.append(
            GroupDef(
                ("kommungrupp", place.kommungrupp_kod),
                "kommungrupp",
                f"kommunerna i kommungrupp {place.kommungrupp_kod}, {(place.kommungrupp or '').lower()},",
                "kommunerna i kommungruppen",
                f"Kommungrupp {place.kommungrupp_kod}",
                edition,
            )
        )
    out.append(GroupDef(("lan", place.lanskod), "lan", f"kommunerna i {place.lan}", "kommunerna i länet", place.lan, ref.codes_edition))
    return out


class ComparisonIndex:
    """Every comparison group (year × group) summarised once, so each lookup is a bisection.

    The privacy rule (method page, "Jämförelser och sekretess"): an unpublished organisation's
    values must not be derivable from the public site together with any other organisation's
    delivery package. So each group is summarised over its published members (whose values
    are public anyway), and the group of all organisations also over every member (adding the
    unpublished members' values to its published summary).
    Peer points are always the published members' only. Unpublished organisations count in a
    recipient's positions only in the group of all organisations, and only when at least
    POOL_MIN of them besides the recipient took part that year; every narrower group (type, and
    any added later) holds published organisations only, so no two groups a recipient sees
    differ by fewer than POOL_MIN unpublished organisations.
    """

    def __init__(self, ins: Instrument, everyone: list[Result]):
        self.ins = ins
        getters = [get for _, _, get in _measures(ins)]
        measures = [key for _, key, _ in _measures(ins)]
        # Each round's values and drawn point, worked out once however many groups it is in.
        public: dict[tuple[str, GroupId], list[tuple[tuple, tuple | None]]] = defaultdict(list)
        hidden: dict[str, list[tuple]] = defaultdict(list)  # year -> the unpublished rounds' values
        self.unpublished: Counter = Counter()  # year -> unpublished organisations measured that year
        # (year, measure) -> unpublished organisations with a value for it: a measure nobody
        # could answer leaves an organisation out of that measure's position, so the rule of
        # five must hold per measure, not only per group.
        self.unpublished_valued: Counter = Counter()
        for r in everyone:
            ids = [None] + [g.gid for g in group_definitions(ins, r.organisation)]
            for year in {a.year for a in r.assessments}:
                a = round_in_year(r, year)
                if a is None:  # never: the year is one of its rounds'
                    continue
                values = tuple(get(a.overall) for get in getters)
                if r.organisation.published:
                    member = (values, _rounded_point(a, ins.threshold))
                    for gid in ids:
                        public[(year, gid)].append(member)
                else:
                    self.unpublished[year] += 1
                    hidden[year].append(values)
                    for measure, v in zip(measures, values):
                        self.unpublished_valued[(year, measure)] += v is not None
        self.groups = {key: _summarised(measures, members) for key, members in public.items()}
        self._positions: dict = {}  # what position() worked out: most members share a value with others
        self._shown: dict = {}  # (kind, key, spread) -> the spread as printed
        # The group of all organisations with the unpublished ones pooled in: the published ones'
        # values come from that group's summary, only the unpublished rounds are added.
        self.pooled = {
            year: _pooled(measures, self.groups.get((year, None)), public.get((year, None), []), rounds)
            for year, rounds in hidden.items()
            if self.unpublished[year] >= POOL_MIN
        }

    def group_for(self, year: str, gid: GroupId, recipient: Round, published: bool) -> tuple[Group, Group, bool, int]:
        """For a recipient: the group its positions are computed over, the group its peer points
        come from (published members), whether the recipient is a member of the first, and how
        many unpublished organisations the first pools (0: none). `gid` None: all organisations.

        Unpublished organisations are pooled only when at least POOL_MIN of them besides the
        recipient took part, and at least POOL_MIN of those have a value for every measure."""
        empty = Group(0, {}, Counter())
        public = self.groups.get((year, gid), empty)
        if gid is None and year in self.pooled:
            others = self.unpublished[year] - (not published)
            valued = min(
                self.unpublished_valued[(year, m)] - (not published and get(recipient.overall) is not None)
                for _, m, get in _measures(self.ins)
            )
            if others >= POOL_MIN and valued >= POOL_MIN:
                return self.pooled[year], public, True, others
        return public, public, published, 0

    def position(self, year: str, gid: GroupId, pooled: bool, member: bool, published: bool, measure: tuple, mine) -> Position:
        """The recipient's Position on one measure (kind, key, getter) in the group group_for gave
        (`pooled`: the pooled one). It depends on nothing else, so it is worked out once for each
        value: in a group of hundreds most members share their value on a measure with others."""
        kind, key, _ = measure
        # A Fraction's hash is slow (a modular inverse): the value as its two integers.
        cache_key = (year, gid, pooled, member, published, key, None if mine is None else (mine.numerator, mine.denominator))
        known = self._positions.get(cache_key)
        if known is None:
            public = self.groups[(year, gid)]
            group = self.pooled[year] if pooled else public
            values = group.values[key]
            others = len(values) - (member and mine is not None)
            below = (bisect_left(values, float(mine) if group.floats else mine)) if mine is not None else 0
            spread = _spread(public.values.get(key, []), mine, published, public.floats)
            shown = self._shown.get((kind, key, spread))
            if shown is None:
                shown = self._shown[kind, key, spread] = _shown_spread(self.ins, kind, key, spread)
            known = self._positions[cache_key] = Position(
                kind,
                key,
                None if mine is None or not others else Fraction(below, others),
                others,
                spread,
                shown,
            )
        return known

    def __getstate__(self) -> dict:
        # Sent to the workers without what position() kept: they keep their own.
        return {**self.__dict__, "_positions": {}, "_shown": {}}


def _by_measure(measures: list[str], rows) -> dict[str, list]:
    """Rounds' values (one tuple per round, in `measures`' order) as each measure's values that exist."""
    return {key: [v for row in rows if (v := row[i]) is not None] for i, key in enumerate(measures)}


def _summarised(measures: list[str], members: list[tuple[tuple, tuple | None]]) -> Group:
    """A group of published rounds ((values, drawn point) each): sorted values per measure and the
    rounded points with how many members sit at each."""
    raw = _by_measure(measures, [values for values, _ in members])
    exact = all(_floats_are_exact(v) for v in raw.values())
    values = {key: sorted(float(x) for x in v) if exact else sorted(v) for key, v in raw.items()}
    points = Counter(p for _, p in members if p is not None)
    return Group(len(members), values, points, hashlib.sha256(repr(sorted(points.items())).encode()).hexdigest(), exact)


def _pooled(measures: list[str], published: Group | None, members: list, hidden: list[tuple]) -> Group:
    """The published group of all organisations with the unpublished rounds' values added. Its
    points are never drawn (group_for draws the published group's), so it has none."""
    added = _by_measure(measures, hidden)
    if published is None:
        published = Group(0, {key: [] for key in measures}, Counter())
    if published.floats and all(_floats_are_exact(v) for v in added.values()):
        values = {key: sorted(published.values[key] + [float(x) for x in added[key]]) for key in measures}
        return Group(published.members + len(hidden), values, Counter())
    # A value whose float would not sort exactly: every value as a Fraction, as the published group could not keep them.
    raw = _by_measure(measures, [values for values, _ in members] + hidden)
    return Group(published.members + len(hidden), {key: sorted(v) for key, v in raw.items()}, Counter(), floats=False)


@dataclass(frozen=True)
class Position:
    """The organisation's place on one axis or area among a group's other members."""

    kind: str  # "axis" or "area"
    key: str
    share_below: Fraction | None  # of the others with a value, the share strictly below; None: not comparable
    compared: int  # how many others have a value
    # The published others' values, as Kolada shows a group: median, lowest and highest, and how many
    # (None when fewer than MIN_GROUP have one: no median or range rests on fewer than five). Published
    # values only, which the public site shows anyway, so no unpublished value is ever one of them.
    spread: tuple[Fraction, Fraction, Fraction, int] | None = None
    spread_shown: tuple[str, str, str, int] | None = None  # the same as printed (text.num_on_side, the measure's bounds)


@dataclass(frozen=True)
class ShownPosition:
    kind: str
    key: str
    percent: str | None  # share_below as printed: whole percent, more decimals only instead of a false 0 or 100
    compared: int
    quarter: str | None = None  # which quarter of the others the value is in ("översta fjärdedelen"), from share_below
    spread: tuple[str, str, str, int] | None = None  # median, lowest, highest as printed, and how many


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
    pooled: int = 0  # unpublished organisations among `size`: counted, never drawn
    edition: str = ""  # the grouping's edition, for groups from the reference list
    short: str = ""  # a table's column header

    def key(self) -> list:
        return [
            self.label,
            self.plural,
            self.size,
            self.shown,
            [[p.kind, p.key, p.percent, p.compared, p.quarter, p.spread] for p in self.positions],
            self.points_digest,
            self.pooled,
            self.edition,
            self.short,
        ]


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
    points: tuple[tuple[float, float], ...] | None = None  # the published peers' rounded points, when asked for
    pooled: int = 0  # unpublished organisations counted in the positions (never drawn as points)
    edition: str = ""  # the grouping's edition, for groups from the reference list
    group: str | None = None  # the group's code: "A2", "A", "01"
    short: str = ""  # a table's column header: "Kommungrupp A2"

    def as_shown(self) -> ShownComparison:
        return ShownComparison(
            self.label,
            self.plural,
            self.size,
            self.shown,
            tuple(
                ShownPosition(
                    p.kind,
                    p.key,
                    None if p.share_below is None else percent_shown(p.share_below),
                    p.compared,
                    quarter(p.share_below),
                    p.spread_shown,
                )
                for p in self.positions
            ),
            self.points_digest,
            self.points,
            self.pooled,
            self.edition,
            self.short,
        )

    def as_json(self) -> dict:
        """The group as the delivery JSON file holds it (`jamforelse`); also what its build key holds."""
        out: dict = {"grupp": self.key, "antal": self.size, "visas": self.shown, "ej_publicerade": self.pooled}
        if self.group is not None:
            out["kod"] = self.group
            out["indelning"] = self.edition
        if self.shown:
            out["andel_lagre"] = {p.key: None if p.share_below is None else float(p.share_below) for p in self.positions}
            out["publicerade"] = {
                p.key: None
                if p.spread is None
                else {"median": float(p.spread[0]), "lagst": float(p.spread[1]), "hogst": float(p.spread[2]), "antal": p.spread[3]}
                for p in self.positions
            }
        return out


QUARTERS = ("den lägsta fjärdedelen", "den näst lägsta fjärdedelen", "den näst högsta fjärdedelen", "den högsta fjärdedelen")


def quarter(share_below: Fraction | None) -> str | None:
    """Which quarter of the others a value is in, from the share of them below it (Kolada's quartiles,
    with the organisation's own place among the others): at least 3/4 below is the highest quarter."""
    if share_below is None:
        return None
    return QUARTERS[min(3, int(share_below * 4))]


def _shown_spread(ins: Instrument, kind: str, key: str, spread) -> tuple[str, str, str, int] | None:
    if spread is None:
        return None
    b = axis_bounds(ins) if kind == "axis" else area_bounds(ins, key)
    return (*(num_on_side(v, b.at_least, b.above) for v in spread[:3]), spread[3])


@functools.lru_cache(maxsize=1 << 16)
def _exact(v: float) -> Fraction:
    """The score a float of a group stands for (see _FLOAT_EXACT); scores repeat across groups and measures."""
    return Fraction(v).limit_denominator(_FLOAT_EXACT)


def _spread(values: list, mine, drop_own: bool, exact_floats: bool) -> tuple[Fraction, Fraction, Fraction, int] | None:
    """Median (of an even count, the mean of the middle two), lowest and highest of the published
    others' values: the group's published values (sorted) less the organisation's own, when it is
    among them. Only those three are read and made exact: the group is not copied for each member."""
    skip = None
    if drop_own and mine is not None:
        own = float(mine) if exact_floats else mine
        skip = bisect_left(values, own)
        if skip == len(values) or values[skip] != own:
            raise ValueError("the organisation's own value is not among its group's published values")
    n = len(values) - (skip is not None)
    if n < MIN_GROUP:
        return None

    def at(i: int) -> Fraction:  # the i-th of the others, in order
        v = values[i if skip is None or i < skip else i + 1]
        return _exact(v) if exact_floats else Fraction(v)

    median = at(n // 2) if n % 2 else (at(n // 2 - 1) + at(n // 2)) / 2
    return median, at(0), at(n - 1), n


def comparison(ins: Instrument, result: Result, index: ComparisonIndex, *, with_points: bool = True) -> list[Comparison]:
    """The organisation against the others in its latest round's year: all, its own type, and
    for a municipality with a code its SKR main group, SKR group and county, under the privacy
    rule of ComparisonIndex.

    `result` is an OrganisationResult or its summary. Without points, a group names the peer
    points only through `points_digest` (which, with the organisation's own point, fixes them).
    """
    latest = result.latest
    year = latest.year
    published = result.organisation.published
    own_point = _rounded_point(latest, ins.threshold)
    out = []
    for d in [ALL] + group_definitions(ins, result.organisation):
        label = f"{d.label} med mätning {year}"
        code = d.gid[1] if d.gid is not None and d.gid[0] != "typ" else None
        group, public, member, pooled = index.group_for(year, d.gid, latest, published)
        size = group.members - member  # everyone counted but the organisation itself
        if size < MIN_GROUP:
            out.append(Comparison(d.key, label, d.plural, size, False, edition=d.edition, group=code, short=d.short))
            continue
        points = None
        if with_points:
            counts = public.points.copy()
            if published and own_point is not None:
                counts[own_point] -= 1
            points = tuple(sorted(p for p, n in counts.items() if n > 0))
        positions = [index.position(year, d.gid, group is not public, member, published, m, m[2](latest.overall)) for m in _measures(ins)]
        out.append(
            Comparison(d.key, label, d.plural, size, True, tuple(positions), public.digest, points, pooled, d.edition, code, d.short)
        )
    return out
