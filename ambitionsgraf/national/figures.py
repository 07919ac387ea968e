"""The national follow-up's figures: exact counts and changes over the published organisations.

Pure functions over the published organisations (whole results or their summaries), exact
like the scoring: counts, and changes as Fractions. year_report refuses an unpublished
organisation: every result it computes is public. The one exception is `participants`, which
counts every organisation measured in the year, published or not, by type and group only (its
type, code and round dates: never a score), so the follow-up can say how many took part and how
many are left out.

Who counts in year Y: every published organisation with a round dated in Y, once, with its
latest round that year (as on the overview pages). How it moved: its round in Y against its
latest round from an earlier year. Groups: the organisation's type, and for municipalities
SKR's municipality group (from the SCB code in the answer file), given as a `Grouping` so
the reference list stays outside this module.

A share of fewer than MIN_SHARE organisations is never shown, only the count, and no median
rests on fewer: one or two organisations would read as "50 %" or "100 %" of a group.

`year_report` computes the figures; `report_view` turns them into what the year's page and PDF
show, and `report_digest` keys both on it.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from ..instrument import Instrument
from ..overview import MIN_GROUP, Result, Round, question_distribution, select
from ..scoring import AXES, details_public, question_status, step_statuses

MIN_SHARE = MIN_GROUP  # the privacy rule of five (overview.MIN_GROUP): no share or median of fewer


@dataclass(frozen=True)
class Grouping:
    """SKR's municipality groups: which one a municipality is in, and what they are called.

    `group_of` gets an organisation's identity (OrganisationInfo or Organisation) and gives its
    group's key ("A1"), or None when it cannot tell (no code); the build reads it from the
    reference list (site.grouping). A group's main group is the key's letter, as in SKR's own
    codes."""

    edition: str  # "SKR:s kommungruppsindelning 2023"
    applies_to: str  # the organisation type the groups divide (kommun)
    main_groups: Mapping[str, str]  # "A" -> its name, in SKR's order
    groups: Mapping[str, str]  # "A1" -> its name, in SKR's order
    group_of: Callable[[object], str | None]
    sizes: Mapping[str, int] = field(default_factory=dict)  # "A1" -> municipalities in the group (all, not only measured)
    type_sizes: Mapping[str, int] = field(default_factory=dict)  # "kommun" -> 290, "region" -> 21: how many the country has
    county_of: Callable[[object], tuple[str, str] | None] = lambda org: None  # an organisation's county ("01", "Stockholms län"), if known
    codes_edition: str = ""  # where type_sizes come from ("SCB:s kommun- och länskoder 2025-01-01")


@dataclass(frozen=True)
class Tally:
    """One group of the year's organisations: how many, and how many sit in each quadrant."""

    key: str  # "alla", a type id, a main group "A", a group "A1", or "okand"
    kind: str  # "alla", "typ", "huvudgrupp", "grupp" or "okand"
    members: int
    quadrants: Mapping[str | None, int]  # quadrant id (None: no point) -> how many; every quadrant, then None
    size: int | None = None  # how many the group holds in the country (SKR groups only)


@dataclass(frozen=True)
class Transitions:
    """How the organisations measured in the year and in an earlier year moved."""

    pairs: int  # organisations with a round in the year and an earlier one
    earlier_years: Mapping[str, int]  # year of the earlier round -> how many, oldest first
    table: Mapping[tuple[str | None, str | None], int]  # (quadrant before, quadrant after) -> how many
    changes: Mapping[str, tuple[Fraction, ...]]  # axis -> every change (after − before) where both exist, sorted

    def median(self, axis: str) -> Fraction | None:
        values = self.changes[axis]
        return statistics.median(values) if values else None


@dataclass(frozen=True)
class NationalReport:
    year: str
    members: int
    tallies: tuple[Tally, ...]  # all, per type, then (with a grouping) per main group and group, and unknown
    transitions: Transitions
    questions: tuple[dict, ...]  # overview.question_distribution: per question, organisations per answer level
    steps: Mapping[str, Mapping[str | None, int]]  # step or zone -> status id (None: no answers) -> how many
    question_statuses: Mapping[str, Mapping[str | None, int]]  # question -> status id (None: no answer) -> how many
    grouping: Grouping | None
    latest: str | None  # the latest date among the rounds counted
    # Every organisation measured in the year, published or not, as counts only (coverage.participants):
    # (kind, key) as the tallies' -> how many. Without it, those measured are taken to be the published.
    measured: Mapping[tuple[str, str], int] = field(default_factory=dict)
    # The rounds counted (organisation, its round in the year) and, for those measured before, the
    # pairs (organisation, earlier round, round in the year): what the breakdowns are drawn from.
    rounds: tuple = ()
    pairs: tuple = ()


def years(published: list[Result]) -> list[str]:
    """The round years of the published organisations, oldest first: one report each."""
    return sorted({a.year for r in published for a in r.assessments})


def earlier_round(result: Result, year: str) -> Round | None:
    """The organisation's latest round from a year before `year`: the one its round in `year` is
    compared with. A second round within the same year is a redo, not a follow-up."""
    before = [a for a in result.assessments if a.year < year]
    return before[-1] if before else None


def _quadrants(ins: Instrument, rounds: list[Round]) -> dict[str | None, int]:
    counts: dict[str | None, int] = {q.id: 0 for q in ins.quadrants}
    counts[None] = 0
    for a in rounds:
        counts[a.overall.quadrant] += 1
    return counts


def _tallies(ins: Instrument, chosen: list[tuple[Result, Round]], grouping: Grouping | None) -> tuple[Tally, ...]:
    def tally(key: str, kind: str, rounds: list[Round], size: int | None = None) -> Tally:
        return Tally(key, kind, len(rounds), _quadrants(ins, rounds), size)

    out = [tally("alla", "alla", [a for _, a in chosen])]
    for t in ins.types:
        rounds = [a for r, a in chosen if r.organisation.type == t.id]
        if rounds:
            out.append(tally(t.id, "typ", rounds))
    if grouping is None:
        return tuple(out)
    grouped: dict[str | None, list[Round]] = {}
    for r, a in chosen:
        if r.organisation.type == grouping.applies_to:
            key = grouping.group_of(r.organisation)
            grouped.setdefault(key if key in grouping.groups else None, []).append(a)
    for main in grouping.main_groups:
        members = [k for k in grouping.groups if k[0] == main]
        size = sum(grouping.sizes[k] for k in members) if all(k in grouping.sizes for k in members) else None
        out.append(tally(main, "huvudgrupp", [a for k in members for a in grouped.get(k, [])], size))
        out += [tally(k, "grupp", grouped.get(k, []), grouping.sizes.get(k)) for k in members]
    if grouped.get(None):
        out.append(tally("okand", "okand", grouped[None]))
    return tuple(out)


def _transitions(chosen: list[tuple[Result, Round]], year: str) -> Transitions:
    table: Counter = Counter()
    earlier_years: Counter = Counter()
    changes: dict[str, list[Fraction]] = {axis: [] for axis in AXES}
    for r, now in chosen:
        before = earlier_round(r, year)
        if before is None:
            continue
        table[before.overall.quadrant, now.overall.quadrant] += 1
        earlier_years[before.year] += 1
        for axis in AXES:
            b, n = before.overall.axes[axis], now.overall.axes[axis]
            if b is not None and n is not None:
                changes[axis].append(n - b)
    return Transitions(
        sum(table.values()), dict(sorted(earlier_years.items())), dict(table), {axis: exact_sorted(v) for axis, v in changes.items()}
    )


def exact_sorted(values: list[Fraction]) -> tuple[Fraction, ...]:
    """Exactly as sorted(values), faster: two fractions whose denominators are below 2**20 differ by
    more than 2**-40, far more than a float's rounding near the scores, so their floats sort as
    they do (scores always qualify: their denominators are products of small counts)."""
    if all(v.denominator < 2**20 for v in values):
        return tuple(sorted(values, key=float))
    return tuple(sorted(values))


class Statuses:
    """Each question's and step's status of a round, from its question means (all a summary has).

    Means take few distinct values (a handful of answers on a four-step scale), and a step's
    questions few combinations of statuses: each is worked out once (5× faster at 4 000
    organisations), by the scoring's own rules."""

    def __init__(self, ins: Instrument):
        self.ins = ins
        self.qids = ins.question_ids
        self.of_step = [(s.id, tuple(self.qids.index(q.id) for q in ins.questions_of_step(s.id))) for s in ins.steps]
        self._questions: dict = {}
        self._steps: dict = {}

    def of(self, a: Round) -> tuple[dict[str, str | None], dict[str, str | None]]:
        """(question -> status, step -> status); None: no answer."""
        statuses = []
        shown = details_public(a.overall)  # one person's answers: counted as none (underlag saknas)
        for qid in self.qids:
            mean = a.questions[qid].mean if shown else None
            key = (qid, None) if mean is None else (qid, mean.numerator, mean.denominator)
            status = self._questions.get(key, self._questions)
            if status is self._questions:
                status = self._questions[key] = question_status(self.ins, qid, mean)
            statuses.append(status)
        steps = {}
        for step, positions in self.of_step:
            key = (step, *(statuses[i] for i in positions))
            status = self._steps.get(key, self._steps)
            if status is self._steps:
                status = self._steps[key] = step_statuses(self.ins, dict(zip(self.qids, statuses)))[step]
            steps[step] = status
        return dict(zip(self.qids, statuses)), steps


def _steps(ins: Instrument, rounds: list[Round]) -> tuple[dict[str, dict[str | None, int]], dict[str, dict[str | None, int]]]:
    """How many rounds have each step, and each question, at each status: (by step, by question)."""
    counts = {s.id: {**{st.id: 0 for st in ins.statuses}, None: 0} for s in ins.steps}
    by_question = {qid: {**{st.id: 0 for st in ins.statuses}, None: 0} for qid in ins.question_ids}
    memo = Statuses(ins)
    for a in rounds:
        questions, steps = memo.of(a)
        for qid, status in questions.items():
            by_question[qid][status] += 1
        for step, status in steps.items():
            counts[step][status] += 1
    return counts, by_question


def group_keys(org, grouping: Grouping | None) -> list[tuple[str, str]]:
    """The tallies an organisation counts in: all, its type, and a municipality's main group and
    group (or the unknown group without a code)."""
    keys = [("alla", "alla"), ("typ", org.type)]
    if grouping is not None and org.type == grouping.applies_to:
        key = grouping.group_of(org)
        keys += [("huvudgrupp", key[0]), ("grupp", key)] if key is not None and key in grouping.groups else [("okand", "okand")]
    return keys


def participants(everyone: list[Result], year: str, grouping: Grouping | None) -> dict[tuple[str, str], int]:
    """How many organisations, published or not, have a round in `year`, per tally: counts only,
    so that the follow-up can say how many took part without reading anything else of theirs."""
    counts: Counter = Counter()
    for r in everyone:
        if any(a.year == year for a in r.assessments):
            counts.update(group_keys(r.organisation, grouping))
            if grouping is not None and grouping.county_of(r.organisation) is not None:
                counts["kod", r.organisation.type] += 1  # a place of the reference list: counts towards coverage
    return dict(counts)


def year_report(
    ins: Instrument,
    published: list[Result],
    year: str,
    grouping: Grouping | None = None,
    measured: Mapping[tuple[str, str], int] | None = None,
) -> NationalReport:
    """The follow-up of `year` over `published` (the caller hands published organisations only);
    `measured`: participants() over every organisation measured, for the coverage (counts only)."""
    if any(not r.organisation.published for r in published):
        raise ValueError("the national follow-up is public: it takes published organisations only")
    sel = select(published, None, year)
    chosen = list(sel.rounds)
    steps, by_question = _steps(ins, [a for _, a in chosen])
    return NationalReport(
        year=year,
        members=len(chosen),
        tallies=_tallies(ins, chosen, grouping),
        transitions=_transitions(chosen, year),
        questions=tuple(question_distribution(ins, sel)),
        steps=steps,
        question_statuses=by_question,
        grouping=grouping,
        latest=max((a.date for _, a in chosen), default=None),
        measured=dict(measured) if measured is not None else participants([r for r, _ in chosen], year, grouping),
        rounds=tuple((r.organisation, a) for r, a in chosen),
        pairs=tuple((r.organisation, before, a) for r, a in chosen if (before := earlier_round(r, year)) is not None),
    )
